"""A drive day under load: `python -m bench load [SECONDS] [--write]` (PostgreSQL only, DATABASE_URL set).

What it does, in order, on loopback:

1. creates a throwaway database beside DATABASE_URL's (`test_<name>`, Django's test database, dropped at
   the end) and loads it with the one demo and the one synthetic dataset: `hienmau demo` (units,
   accounts) and `hienmau bench seed --scale province --province 91` (An Giang's registry, shrunk to
   LOAD_DONORS donors, ten years of donations ending 120 days ago so that most may give again);
2. makes today's drive day: DRIVES drives of An Giang's communes collected by the province hospital, each
   with a registrant list of REGISTRANTS seeded donors submitted through drives.services.submit_list,
   and next week's drive open to public sign-up (drives/public_urls.py);
3. collects the static files and starts gunicorn with deploy/gunicorn.conf.py and production settings
   (DEBUG off, WhiteNoise, Argon2, the file cache of the rate limits under a temporary HIENMAU_VAR_DIR),
   plain HTTP on a free loopback port, behind one simulated reverse proxy (HIENMAU_PROXY_COUNT=1: each
   public visitor's address comes in X-Forwarded-For, as nginx sets it);
4. signs in 50 desk and 20 reader accounts made for the run (the hospital's staff and the province's
   officers and leaders, each with a TOTP device, as production requires of these roles) through the login
   page and its code step, 5 at a time, before the measured run;
5. runs bench/loadfile.py headless with locust for SECONDS (default 60): 50 check-in clients (the real
   check-in page, its search, snapshot, counter and the outbox's JSON outcome endpoint with the CSRF
   header), 20 dashboard readers (home, reports), and a
   burst of public sign-ups from BURST_AT to BURST_AT + BURST_SECONDS (each a new phone and address),
   plus one address that keeps posting through the run and meets the per-address limit
   (HIENMAU_RATE_SELF_REGISTRATION, lowered to LIMIT per 10 minutes for the run so that it is met on a
   slow machine: its 429s are the designed answer, counted apart, not errors);
6. stops gunicorn and writes p50 / p95 / max and error counts per endpoint into docs/benchmarks.md
   between its markers (`--write`), with the machine's load average.

Nothing here is asserted: the figures are printed and written. tests/test_bench_load.py only
checks that the scenario imports and that every endpoint it requests is a URL the project routes.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench.report import figure, write_block
from bench.timing import percentiles

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- bench load: begin -->", "<!-- bench load: end -->"
PLAN_ENV = "HIENMAU_LOAD_PLAN"  # the JSON file telling bench/loadfile.py the drives, accounts and token

CHECKIN_CLIENTS = 50
DASHBOARD_READERS = 20
BURST_VISITORS = 60
BURST_AT = 20  # seconds after the start (everyone else has logged in)
BURST_SECONDS = 20
DRIVES = 5
REGISTRANTS = 300  # per drive
LOAD_DONORS = 5_000
LIMIT = 5  # sign-ups per address per 10 minutes during the run (HIENMAU_RATE_SELF_REGISTRATION, default 20)
PROVINCE = "91"  # An Giang: the demo's province officer, leader and facility staff work there
PASSWORD = "bench-load-only"  # of the accounts made for the run (one per desk and reader, each with a TOTP device)

# Every request of the scenario: key → (URL name, path template). The test reverses each URL name with
# the template's fields and compares, so a renamed or moved route breaks the test, not the next run.
ENDPOINTS: dict[str, tuple[str, str]] = {
    "login page": ("login", "/accounts/login/"),
    "login": ("login", "/accounts/login/"),
    "login code": ("second_factor:verify", "/account/two-factor/verify/"),
    "checkin page": ("drive_checkin:checkin", "/drives/{pk}/checkin/"),
    "checkin search": ("drive_checkin:checkin", "/drives/{pk}/checkin/"),
    "checkin snapshot": ("drive_checkin:checkin_snapshot", "/drives/{pk}/checkin/snapshot.json"),
    "checkin counter": ("drive_checkin:checkin_counter", "/drives/{pk}/checkin/counter/"),
    "checkin outcome": ("drive_checkin:checkin_outcome", "/drives/{pk}/checkin/outcomes/"),
    "home (dashboard)": ("home", "/"),
    "reports overview": ("reports:overview", "/reports/"),
    "unit achievement": ("reports:unit_achievement", "/reports/units/{pk}/"),
    "drive list": ("drives:drive_list", "/drives/list/"),
    "sign-up page": ("public_drives:register", "/r/{token}/"),
    "sign-up": ("public_drives:register", "/r/{token}/"),
    "sign-up, one address": ("public_drives:register", "/r/{token}/"),
}


def configure() -> None:
    """The environment gunicorn and this process share; set before Django reads its settings."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "hienmau.settings"
    os.environ.pop("HIENMAU_DEBUG", None)
    os.environ.setdefault("HIENMAU_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["HIENMAU_HTTPS"] = "0"  # plain HTTP on loopback, as `make serve-prod`
    os.environ["HIENMAU_PROXY_COUNT"] = "1"
    os.environ["HIENMAU_VAR_DIR"] = tempfile.mkdtemp(prefix="hienmau-load-")
    os.environ["HIENMAU_LOG_LEVEL"] = "WARNING"
    # Sign-ups per address lowered from 20 to LIMIT per 10 minutes, so that the one address posting through
    # the run meets the limit on a loaded machine; every other visitor posts once from its own address.
    os.environ["HIENMAU_RATE_SELF_REGISTRATION"] = f"{LIMIT}/600"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


# --- data ------------------------------------------------------------------------------------------


def load_data(until: datetime.date) -> dict:
    """The demo, the seed, today's drives with their lists and next week's public drive; the plan for
    the locust file."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hienmau.core.clock import today
    from hienmau.donors.models import Donor
    from hienmau.drives.models import Drive, RegistrationKind, TimeSlot
    from hienmau.drives.services import Person, submit_list
    from hienmau.orgs.models import Membership, Role, Unit, UnitKind
    from hienmau.orgs.scoping import build_scope, may_record_outcomes
    from hienmau.reports import synthetic

    call_command("demo", stdout=io.StringIO())
    seeded = synthetic.seed("province", province=PROVINCE, donors=LOAD_DONORS, until=until)
    province = Unit.objects.get(code=PROVINCE, kind=UnitKind.PROVINCE, valid_until__isnull=True)
    facility = Unit.objects.get(name="Bệnh viện Đa khoa tỉnh")  # under Kiên Giang, merged into An Giang
    officer = get_user_model().objects.get(username="vp.angiang")
    scope = build_scope(Membership.objects.get(user=officer, unit=province))
    communes = list(
        Unit.objects.filter(kind=UnitKind.COMMUNE, path__startswith=province.path, valid_until__isnull=True).order_by(
            "path"
        )[:DRIVES]
    )
    donors = list(
        Donor.objects.filter(commune__path__startswith=province.path, date_of_birth__isnull=False)
        .exclude(cccd=None)
        .order_by("pk")[: DRIVES * REGISTRANTS]
    )
    day = today()
    drives = []
    for number, commune in enumerate(communes):
        drive = Drive.objects.create(
            organiser=commune,
            title=f"Ngày hội hiến máu {commune.name}",
            date=day,
            start_time=datetime.time(7, 0),
            end_time=datetime.time(16, 0),
            site_name=f"Nhà văn hoá {commune.name}",
            facility=facility,
            target_units=REGISTRANTS,
            expected_direct=REGISTRANTS,
        )
        TimeSlot.objects.create(
            drive=drive, unit=commune, start_time=drive.start_time, end_time=drive.end_time, quota=REGISTRANTS
        )
        people = [
            (
                line,
                Person(
                    full_name=donor.full_name,
                    date_of_birth=donor.date_of_birth,
                    sex=donor.sex,
                    cccd=donor.cccd,
                    phone=donor.phone,
                ),
                RegistrationKind.DIRECT,
            )
            for line, donor in enumerate(donors[number * REGISTRANTS : (number + 1) * REGISTRANTS], start=1)
        ]
        submit_list(drive, commune, people, officer, source_name="bench load", scope=scope)
        drives.append(drive)
    public = Drive.objects.create(
        organiser=province,
        title="Ngày hội hiến máu tình nguyện tỉnh An Giang",
        date=day + datetime.timedelta(days=7),
        start_time=datetime.time(7, 0),
        end_time=datetime.time(11, 30),
        site_name="Nhà Thi đấu tỉnh",
        facility=facility,
        public_registration=True,
    )
    TimeSlot.objects.create(
        drive=public, unit=None, start_time=public.start_time, end_time=public.end_time, quota=10**6
    )
    hashed = make_password(PASSWORD)  # one Argon2 hash for every account: setting 70 would take a minute

    def account(username: str, unit, role: str, drive=None) -> dict:
        user = get_user_model().objects.create(username=username, first_name=username, password=hashed)
        membership = Membership.objects.create(user=user, unit=unit, role=role)
        if drive is not None and not may_record_outcomes(build_scope(membership), drive):
            raise SystemExit(f"bench load: {username} may not record outcomes at drive {drive.pk}")
        TOTPDevice.objects.create(user=user, name="bench load", confirmed=True)
        return {"username": username, "password": PASSWORD, "drive": drive.pk if drive else None}

    # Desks: the hospital's staff and the province's officers in turn; readers: its leaders and officers.
    desks = [
        account(
            f"ban.{n}", *((facility, Role.FACILITY_STAFF) if n % 2 else (province, Role.OFFICER)), drives[n % DRIVES]
        )
        for n in range(CHECKIN_CLIENTS)
    ]
    readers = [account(f"doc.{n}", province, Role.LEADER if n % 2 else Role.OFFICER) for n in range(DASHBOARD_READERS)]
    return {
        "seeded": seeded.counts,
        "seconds": seeded.seconds,
        "checkin": desks,
        "dashboard": readers,
        "province": province.pk,
        "token": public.public_token,
        "public_drive": public.pk,
        "drives": [drive.pk for drive in drives],
        "registrants": drives[0].registrations.count() * len(drives),
        "burst": {"at": BURST_AT, "seconds": BURST_SECONDS},
    }


# --- serving and loading ---------------------------------------------------------------------------


def start_gunicorn(database_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "HIENMAU_BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_until_serving(server, port)
    except BaseException:
        stop(server)
        raise
    return server


def _wait_until_serving(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:  # refused while booting, or a slow first answer
            time.sleep(0.5)
        if server.poll() is not None:
            break
    raise SystemExit("bench load: gunicorn did not answer; see its log")


def current_code(username: str) -> str:
    """What the account's authenticator app shows now (its TOTP device, made by load_data)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(port: int, accounts: list[dict]) -> tuple[list[dict], list[float]]:
    """Each desk and reader signs in through the login page before the run, as staff do before a drive
    opens, WORKERS at a time (an Argon2 check each): their cookies, and the milliseconds each login took."""
    import http.cookiejar
    from concurrent.futures import ThreadPoolExecutor

    base = f"http://127.0.0.1:{port}"

    def one(account: dict) -> tuple[dict, float]:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        opener.open(base + ENDPOINTS["login page"][1], timeout=120).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        form = urlencode(
            {"username": account["username"], "password": account["password"], "csrfmiddlewaretoken": token}
        )
        start = time.perf_counter()
        post(opener, base + ENDPOINTS["login"][1], form, account)
        code = urlencode({"otp_token": current_code(account["username"]), "csrfmiddlewaretoken": token})
        post(opener, base + ENDPOINTS["login code"][1], code, account)
        elapsed = (time.perf_counter() - start) * 1000
        return {c.name: c.value for c in jar if c.name in ("sessionid", "csrftoken")}, elapsed

    def post(opener, url: str, form: str, account: dict) -> None:
        try:  # each step answers with a redirect, not followed (_NoRedirect); a page means refused
            opener.open(url, form.encode(), timeout=120).read()
            raise SystemExit(f"bench load: {account['username']} could not sign in ({url})")
        except urllib.error.HTTPError as exc:
            if exc.code != 302:
                raise

    with ThreadPoolExecutor(max_workers=int(os.environ.get("HIENMAU_WORKERS", "5"))) as pool:
        done = list(pool.map(one, accounts))
    return [cookies for cookies, _ in done], [ms for _, ms in done]


def stop(process: subprocess.Popen) -> None:
    """gunicorn's master and every worker (its own process group) gone, or killed after 40 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # a worker still shutting down
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)


def close_other_sessions(connection) -> None:
    """The server's database sessions end a moment after its workers: end them before the database is
    dropped (it is this run's own throwaway database)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )


def run_locust(port: int, seconds: int, plan_file: Path, out: Path) -> Path:
    users = CHECKIN_CLIENTS + DASHBOARD_READERS + BURST_VISITORS + 1
    env = {**os.environ, PLAN_ENV: str(plan_file), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "loadfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{port}",
            "--users",
            str(users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(out / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    return out / "locust_stats.csv"


# --- figures ---------------------------------------------------------------------------------------


def read_stats(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def server_errors(log: Path) -> int:
    """Responses of 500 and above in gunicorn's access log, and tracebacks in its error log."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return len(re.findall(r'" 5\d\d ', text)) + text.count("Traceback")


def table(rows: list[dict], counters: dict) -> list[str]:
    order = {key: n for n, key in enumerate(ENDPOINTS)}
    lines = [
        "| endpoint | requests | p50 | p95 | max | errors | designed answers |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in sorted(rows, key=lambda r: order.get(r["Name"], 99)):
        designed = counters.get(row["Name"], "")
        lines.append(
            f"| {row['Name']} ({row['Type']}) | {int(row['Request Count']):,} | {float(row['50%']):.0f} ms "
            f"| {float(row['95%']):.0f} ms | {float(row['Max Response Time']):.0f} ms "
            f"| {int(row['Failure Count'])} | {designed} |"
        )
    return lines


def write(head: str, lines: list[str]) -> None:
    stamp = f"{datetime.datetime.now(datetime.UTC):%d/%m/%Y %H:%M}"
    write_block(BEGIN, END, [f"Last written by `python -m bench load --write` on {stamp} UTC: {head}", "", *lines])


def figures_of(seconds: int, rows: list[dict], requests: int, failures: int, errors: int) -> list[dict]:
    """The run's figures for the summary table (bench/all.py): errors, and the slowest p95 of the check-in
    desks' requests and of every request."""
    checkin = [row for row in rows if row["Name"].startswith("checkin")]
    found = []
    for label, chosen in (("check-in desk requests", checkin), ("any request", rows)):
        if chosen:
            worst = max(chosen, key=lambda row: float(row["95%"]))
            found.append(
                figure(
                    "load",
                    f"HTTP load, {seconds} s: slowest p95 of {label}",
                    f"{float(worst['95%']):.0f} ms ({worst['Name']})",
                )
            )
    found.append(
        figure(
            "load",
            f"HTTP load, {seconds} s: {requests:,} requests",
            f"{failures} request errors, {errors} server errors",
            "0 errors",
        )
    )
    return found


def main(argv: list[str]) -> list[dict]:
    """Prints and (`--write`) writes the table; returns the figures, also written as JSON to the file named
    by `--figures=PATH` (bench/all.py runs this bench in a process of its own)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench load: đặt DATABASE_URL tới máy chủ PostgreSQL (cơ sở dữ liệu thử được tạo bên cạnh).")
    seconds = next((int(arg) for arg in argv if arg.isdigit()), 60)
    configure()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from hienmau.core.clock import today
    from hienmau.drives.models import CheckInEvent, Drive

    work = Path(os.environ["HIENMAU_VAR_DIR"])
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    server = None
    try:
        start = time.perf_counter()
        plan = load_data(until=today() - datetime.timedelta(days=120))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        call_command("collectstatic", interactive=False, verbosity=0)
        loaded = time.perf_counter() - start
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        print(
            f"loaded in {loaded:.0f} s: {plan['seeded']['donors']:,} donors, {plan['seeded']['donations']:,} "
            f"donations; {len(plan['drives'])} drives today with {plan['registrants']:,} registrants"
        )
        port = _free_port()
        log = work / "gunicorn.log"
        server = start_gunicorn(_database_url(connection.settings_dict["NAME"]), port, log)
        cookies, logins = sign_in(port, plan["checkin"] + plan["dashboard"])
        plan["sessions"] = {"checkin": cookies[:CHECKIN_CLIENTS], "dashboard": cookies[CHECKIN_CLIENTS:]}
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        load_before = os.getloadavg()
        stats = run_locust(port, seconds, plan_file, work)
        load_after = os.getloadavg()
        stop(server)
        rows = read_stats(stats)
        counters = json.loads((work / "counters.json").read_text(encoding="utf-8"))
        designed = {
            "checkin outcome": f"{counters.get('not_eligible', 0)} refused as not eligible (422), then recorded "
            "as a deferral",
            "sign-up, one address": f"{counters.get('limited', 0)} × 429 after the first "
            f"{counters.get('accepted_one_address', 0)} (limit lowered to {LIMIT} per 10 min for the run)",
        }
        outcomes = CheckInEvent.objects.filter(registration__drive__in=plan["drives"]).count()
        signups = Drive.objects.get(pk=plan["public_drive"]).registrations.count()
        failures = sum(int(row["Failure Count"]) for row in rows)
        requests = sum(int(row["Request Count"]) for row in rows)
        errors = server_errors(log)
        workers = os.environ.get("HIENMAU_WORKERS", str(min(2 * (os.cpu_count() or 1) + 1, 9)))
        head = (
            f"PostgreSQL, gunicorn {workers} sync workers (deploy/gunicorn.conf.py), {seconds} s; "
            f"{CHECKIN_CLIENTS} check-in clients over {len(plan['drives'])} drives of "
            f"{plan['registrants'] // len(plan['drives'])} registrants, {DASHBOARD_READERS} dashboard readers, "
            f"{BURST_VISITORS} sign-up visitors from {BURST_AT} s to {BURST_AT + BURST_SECONDS} s and one address "
            f"over the limit; registry of {plan['seeded']['donors']:,} donors and {plan['seeded']['donations']:,} "
            f"donations. {os.cpu_count()} cores, load average {load_before[0]:.1f} before and {load_after[0]:.1f} "
            f"after the run (locust itself on the same cores). {requests:,} requests ({requests / seconds:.0f} a "
            f"second); outcomes recorded: {outcomes:,}; sign-ups "
            f"saved: {signups:,}; request errors: {failures}; server errors (5xx, tracebacks): {errors}."
        )
        lines = table(rows, designed)
        login_p50, login_p95 = percentiles(logins)
        lines.insert(
            2,
            f"| login: password and TOTP code (POST × 2, before the run, {len(logins)} staff 5 at a time) | {len(logins)} | {login_p50:.0f} ms "
            f"| {login_p95:.0f} ms | {max(logins):.0f} ms | 0 | |",
        )
        print(head)
        print("\n".join(lines))
        if "--write" in argv:
            write(head, lines)
        figures = figures_of(seconds, rows, requests, failures, errors)
        for arg in argv:
            if arg.startswith("--figures="):
                Path(arg.removeprefix("--figures=")).write_text(json.dumps(figures), encoding="utf-8")
        if failures or errors:  # the one figure that must be zero: the run fails, its files are kept
            raise SystemExit(f"bench load: errors, see {log} and {work / 'locust_failures.csv'}")
        shutil.rmtree(work, ignore_errors=True)
        return figures
    finally:
        if server is not None:
            stop(server)
        close_other_sessions(connection)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
