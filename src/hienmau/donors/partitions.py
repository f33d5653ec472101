"""Donations partitioned by year on PostgreSQL (docs/scaling.md, docs/decisions.md).

`donors_donation` is `PARTITION BY RANGE (date)`: one partition a year (`donors_donation_y2025`, from 1
January to the next 1 January) and a DEFAULT partition (`donors_donation_default`) that takes any date
without a year of its own, so an insert never fails for want of a partition. The primary key is
(id, date); `id` still comes from the table's identity, so Django's `pk` is unchanged. Unique
constraints include the date (Donation.Meta), and the two links to a donation (Registration.donation,
HeldDonation.donation) have no database constraint: a foreign key to a partitioned table must name a
unique key holding the partition key. Django's SET_NULL keeps them true when a donation is deleted.

`hienmau partitions` (daily timer, deploy/systemd/hienmau-partitions.*) makes the partitions of this year
and the next ones, and moves a year's rows out of the DEFAULT partition into their own. SQLite keeps one
plain table: every function here does nothing there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

TABLE = "donors_donation"
DEFAULT = f"{TABLE}_default"
PLAIN = f"{TABLE}_unpartitioned"


def partition_name(year: int) -> str:
    return f"{TABLE}_y{year}"


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str  # PostgreSQL's text: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" or "DEFAULT"
    rows: int  # the planner's estimate (reltuples), -1 before the first ANALYZE


def is_partitioned(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partitions(connection) -> list[Partition]:
    """The partitions of the donation table in date order, DEFAULT last; empty when not partitioned."""
    if not is_partitioned(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname""",
            [TABLE],
        )
        found = [Partition(*row) for row in cursor.fetchall()]
    return sorted(found, key=lambda p: (p.bounds == "DEFAULT", p.name))


def ensure_years(connection, years: list[int]) -> list[str]:
    """Create the partitions of `years` that do not exist yet, each with the rows of its year the DEFAULT
    partition holds, in one transaction per year. Returns the names created."""
    if not is_partitioned(connection):
        return []
    existing = {p.name for p in partitions(connection)}
    created = []
    for year in sorted(set(years)):
        name = partition_name(year)
        if name in existing:
            continue
        _create_year(connection, year)
        created.append(name)
    return created


def years_due(connection, today: datetime.date, ahead: int = 1) -> list[int]:
    """This year, the `ahead` years after it, and every year that has rows in the DEFAULT partition."""
    years = set(range(today.year, today.year + ahead + 1))
    if is_partitioned(connection):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT extract(year FROM date)::int FROM {DEFAULT}")
            years |= {row[0] for row in cursor.fetchall()}
    return sorted(years)


def _create_year(connection, year: int) -> None:
    from django.db import transaction

    name = partition_name(year)
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # The parent and its DEFAULT partition are locked first so no row of the year lands in DEFAULT
        # between the move and the attach.
        cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE date >= %s AND date < %s)", [start, end])
        if not cursor.fetchone()[0]:
            cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)", [start, end])
            return
        cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"""WITH moved AS (DELETE FROM {DEFAULT} WHERE date >= %s AND date < %s RETURNING *)
                INSERT INTO {name} SELECT * FROM moved""",
            [start, end],
        )
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [start, end])


# --- the migration (donors 0014) -------------------------------------------------------------------


def partition_table(schema_editor) -> None:
    """Rebuild the plain donation table as a partitioned one, rows, indexes and constraints kept: one
    partition for each year that has rows plus this year and the next, and DEFAULT. No-op on SQLite
    and when already partitioned."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or is_partitioned(connection):
        return
    with connection.cursor() as cursor:
        _refuse_references(cursor)
        constraints, indexes = _definitions(cursor)
        cursor.execute(f"SELECT DISTINCT extract(year FROM date)::int FROM {TABLE}")
        years = {row[0] for row in cursor.fetchall()}
        this_year = datetime.date.today().year
        years |= {this_year, this_year + 1}
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {PLAIN}")
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {PLAIN} INCLUDING DEFAULTS) PARTITION BY RANGE (date)")
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
        for year in sorted(years):
            cursor.execute(
                f"CREATE TABLE {partition_name(year)} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                [datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)],
            )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {PLAIN}")
        cursor.execute(f"DROP TABLE {PLAIN}")  # its identity sequence with it; no foreign key points at it
        _restore_definitions(cursor, constraints, indexes, key="PRIMARY KEY (id, date)")


def unpartition_table(schema_editor) -> None:
    """The migration's reverse: the same rows back in one plain table keyed by id."""
    connection = schema_editor.connection
    if not is_partitioned(connection):
        return
    with connection.cursor() as cursor:
        constraints, indexes = _definitions(cursor)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {PLAIN}")
        cursor.execute(f"CREATE TABLE {TABLE} (LIKE {PLAIN} INCLUDING DEFAULTS)")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {PLAIN}")
        cursor.execute(f"DROP TABLE {PLAIN}")  # and its partitions
        _restore_definitions(cursor, constraints, indexes, key="PRIMARY KEY (id)")


def _refuse_references(cursor) -> None:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE confrelid = to_regclass(%s)", [TABLE]
    )
    found = cursor.fetchall()
    if found:
        raise RuntimeError(f"foreign keys still point at {TABLE}, drop them first: {found}")


def _definitions(cursor) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The table's constraints (name, type, definition) and its indexes that back no constraint."""
    cursor.execute(
        """SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u', 'c', 'f') AND conparentid = 0
           ORDER BY contype, conname""",
        [TABLE],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = to_regclass(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY 1""",
        [TABLE],
    )
    return constraints, [row[0] for row in cursor.fetchall()]


def _restore_definitions(cursor, constraints, indexes, *, key: str) -> None:
    """Put the constraints and indexes back on the new table (the old one, and its names, are gone);
    the identity goes on again from the highest id."""
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {TABLE}", [TABLE]
    )
    for name, kind, definition in constraints:
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {key if kind == "p" else definition}')
    for definition in indexes:
        cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
