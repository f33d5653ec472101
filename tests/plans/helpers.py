"""Shared helpers for the plan-import tests: where the seeds live, and small table builders."""

from __future__ import annotations

import re
from pathlib import Path

import hienmau.plans
from hienmau.plans.lib.document import analyse_text
from hienmau.plans.lib.findings import CODES

# Seeds 000, 001 and 003 ship with the app; seed 004 (no appendix table) is kept beside the tests.
APP_SEEDS = Path(hienmau.plans.__file__).resolve().parent / "data"
TEST_SEEDS = Path(__file__).resolve().parent / "data"

BUCKET_KEY = re.compile(r"^(month|round):\d+$")
RESULT_KEYS = {"rows", "totals", "findings"}
ROW_KEYS = {"unit", "total", "buckets", "prior", "note"}
PRIOR_KEYS = {"plan", "actual", "percent"}
FINDING_KEYS = {"code", "unit", "message"}


def seed_path(number: int) -> Path:
    pattern = f"seed-{number:03d}-*.txt"
    found = sorted(APP_SEEDS.glob(pattern)) or sorted(TEST_SEEDS.glob(pattern))
    assert found, f"seed {number:03d} is missing"
    return found[0]


def seed_text(number: int) -> str:
    return seed_path(number).read_text(encoding="utf-8")


def analyse(text: str) -> dict:
    """The JSON-shaped result of `analyse_text`, as `plan import --dry-run --json` prints it."""
    return analyse_text(text).appendix.result()


def tsv(*rows) -> str:
    """Tab-separated lines, as a table arrives when copied out of Word. A str row is a paragraph."""
    return "\n".join(row if isinstance(row, str) else "\t".join(str(c) for c in row) for row in rows) + "\n"


def codes(result: dict) -> list[str]:
    return [f["code"] for f in result["findings"]]


def findings(result: dict, code: str | None = None, unit: str | None = None) -> list[dict]:
    return [
        f for f in result["findings"] if (code is None or f["code"] == code) and (unit is None or f["unit"] == unit)
    ]


def row(result: dict, unit: str) -> dict:
    matches = [r for r in result["rows"] if r["unit"] == unit]
    assert len(matches) == 1, f"{unit!r}: {len(matches)} rows"
    return matches[0]


def vn(number: int) -> str:
    """1532 → '1.532', as the documents write numbers."""
    return f"{number:,}".replace(",", ".")


def assert_contract(result: dict) -> None:
    """The shape `plan import --dry-run --json` promises."""
    assert set(result) == RESULT_KEYS
    assert set(result["totals"]) == {"stated", "computed"}
    assert result["totals"]["stated"] is None or isinstance(result["totals"]["stated"], int)
    assert isinstance(result["totals"]["computed"], int)
    for item in result["rows"]:
        assert set(item) == ROW_KEYS
        assert isinstance(item["unit"], str) and item["unit"]
        assert item["total"] is None or isinstance(item["total"], int)
        assert all(BUCKET_KEY.match(k) and isinstance(v, int) for k, v in item["buckets"].items())
        assert item["prior"] is None or set(item["prior"]) == PRIOR_KEYS
        assert item["note"] is None or isinstance(item["note"], str)
    for finding in result["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["code"] in CODES
        assert finding["unit"] is None or isinstance(finding["unit"], str)
        assert isinstance(finding["message"], str) and finding["message"].strip()
    assert result["totals"]["computed"] == sum(r["total"] or 0 for r in result["rows"])
