"""Benchmarks: figures and ratios, never pass/fail. `make bench` (SQLite) or with DATABASE_URL set.

`make bench` is `python -m bench all [province|national]` (bench/all.py): every bench below in turn, then
the summary table at the top of docs/benchmarks.md. `python -m bench` runs the suite below; `python -m bench donors [N]` runs bench/donors.py (registry of N
donors, default 1.000.000, PostgreSQL only); `python -m bench achievement [province|national] [--write]`
(bench/achievement.py: achievement roll-ups on the `hienmau bench seed` dataset, ratios to hand-written SQL,
the table written into docs/benchmarks.md); `python -m bench reference` loads the official unit lists
(bench/reference.py: about 14,700 units) and measures search, a province officer's scope and the resolver;
`python -m bench appendix [ROWS ...]` reads appendices of 400 and 10,000 rows in every format (bench/appendix.py).
`python -m bench standby [N]` matches emergency requests over N donors (bench/standby.py, PostgreSQL only).
`python -m bench load [SECONDS] [--write]` serves a drive day with gunicorn and loads it with locust
(bench/load.py, bench/loadfile.py; PostgreSQL only).

- unit search: accent-insensitive search in a national-size tree (10.000+ units), p50/p95 per query
- scope: building a province officer's scope and filtering units through it
- appendix: reading a 40 units × 12 months appendix as pasted text, per table and per row
"""

import os
import sys
import time

if sys.argv[1:2] == ["load"]:
    # Production settings, a server and a locust run of its own: see bench/load.py.
    sys.path.insert(0, os.getcwd())
    from bench import load

    load.main(sys.argv[2:])
    sys.exit(0)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
sys.path.insert(0, os.getcwd())

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from bench.timing import timed  # noqa: E402


def build_tree(provinces=34, communes_per_province=100, organisations_per_commune=3):
    from hienmau.orgs.models import Unit, UnitCategory, UnitKind

    nation = Unit.objects.create(name="Việt Nam", kind=UnitKind.NATIONAL, category=UnitCategory.NATIONAL, code="VN")
    names = ["Đắk Lắk", "Hưng Yên", "Kiên Giang", "Bắc Kạn", "Vân Du", "Phù Ứng", "Hồng Quang", "Tân Hiệp"]
    for p in range(provinces):
        province = Unit.objects.create(
            name=f"{names[p % len(names)]} {p}",
            kind=UnitKind.PROVINCE,
            category=UnitCategory.PROVINCE,
            parent=nation,
            code=f"{p + 1:02d}",
        )
        communes = [
            Unit(
                name=f"{names[(p + c) % len(names)]} {p}-{c}",
                kind=UnitKind.COMMUNE,
                category=UnitCategory.RURAL_COMMUNE,
                parent=province,
            )
            for c in range(communes_per_province)
        ]
        for commune in communes:
            commune.save()
            for o in range(organisations_per_commune):
                Unit(
                    name=f"Trường học {o} {commune.name}",
                    kind=UnitKind.ORGANISATION,
                    category=UnitCategory.SCHOOL,
                    parent=commune,
                ).save()
    return nation


def appendix_text(units=40, months=12):
    header = "STT\tĐơn vị\t" + "\t".join(f"Tháng {m}" for m in range(1, months + 1)) + "\tTổng cộng"
    rows = [header]
    grand = [0] * months
    for u in range(1, units + 1):
        values = [(u * m) % 50 for m in range(1, months + 1)]
        grand = [a + b for a, b in zip(grand, values)]
        rows.append(f"{u}\tĐơn vị {u}\t" + "\t".join(str(v) for v in values) + f"\t{sum(values)}")
    rows.append(
        "\tTổng cộng\t" + "\t".join(f"{v:,}".replace(",", ".") for v in grand) + f"\t{sum(grand):,}".replace(",", ".")
    )
    return "\n".join(rows)


def main():
    from hienmau.orgs.models import Membership, Role, Unit
    from hienmau.orgs.scoping import build_scope, scoped_units
    from hienmau.plans.lib.document import analyse_text
    from tests.factories import UserFactory

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        start = time.perf_counter()
        build_tree()
        built = time.perf_counter() - start
        count = Unit.objects.count()
        print(f"database: {connection.vendor}; units: {count:,} (built in {built:.1f} s)")
        for query in ("dak lak", "hung yen 3", "truong hoc 2 van du"):
            p50, p95 = timed(lambda q=query: list(Unit.objects.search(q)[:50]), 30)
            print(f"unit search {query!r:24} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
        province = Unit.objects.filter(kind="province").first()
        user = UserFactory(username="bench")
        membership = Membership.objects.create(user=user, unit=province, role=Role.OFFICER)
        p50, p95 = timed(lambda: build_scope(membership), 30)
        print(f"build province scope           p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
        scope = build_scope(membership)
        p50, p95 = timed(lambda: scoped_units(scope).count(), 30)
        print(
            f"count units in province scope  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({scoped_units(scope).count():,} units)"
        )
        text = appendix_text()
        p50, p95 = timed(lambda: analyse_text(text), 30)
        print(f"read 40 × 12 appendix          p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({p50 / 40:.3f} ms per row)")
        big = appendix_text(units=400)
        p50_big, _ = timed(lambda: analyse_text(big), 10)
        print(f"read 400 × 12 appendix         p50 {p50_big:6.2f} ms  (×{p50_big / p50:.1f} for ×10 rows)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    if sys.argv[1:2] == ["all"]:
        from bench import all as every

        every.main(sys.argv[2:])
    elif sys.argv[1:2] == ["reference"]:
        from bench import reference

        reference.main()
    elif sys.argv[1:2] == ["achievement"]:
        from bench import achievement

        achievement.main(sys.argv[2:])
    elif sys.argv[1:2] == ["appendix"]:
        from bench import appendix

        appendix.main(sys.argv[2:])
    elif sys.argv[1:2] == ["standby"]:
        from bench import standby

        standby.main(int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
    elif sys.argv[1:2] == ["donors"]:
        from bench import donors

        donors.main(int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
    else:
        main()
