"""Achievement roll-ups on the synthetic dataset: `python -m bench achievement [province|national] [--write]`.

Seeds a throwaway database with `hienmau bench seed` (reports/synthetic.py) at the scale asked, then times
the reports of issue 11 against the best hand-written SQL doing the same work in the same run:

- national achievement by province × month for a year (target p95 < 150 ms)
- one province by commune × month (target p95 < 100 ms)
- a province's annual plan, its year by month and by unit

Each baseline is one or two queries written by hand: over the raw donations (what a report would cost
without the pre-aggregate, the issue's yardstick) and over the pre-aggregate `results_unitdayresult`
(the same rows the report reads), targets from the allocation cells. Figures only, never pass/fail;
`--write` puts the table into docs/benchmarks.md between its markers.
"""

from __future__ import annotations

import datetime
import sys

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

from bench.report import figure, write_block
from bench.timing import timed, timed_in_turn

BEGIN, END = "<!-- bench achievement: begin -->", "<!-- bench achievement: end -->"
REPEAT = 15


def _child_expression(column: str, root_path: str) -> str:
    """SQL for the path of the unit one level below the root on `column`'s path ('/1/5/23/…' → '/1/5/23/')."""
    length = len(root_path)
    if connection.vendor == "postgresql":
        return f"substr({column}, 1, {length} + strpos(substr({column}, {length + 1}), '/'))"
    return f"substr({column}, 1, {length} + instr(substr({column}, {length + 1}), '/'))"


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"extract(month from {column})::int"
    return f"cast(strftime('%m', {column}) as integer)"


def raw_by_child_month(root_path: str, year: int, table: str = "donors_donation") -> list:
    """Donations given in the year per unit one level below the root and month, from the raw table,
    with the targets of the allocations to those units (what the report shows)."""
    child = _child_expression("u.path", root_path)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {child}, {_month("d.date")}, count(*) FROM {table} d
                JOIN orgs_unit u ON u.id = d.mobilised_by_id
                WHERE u.path LIKE %s AND u.path <> %s AND d.date BETWEEN %s AND %s AND d.outcome = 'donated'
                GROUP BY 1, 2""",
            [root_path + "%", root_path, datetime.date(year, 1, 1), datetime.date(year, 12, 31)],
        )
        rows = cursor.fetchall()
    return rows + targets_by_child_month(root_path, year)


def preaggregate_by_child_month(root_path: str, year: int) -> list:
    child = _child_expression("u.path", root_path)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {child}, {_month("r.day")}, sum(r.collected), sum(r.v250), sum(r.v350), sum(r.v450)
                FROM results_unitdayresult r JOIN orgs_unit u ON u.id = r.unit_id
                WHERE u.path LIKE %s AND u.path <> %s AND r.day BETWEEN %s AND %s GROUP BY 1, 2""",
            [root_path + "%", root_path, datetime.date(year, 1, 1), datetime.date(year, 12, 31)],
        )
        rows = cursor.fetchall()
    return rows + targets_by_child_month(root_path, year)


