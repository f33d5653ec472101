"""`hienmau donor eligibility … --json`: one JSON object, no database (pytest-django blocks it here)."""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

BASE = [
    "--sex",
    "F",
    "--dob",
    "1990-05-12",
    "--weight",
    "52",
    "--on",
    "2026-05-01",
    "--component",
    "whole_blood",
    "--volume",
    "350",
]


def run(*args: str) -> dict:
    out = StringIO()
    call_command("donor", "eligibility", *args, "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_eligible_case():
    result = run(*BASE)
    assert set(result) == {"eligible", "eligible_from", "reasons"}
    assert result["eligible"] is True and result["eligible_from"] is None
    assert all(isinstance(r, str) for r in result["reasons"])


def test_too_soon_after_whole_blood():
    result = run(*BASE, "--last-date", "2026-03-01", "--last-component", "whole_blood")
    assert result["eligible"] is False
    assert result["eligible_from"] == (datetime.date(2026, 3, 1) + datetime.timedelta(days=84)).isoformat()
    assert result["eligible_from"] == "2026-05-24"
    assert "24/05/2026" in result["reasons"][0] and "12 tuần" in result["reasons"][0]


def test_two_weeks_after_plasma():
    result = run(*BASE, "--last-date", "2026-04-17", "--last-component", "plasma")
    assert result["eligible"] is True
    result = run(*BASE, "--last-date", "2026-04-18", "--last-component", "plasma")
    assert result["eligible"] is False and result["eligible_from"] == "2026-05-02"


def test_under_18():
    args = [*BASE]
    args[args.index("--dob") + 1] = "2008-09-02"
    result = run(*args)
    assert result["eligible"] is False and result["eligible_from"] == "2026-09-02"
    assert result["reasons"][0].startswith("Chưa đủ 18 tuổi (sinh ngày 02/09/2008): từ ngày 02/09/2026")


def test_volume_over_the_limit_has_no_date():
    args = [*BASE]
    args[args.index("--volume") + 1] = "500"
    result = run(*args)
    assert result["eligible"] is False and result["eligible_from"] is None
    assert "468 ml" in result["reasons"][0]


def test_output_is_unescaped_vietnamese_on_one_line():
    out = StringIO()
    call_command("donor", "eligibility", *BASE, "--last-date", "2026-03-01", "--json", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "Lần hiến gần nhất" in text and "\\u" not in text
    assert text.strip().count("\n") == 0


def test_human_summary():
    out = StringIO()
    call_command(
        "donor", "eligibility", *BASE, "--last-date", "2026-03-01", "--last-component", "red_cells", stdout=out
    )
    text = out.getvalue()
    assert text.startswith("Chưa được hiến máu toàn phần ngày 01/05/2026; được hiến từ ngày 24/05/2026.")
    assert "khối hồng cầu" in text


@pytest.mark.parametrize(
    "change, message",
    [
        (("--dob", "2001-02-30"), "không phải ngày có thật"),
        (("--dob", "12/05/1990"), "YYYY-MM-DD"),
        (("--sex", "X"), "F (nữ) hoặc M (nam)"),
        (("--component", "blood"), "whole_blood"),
        (("--weight", "nặng"), "không phải số"),
        (("--volume", "-5"), "nguyên dương"),
        (("--on", "1980-01-01"), "sau ngày hiến"),
    ],
)
def test_bad_arguments_are_refused_in_vietnamese(change, message):
    args = [*BASE]
    args[args.index(change[0]) + 1] = change[1]
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)


def test_last_component_needs_a_last_date():
    with pytest.raises(CommandError, match="--last-date"):
        run(*BASE, "--last-component", "plasma")


def test_a_day_before_the_rules_is_refused():
    args = [*BASE]
    args[args.index("--on") + 1] = "2010-01-01"
    args[args.index("--dob") + 1] = "1980-01-01"
    with pytest.raises(CommandError, match="01/01/2010"):
        run(*args)
