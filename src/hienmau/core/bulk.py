"""Inserting many new rows, with their audit history, in one go.

On PostgreSQL the rows go through COPY and their history rows are copied from them by one
INSERT … SELECT. Django's bulk_create spent most of a 100.000-row history import building model
objects and query parameters (127 s; bench/donors.py); COPY takes plain tuples. Other databases use
simple_history's bulk_create_with_history, which records the same history rows.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg import sql
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

# Values psycopg writes to COPY as they are; other field types go through get_db_prep_save.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}
_HISTORY_FIELDS = ("history_date", "history_type", "history_change_reason", "history_user_id")


def insert_with_history(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, change_reason: str = ""
) -> list[int]:
    """Insert `rows` (field attname → value; absent fields take their defaults) as new records of
    `model`, each with a "created" history row, and return the new primary keys in row order.

    Like bulk_create it calls no save() and sends no signals: callers fill derived columns themselves.
    The history rows name the user of the current request, as simple_history does for single saves.
    """
    if not rows:
        return []
    attnames = {field.attname for field in model._meta.concrete_fields}
    unknown = set().union(*(row.keys() for row in rows)) - attnames
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
    try:
        history = get_history_model_for_model(model)
    except NotHistoricalModelError:
        history = None
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        if history is None:
            model._default_manager.bulk_create(objects, batch_size=500)
        else:
            bulk_create_with_history(objects, model, batch_size=500, default_change_reason=change_reason or None)
        return [obj.pk for obj in objects]
    keys = _reserve_keys(model, len(rows))
    _copy_rows(model, keys, rows)
    if history is not None:
        _copy_history(model, history, keys, change_reason)
    return keys


def _column(field: models.Field | models.ForeignObjectRel | None) -> str:
    """The column of a concrete field (the stubs allow None for fields that have none)."""
    assert isinstance(field, models.Field) and field.column is not None, field
    return field.column


def _reserve_keys(model: type[models.Model], count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s))) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return cursor.fetchone()[0]


def _copy_rows(model: type[models.Model], keys: list[int], rows: Sequence[dict[str, Any]]) -> None:
    now = timezone.now()
    pk = model._meta.pk
    fields = [field for field in model._meta.concrete_fields if field is not pk]
    defaults = {
        field.attname: now
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        else field.get_default()
        for field in fields
    }
    values_of = operator.itemgetter(*(field.attname for field in fields))
    preparing = [
        (position, field)
        for position, field in enumerate(fields, start=1)
        if field.get_internal_type() not in _PLAIN_TYPES
    ]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(_column(field)) for field in [pk, *fields]),
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for key, row in zip(keys, rows, strict=True):
            values = [key, *values_of(defaults | row)]
            for position, field in preparing:
                values[position] = field.get_db_prep_save(values[position], connection)
            copy.write_row(values)


def _copy_history(model: type[models.Model], history: type[models.Model], keys: list[int], change_reason: str) -> None:
    table_columns = {field.column for field in model._meta.concrete_fields}
    copied = [
        _column(field)
        for field in history._meta.concrete_fields
        if field.column in table_columns and field is not history._meta.pk
    ]
    missing = {
        field.attname
        for field in history._meta.concrete_fields
        if field.column not in table_columns and field is not history._meta.pk
    } - set(_HISTORY_FIELDS)
    if missing:
        raise TypeError(f"{history.__name__}: no value for {sorted(missing)}")
    user = history.get_default_history_user(model())
    statement = sql.SQL(
        "INSERT INTO {history} ({columns}, {extra}) SELECT {columns}, %s, '+', %s, %s FROM {table} WHERE {pk} = ANY(%s)"
    ).format(
        history=sql.Identifier(history._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(column) for column in copied),
        extra=sql.SQL(", ").join(
            sql.Identifier(_column(history._meta.get_field(name.removesuffix("_id")))) for name in _HISTORY_FIELDS
        ),
        table=sql.Identifier(model._meta.db_table),
        pk=sql.Identifier(_column(model._meta.pk)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement.as_string(cursor.cursor),
            [timezone.now(), change_reason or None, user.pk if user is not None else None, keys],
        )
