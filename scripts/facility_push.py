#!/usr/bin/env python3
"""Push a collecting facility's day of donations to hienmau, then read the drive's results.

Needs only Python 3.11+ (no package to install). The day's rows come from a CSV file with the columns
bag_number, registration, outcome (donated | deferred), component, volume_ml, deferral_reason,
deferral_until (YYYY-MM-DD), as the facility's blood-bank software exports them:

    HIENMAU_API_TOKEN=hm_… python3 scripts/facility_push.py --url https://hienmau.example.gov.vn \\
        --facility 123 --date 2026-03-20 --drive 45 day.csv

The push is all or nothing and idempotent by bag number: running it again changes nothing. A refused
push prints the rows named by the server and exits with status 1. See docs/api.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import urllib.error
import urllib.request

OPTIONAL = ("component", "volume_ml", "deferral_reason", "deferral_until")


def read_rows(path: str) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line in csv.DictReader(handle):
            row = {
                "bag_number": line["bag_number"].strip(),
                "registration": int(line["registration"]),
                "outcome": line["outcome"].strip(),
            }
            for name in OPTIONAL:
                value = (line.get(name) or "").strip()
                if value:
                    row[name] = int(value) if name == "volume_ml" else value
            rows.append(row)
    return rows


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        base.rstrip("/") + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="CSV of the day's rows")
    parser.add_argument("--url", required=True, help="the server, e.g. https://hienmau.example.gov.vn")
    parser.add_argument("--facility", required=True, type=int, help="the facility's unit id")
    parser.add_argument("--date", required=True, help="the day, YYYY-MM-DD")
    parser.add_argument("--drive", type=int, help="a drive whose results to read after the push")
    parser.add_argument("--token", default=os.environ.get("HIENMAU_API_TOKEN"), help="default: $HIENMAU_API_TOKEN")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give --token or set HIENMAU_API_TOKEN")
    body = {"facility": args.facility, "date": args.date, "rows": read_rows(args.file)}
    status, answer = call(args.url, args.token, "POST", "/api/v1/donations/push/", body)
    report: dict = {"push": answer}
    ok = status == 200
    if ok and args.drive:
        status, report["results"] = call(args.url, args.token, "GET", f"/api/v1/drives/{args.drive}/results/")
        ok = status == 200
    sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