def targets_by_child_month(root_path: str, year: int) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.unit_id, b.key, sum(c.value) FROM plans_allocationcell c
               JOIN plans_allocation a ON a.id = c.allocation_id JOIN plans_bucket b ON b.id = c.bucket_id
               JOIN plans_plan p ON p.id = a.plan_id JOIN orgs_unit u ON u.id = a.unit_id
               WHERE p.period_start BETWEEN %s AND %s AND u.path LIKE %s AND u.depth = %s
               GROUP BY 1, 2""",
            [
                datetime.date(year, 1, 1),
                datetime.date(year, 12, 31),
                root_path + "%",
                root_path.count("/") - 1,
            ],
        )
        return cursor.fetchall()


def raw_plan(plan) -> list:
    """A plan's achievement by hand: donations of each allocated unit's subtree within the plan's year."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.id, a.total, count(d.id) FROM plans_allocation a
               JOIN orgs_unit au ON au.id = a.unit_id
               JOIN orgs_unit u ON u.path LIKE au.path || '%%'
               JOIN donors_donation d ON d.mobilised_by_id = u.id AND d.outcome = 'donated'
                    AND d.date BETWEEN %s AND %s
               WHERE a.plan_id = %s GROUP BY a.id, a.total""",
            [plan.period_start, plan.period_end, plan.pk],
        )
        return cursor.fetchall()


def row(label: str, ours: tuple[float, float], target: str, baselines: list[tuple[str, float]]) -> str:
    ratios = "; ".join(f"{name} {p50:.1f} ms (×{ours[0] / p50:.1f})" for name, p50 in baselines)
    return f"| {label} | {ours[0]:.1f} ms | {ours[1]:.1f} ms | {target} | {ratios} |"


def main(argv: list[str]) -> list[dict]:
    """Prints and (`--write`) writes the table; returns the figures that have a target (bench/all.py)."""
    from hienmau.donors import partitions
    from hienmau.orgs.models import Unit
    from hienmau.plans.models import Plan
    from hienmau.reports import services, synthetic

    scale = "national" if "national" in argv else "province"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        until = datetime.date.today()
        report = synthetic.seed(scale, until=until)
        seeded = report.counts
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        year = until.year - 1
        nation = Unit.objects.get(kind="national", valid_until__isnull=True)
        province = Unit.objects.get(code=synthetic.DEFAULT_PROVINCE, kind="province", valid_until__isnull=True)
        plan = Plan.objects.get(issuing_unit=province, period_start=datetime.date(year, 1, 1))
        head = (
            f"{connection.vendor}, scale {scale}: {seeded['donors']:,} donors, {seeded['donations']:,} donations, "
            f"{seeded['drives']:,} drives, {seeded['allocations']:,} allocations, seeded in {report.seconds:.0f} s; "
            f"year {year}"
        )
        print(head)
        lines, figures = [], []

        def measure(label, fn, target, baselines):
            ours = timed(fn, REPEAT)
            base = [(name, timed(b, REPEAT)[0]) for name, b in baselines]
            line = row(label, ours, target, base)
            print(line)
            lines.append(line)
            if target:
                figures.append(
                    figure(
                        "achievement",
                        label,
                        f"p50 {ours[0]:.1f} ms, p95 {ours[1]:.1f} ms",
                        target,
                        "; ".join(f"×{ours[0] / p50:.2f} of {name} SQL ({p50:.1f} ms)" for name, p50 in base),
                    )
                )

        measure(
            "national by province × month (`--unit VN --by unit-month`)",
            lambda: services.unit_year(nation, year, "unit-month"),
            "p95 < 150 ms",
            [
                ("raw donations", lambda: raw_by_child_month(nation.path, year)),
                ("pre-aggregate", lambda: preaggregate_by_child_month(nation.path, year)),
            ],
        )
        measure(
            f"{province.full_name} by commune × month (`--by unit-month`)",
            lambda: services.unit_year(province, year, "unit-month"),
            "p95 < 100 ms",
            [
                ("raw donations", lambda: raw_by_child_month(province.path, year)),
                ("pre-aggregate", lambda: preaggregate_by_child_month(province.path, year)),
            ],
        )
        measure(
            f"{province.full_name} by unit (`--by unit`, the dashboard's ranking)",
            lambda: services.unit_year(province, year, "unit"),
            "",
            [("pre-aggregate", lambda: preaggregate_by_child_month(province.path, year))],
        )
        measure(
            f"{province.full_name} by month (`--by month`)",
            lambda: services.unit_year(province, year, "month"),
            "",
            [],
        )
        measure(
            f"plan {plan.reference} ({plan.allocations.count()} allocations, `--plan`)",
            lambda: services.plan_achievement(plan),
            "",
            [("raw donations", lambda: raw_plan(plan))],
        )
        if partitions.is_partitioned(connection):
            partitioned_against_plain(nation.path, year)
        if "--write" in argv:
            write(head, lines)
        return figures
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def partitioned_against_plain(root_path: str, year: int) -> None:
    """The same queries over the donations partitioned by year and over one plain copy of them with the
    same indexes, taken in turn so that both see the same machine load (issue 18)."""
    plain = plain_copy()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def count(table: str, one_year: bool):
        with connection.cursor() as cursor:
            where = "WHERE date BETWEEN %s AND %s" if one_year else ""
            cursor.execute(f"SELECT count(*), sum(volume_ml) FROM {table} {where}", [start, end] if one_year else [])
            return cursor.fetchone()

    queries = [
        ("national by province × month over the raw donations", lambda t: raw_by_child_month(root_path, year, t)),
        (f"count and volume of {year}'s donations", lambda t: count(t, True)),
        ("count and volume of every donation (all years)", lambda t: count(t, False)),
    ]
    for label, query in queries:
        times = timed_in_turn({t: (lambda t=t, q=query: q(t)) for t in ("donors_donation", plain)}, REPEAT)
        ours, theirs = times["donors_donation"][0], times[plain][0]
        print(f"| {label} | {ours:.1f} ms | {theirs:.1f} ms | ×{ours / theirs:.2f} |")


def plain_copy() -> str:
    """One plain table holding the partitioned donations, with the same indexes (issue 18's yardstick)."""
    plain = "bench_donation_plain"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {plain} (LIKE donors_donation INCLUDING ALL)")
        cursor.execute(f"INSERT INTO {plain} SELECT * FROM donors_donation")
        cursor.execute(f"ANALYZE {plain}")
    return plain


def write(head: str, lines: list[str]) -> None:
    write_block(
        BEGIN,
        END,
        [
            f"Last written by `make bench` on {datetime.datetime.now(datetime.UTC):%d/%m/%Y %H:%M} UTC: {head}.",
            "",
            "| report | p50 | p95 | target | hand-written SQL p50 (ratio of the report's p50 to it) |",
            "|---|---|---|---|---|",
            *lines,
        ],
    )


if __name__ == "__main__":
    main(sys.argv[1:])
