"""Registry at national size: N donors, 3 donations each, on PostgreSQL.

Measures name search (p50/p95 over varied queries), phone lookup, eligibility of one donor, a
10.000-line registrant list checked and matched, check-in search, and a 100.000-row history import
(wall time and the importing process's peak memory). Data is generated
inside PostgreSQL with generate_series, so building a million donors takes seconds, not hours.
"""

import csv
import datetime
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

from bench.report import figure
from bench.timing import timed, timed_each, timed_in_turn

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Kim", "Xuân", "Hoàng"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Ngân",
    "Nhung",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
    "Tùng",
    "Trung",
    "Hiếu",
    "Thắng",
    "Loan",
    "Oanh",
    "Châu",
    "Duy",
    "Kiên",
]


def _array(values):
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def build(n: int) -> None:
    from hienmau.core.lib.text import fold
    from hienmau.donors import partitions

    partitions.ensure_years(connection, [2023, 2024, 2025])  # the donations' years (no-op unpartitioned)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO donors_donor (full_name, name_folded, other_names_search, given_name_folded, date_of_birth, sex, cccd,
                phone, address, abo, rh, blood_group_source, blood_group_conflict, consent_contact, consent_emergency,
                consent_processing, is_synthetic, created_at)
            SELECT f || ' ' || m || ' ' || g, ff || ' ' || mf || ' ' || gf, ' ' || ff || ' ' || mf, gf,
                   DATE '1966-01-01' + (i::bigint * 7919 % 14600)::int, CASE WHEN i % 2 = 0 THEN 'M' ELSE 'F' END,
                   lpad((i % 96 + 1)::text, 3, '0') || '0' || lpad((i % 100)::text, 2, '0') || lpad((i % 1000000)::text, 6, '0'),
                   '+849' || lpad((10000000 + i)::text, 8, '0'), '', 'O', '+', '', '', true, false, true, true, now()
            FROM (
              SELECT i,
                     ({_array(FAMILY)})[1 + i % {len(FAMILY)}] AS f, ({_array([fold(x) for x in FAMILY])})[1 + i % {len(FAMILY)}] AS ff,
                     ({_array(MIDDLE)})[1 + (i / 7) % {len(MIDDLE)}] AS m, ({_array([fold(x) for x in MIDDLE])})[1 + (i / 7) % {len(MIDDLE)}] AS mf,
                     ({_array(GIVEN)})[1 + (i / 3) % {len(GIVEN)}] AS g, ({_array([fold(x) for x in GIVEN])})[1 + (i / 3) % {len(GIVEN)}] AS gf
              FROM generate_series(1, {n}) AS i
            ) AS s
        """)
        cursor.execute("""
            INSERT INTO donors_donation (donor_id, date, drive_name, component, volume_ml, bag_number, outcome,
                deferral_reason, benefit_kind, override_physician, override_reason, override_refusal, created_at)
            SELECT d.id, DATE '2023-01-01' + ((d.id::bigint * 31 + k * 113) % 1000)::int, '', 'whole_blood', 350,
                   'B' || d.id || '-' || k, 'donated', '', 'gift', '', '', '', now()
            FROM donors_donor d CROSS JOIN generate_series(1, 3) AS k
        """)
    # As autovacuum leaves a registry in service: statistics current, visibility map set (index-only
    # walks of the list order need it). VACUUM cannot run inside the transaction block the cursor is in.
    connection.ensure_connection()
    autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE donors_donor")
            cursor.execute("VACUUM ANALYZE donors_donation")
    finally:
        connection.set_autocommit(autocommit)


def partitioned_against_plain(n: int) -> None:
    """A donor's donations, newest first (what eligibility reads), from the table partitioned by year and
    from one plain copy with the same indexes, in turn (issue 18)."""
    from bench.achievement import plain_copy

    plain = plain_copy()
    rng = random.Random(3)
    donors = [rng.randint(1, n) for _ in range(200)]

    def history(table: str) -> None:
        with connection.cursor() as cursor:
            for donor in donors:
                cursor.execute(
                    f"SELECT date, component, outcome FROM {table} WHERE donor_id = %s ORDER BY date DESC", [donor]
                )
                cursor.fetchall()

    times = timed_in_turn({t: (lambda t=t: history(t)) for t in ("donors_donation", plain)}, 10)
    ours, theirs = (times[t][0] / len(donors) for t in ("donors_donation", plain))
    print(
        f"a donor's donations, newest first: partitioned {ours:.3f} ms, one plain table {theirs:.3f} ms (×{ours / theirs:.2f})"
    )


def history_file(rows: int, path: Path) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày hiến", "Thành phần", "Thể tích", "Mã túi máu", "Kết quả"]
        )
        for i in range(rows):
            sex = "Nam" if i % 2 else "Nữ"
            born = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randint(0, 12000))
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            writer.writerow(
                [name, born.strftime("%d/%m/%Y"), sex, "15/03/2026", "Máu toàn phần", 350, f"IMP{i:07d}", "Đã hiến"]
            )


def registrant_rows(lines: int, n: int) -> list[list[str]]:
    """A unit's list: half people already in the registry (by name and birth date), half new."""
    from hienmau.donors.models import Donor

    rng = random.Random(5)
    rows = [["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số điện thoại", "Đơn vị"]]
    known = list(
        Donor.objects.filter(pk__in=[rng.randint(1, n) for _ in range(lines // 2)]).values_list(
            "full_name", "date_of_birth", "sex"
        )
    )
    for number in range(lines):
        if number < len(known):
            name, born, sex = known[number]
        else:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            born, sex = datetime.date(1975, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000)), rng.choice("MF")
        rows.append(
            [
                str(number + 1),
                name,
                born.strftime("%d/%m/%Y"),
                "Nam" if sex == "M" else "Nữ",
                f"09{rng.randint(10000000, 99999999)}",
                "Đoàn Thanh niên",
            ]
        )
    return rows


def drive_measures(n: int) -> list[dict]:
    """A 10.000-line registrant list checked and matched; check-in search over a 460-person drive."""
    from hienmau.core.lib.text import fold
    from hienmau.donors.registry import RegistryLookup
    from hienmau.drives import services
    from hienmau.drives.checkin_views import search_registrations
    from hienmau.drives.lib.registrant_list import check_lines
    from hienmau.drives.models import Drive
    from hienmau.orgs.models import Unit

    rows = registrant_rows(10_000, n)
    start = time.perf_counter()
    result = check_lines(rows, datetime.date(2026, 12, 1))
    checked = time.perf_counter() - start
    people = [line for line in result.lines if line.verdict == "ok"]
    start = time.perf_counter()
    lookup = RegistryLookup.load(
        None,  # the whole country, as the operator's command
        cccds=set(),
        phones={line.phone for line in people if line.phone},
        pairs={(fold(line.name), line.date_of_birth) for line in people},
    )
    matches = [lookup.match(None, line.phone, fold(line.name), line.date_of_birth) for line in people]
    found = sum(1 for match in matches if match.donor is not None or match.candidates)  # linked, or proposed
    matched = time.perf_counter() - start
    print(
        f"registrant list of 10.000 lines: checked in {checked:.1f} s, matched against the registry in "
        f"{matched:.1f} s ({found:,} of {len(people):,} valid lines already registered donors)"
    )
    unit = Unit.objects.create(name="Đoàn Thanh niên", kind="organisation", category="union")
    drive = Drive.objects.create(
        organiser=unit,
        title="Bench",
        date=datetime.date(2026, 12, 1),
        start_time=datetime.time(7),
        site_name="Nhà văn hoá",
    )
    drive.slots.create(unit=unit, start_time=datetime.time(7), end_time=datetime.time(11), quota=460)
    sample = [
        (
            line.line,
            services.Person(full_name=line.name, date_of_birth=line.date_of_birth, sex=line.sex, phone=line.phone),
            "direct",
        )
        for line in people[:460]
    ]
    services.submit_list(drive, unit, sample, None)
    names = [fold(p.full_name).split() for _, p, _ in sample[:30]]
    queries = [" ".join(words[-2:]) for words in names] + ["nguyen", "thi", "an"]
    p50, p95 = timed_each(lambda q: list(search_registrations(drive, q)[:50]), queries)
    print(f"check-in search over a {drive.registrations.count()}-person drive     p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    return [
        figure(
            "donors",
            "registrant list of 10.000 lines, checked + matched",
            f"{checked:.1f} s + {matched:.1f} s",
            "< 10 s",
        ),
        figure(
            "donors", "check-in search over a 460-person drive", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", "p95 < 100 ms"
        ),
    ]


def main(n: int) -> list[dict]:
    """Prints the figures and returns those that have a target (bench/all.py)."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    if connection.vendor != "postgresql":
        print("bench donors runs on PostgreSQL: set DATABASE_URL")
        return []
    figures = []
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from django.core.paginator import Paginator

        from hienmau.donors.models import Donor
        from hienmau.donors.partitions import is_partitioned
        from hienmau.donors.search import DonorListResults
        from hienmau.donors.services import eligibility_for
        from hienmau.donors.views import with_list_columns

        start = time.perf_counter()
        build(n)
        print(
            f"PostgreSQL, {Donor.objects.count():,} donors and {n * 3:,} donations built in {time.perf_counter() - start:.0f} s"
        )
        # What officers type: full names and "family given" pairs of people in the registry, plus single
        # words, which match tens of thousands of donors and are the slowest case.
        rng = random.Random(11)
        people = [Donor.objects.get(pk=rng.randint(1, n)).name_folded.split() for _ in range(20)]
        named = [" ".join(words) for words in people[:10]] + [f"{w[0]} {w[-1]}" for w in people[10:]]
        single = ["nguyen", "yen", "thi", "an", "duc", "hoa", "trang", "vy"]

        def search(q):
            """The search itself: the first 50 matches in Vietnamese order."""
            assert DonorListResults(Donor.objects.active(), q).page_keys(0, 50), q

        def list_page(q):
            """The donor list's first page as its view builds it: the count (capped at 1.000), 50 rows in
            order with their commune, workplace and number of donations."""
            page = Paginator(DonorListResults(Donor.objects.active(), q, decorate=with_list_columns), 50).get_page(1)
            assert len(list(page)) > 0, q

        for action, what in ((search, "name search, first 50"), (list_page, "donor list page")):
            for label, queries in (
                ("names and family+given pairs", named),
                ("single common words", single),
                ("no query (whole registry)", [""]),
                ("all of the above", named + single + [""]),
            ):
                p50, p95 = timed_each(action, queries, rounds=3)
                print(f"{what}: {label:30} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
                if action is search and label == "all of the above":
                    figures.append(
                        figure(
                            "donors",
                            f"donor name search, first 50, {n:,} donors",
                            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
                            "p95 < 100 ms",
                        )
                    )
        p50, p95 = timed(lambda: list(Donor.objects.search("0910012345")), 30)
        print(f"phone lookup                                  p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")
        sample = Donor.objects.order_by("?").first()
        p50, p95 = timed(lambda: eligibility_for(sample), 50)
        print(f"eligibility of one donor (DB + rules)         p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")
        figures.append(
            figure("donors", "eligibility of one donor (DB + rules)", f"p50 {p50:.2f} ms, p95 {p95:.2f} ms", "< 5 ms")
        )
        if is_partitioned(connection):
            partitioned_against_plain(n)
        figures += drive_measures(n)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "history.csv"
            history_file(99_999, path)  # the readers refuse a file of more than 100.000 lines
            script = (
                "import os, resource, sys, time; os.environ['DJANGO_SETTINGS_MODULE']='tests.settings'; "
                "sys.path.insert(0, os.getcwd()); import django; django.setup(); "
                "from django.db import connection; connection.settings_dict['NAME'] = sys.argv[2]; "
                "from hienmau.orgs.models import Unit; from hienmau.donors.importer import import_history; "
                "u = Unit.objects.create(name='BV', kind='organisation', category='hospital'); "
                "t = time.perf_counter(); r = import_history(__import__('pathlib').Path(sys.argv[1]), u); "
                "print(f'{time.perf_counter() - t:.1f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} "
                "{r.donations_created} {r.donors_created}')"
            )
            # Units need a national root for the tree; the importer only needs the facility row.
            out = subprocess.run(
                [sys.executable, "-c", script, str(path), connection.settings_dict["NAME"]],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                print("history import failed:", out.stderr[-2000:])
                figures.append(
                    figure("donors", "history import of 99.999 rows", "failed (see the output)", "< 30 s, < 500 MB")
                )
            else:
                seconds, peak_mb, donations, donors = out.stdout.split()
                print(
                    f"history import of 99.999 rows                 {float(seconds):7.1f} s, peak memory {peak_mb} MB "
                    f"({donations} donations, {donors} new donors)"
                )
                figures.append(
                    figure(
                        "donors",
                        f"history import of 99.999 rows ({donors} new donors)",
                        f"{float(seconds):.1f} s",
                        "< 30 s, < 500 MB",
                        memory=f"{peak_mb} MB",
                    )
                )
        return figures
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
