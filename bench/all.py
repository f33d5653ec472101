"""`make bench`: every benchmark the issues name, in order, and the summary table at the top of
docs/benchmarks.md (`python -m bench all [province|national]`).

Each bench keeps its own output and sections; its `main` returns its figures (bench/report.py `figure`),
which become one row each of the table between the summary markers: the figure, its target from the
issues, its ratio to the plain SQL the bench times beside it in the same run (blank where it times none),
peak memory where measured, and the load average when the bench started. Benches that need PostgreSQL
are skipped on SQLite with a line saying so. Figures only, never pass/fail.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.report import figure, write_block

BEGIN, END = "<!-- bench summary: begin -->", "<!-- bench summary: end -->"
DONORS = {"province": 200_000, "national": 1_000_000}  # donors and standby: registry size per scale


def benches(scale: str, load_seconds: int) -> list[tuple[str, str, bool, tuple]]:
    """(name, module whose `main` runs it, PostgreSQL only, arguments), in the order they run."""
    return [
        ("units", "bench.__main__", False, ()),
        ("donors", "bench.donors", True, (DONORS[scale],)),
        ("standby", "bench.standby", True, (DONORS[scale],)),
        ("appendix", "bench.appendix", False, ([],)),
        ("achievement", "bench.achievement", False, ([scale, "--write"],)),
        ("load", "bench.load", True, ([str(load_seconds), "--write"],)),
    ]


def run_load(argv: list[str]) -> list[dict]:
    """bench/load.py sets up Django with production settings, so it runs in a process of its own."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "figures.json")
        done = subprocess.run([sys.executable, "-m", "bench", "load", *argv, f"--figures={out}"], check=False)
        figures = json.loads(Path(out).read_text(encoding="utf-8")) if os.path.exists(out) else []
        if done.returncode != 0:
            figures.append(figure("load", "HTTP load run", f"failed (exit code {done.returncode}, see the output)"))
        return figures


def database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.ensure_connection()
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def table(rows: list[dict]) -> list[str]:
    lines = [
        "| bench | figure | measured | target | ratio to plain SQL (same run) | peak memory | load average |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [row[key] for key in ("bench", "figure", "value", "target", "ratio", "memory", "load")]
        lines.append("| " + " | ".join(str(cell).replace("|", "/") for cell in cells) + " |")
    return lines


def main(argv: list[str]) -> None:
    from django.conf import settings
    from django.db import connection

    scale = "national" if "national" in argv else "province"
    load_seconds = int(os.environ.get("LOAD_SECONDS") or 60)
    postgres = connection.vendor == "postgresql"
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    rows, notes, failed = [], [], False
    for name, module, postgres_only, args in benches(scale, load_seconds):
        if postgres_only and not postgres:
            line = f"bench {name}: skipped, it needs PostgreSQL (set DATABASE_URL=postgres://…)"
            print(line, flush=True)
            notes.append(line)
            continue
        load = os.getloadavg()[0]
        print(
            f"\n== bench {name} ({datetime.datetime.now(datetime.UTC):%H:%M:%S} UTC, load average {load:.1f})",
            flush=True,
        )
        start = time.perf_counter()
        # The benches hand create_test_db's answer (the test name) back to destroy_test_db, which then keeps
        # it as the database name: put the real one back, or each bench would prefix another "test_".
        database_name = connection.settings_dict["NAME"]
        try:
            if name == "load":
                figures = run_load(*args)
            else:
                figures = importlib.import_module(module).main(*args) or []
        except Exception:  # one bench failing leaves the others' figures standing
            traceback.print_exc()
            figures, failed = [figure(name, "run", "failed (see the output)")], True
        finally:
            connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = database_name
        took = time.perf_counter() - start
        failed = failed or any("failed" in f["value"] for f in figures)
        notes.append(f"bench {name}: {took:.0f} s")
        rows += [{**f, "load": f"{load:.1f}"} for f in figures]
    minutes = (time.perf_counter() - started) / 60
    sizes = f"donors and standby over {DONORS[scale]:,} donors, achievement at {scale} scale, load {load_seconds} s"
    head = (
        f"Last written by `make bench` on {datetime.datetime.now(datetime.UTC):%d/%m/%Y %H:%M} UTC: {database()}, "
        f"{os.cpu_count()} cores, scale {scale} ({sizes}); the whole run {minutes:.1f} min, load average "
        f"{load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end ({'; '.join(notes)})."
    )
    write_block(
        BEGIN,
        END,
        [
            head,
            "",
            (
                "Targets are the issues' as the sections below give them (blank: none written down). A ratio is "
                "the figure's p50 over the p50 of the hand-written SQL the bench times beside it in the same run "
                "(blank: the bench times none). Load average: the 1-minute figure when the bench started."
            ),
            "",
            *table(rows),
        ],
        top=True,
    )
    if failed:
        raise SystemExit("bench: a bench failed, see above")
