"""Dropping the database connection in the middle of a save, for the tests of what the person is told and
what is left behind (tests/*/test_dropped_connection.py).

`drop_connection_at(owner, name, call=n)` wraps a function the save calls partway: its n-th call asks a
second connection to terminate this connection's server backend (`pg_terminate_backend`, waiting until it
is gone), then goes on as usual, so the save's next query finds the connection dead. PostgreSQL only: SQLite
has no server to drop the connection."""

from __future__ import annotations

import contextlib
from unittest import mock

import psycopg
import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the test terminates the server backend of the running connection "
    "(pg_terminate_backend); SQLite has no server connection to drop",
)


def terminate_own_backend() -> None:
    """Terminate, from a second connection, the server process behind Django's default connection."""
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as other:
        killed = other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
    assert killed == (True,), "the backend was not terminated"


@contextlib.contextmanager
def drop_connection_at(owner, name: str, call: int = 1):
    """Within the block, the `call`-th call of owner.name drops the connection first. Yields a list that
    holds one entry once the connection was dropped (so the test can tell the drop happened)."""
    original = getattr(owner, name)
    calls, dropped = [0], []

    def wrapper(*args, **kwargs):
        calls[0] += 1
        if calls[0] == call:
            terminate_own_backend()
            dropped.append(call)
        return original(*args, **kwargs)

    with mock.patch.object(owner, name, wrapper):
        yield dropped


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the database (history, sessions and join tables included)."""
    tables = sorted(connection.introspection.table_names())
    query = " UNION ALL ".join(
        f"SELECT {index}, COUNT(*) FROM {connection.ops.quote_name(table)}" for index, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        counts = dict(cursor.fetchall())
    return {table: counts[index] for index, table in enumerate(tables)}


def changed_tables(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The tables whose row count differs from `before`: {table: (before, now)}."""
    now = row_counts()
    return {table: (before.get(table, 0), count) for table, count in now.items() if before.get(table, 0) != count}
