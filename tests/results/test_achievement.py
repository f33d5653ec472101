"""`hienmau report achievement`: per plan and per unit × year, the contract's keys, roll-up without double
counting, and the unit a code meant in that year."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from hienmau.core.clock import frozen
from hienmau.orgs.models import Unit, UnitCategory, UnitKind
from hienmau.plans.models import Allocation
from hienmau.results.lib.rules import Counts
from hienmau.results.services import set_tally_entry

from .conftest import write_tally

pytestmark = pytest.mark.django_db


def report(*args, today=datetime.date(2022, 10, 1)) -> dict:
    out = StringIO()
    with frozen(today):
        call_command("report", "achievement", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def imported(tmp_path, campaign):
    with frozen(datetime.date(2022, 10, 1)):
        call_command("results", "import", str(write_tally(tmp_path)), stdout=StringIO())
    return campaign


def test_plan_achievement_per_allocation_with_totals(imported):
    result = report("--plan", "66/KH-BCĐ")
    assert result["rows"] == [
        {"unit": "huyện An Minh", "target": 350, "result": 365, "percent": 104.3},
        {"unit": "thành phố Rạch Giá", "target": 350, "result": 120, "percent": 34.3},  # 20/9 is outside
        {"unit": "Công an tỉnh", "target": 325, "result": 180, "percent": 55.4},
    ]
    assert result["totals"] == {
        "target": 1025,
        "result": 665,
        "percent": 64.9,
        "volumes": {"250": 70, "350": 540, "450": 55},
        "equivalent_250": 925.0,
    }


def test_a_lower_units_results_feed_its_row_and_nested_allocations_are_not_counted_twice(imported, tree):
    commune = Unit.objects.create(
        name="Thứ Mười Một", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.an_minh
    )
    Allocation.objects.create(plan=imported.plan, unit=commune, unit_name="xã Thứ Mười Một", total=50, position=9)
    set_tally_entry(commune.pk, datetime.date(2022, 6, 1), Counts(collected=30, v350=30))
    result = report("--plan", "66")
    by_name = {row["unit"]: row["result"] for row in result["rows"]}
    assert by_name["huyện An Minh"] == 395 and by_name["xã Thứ Mười Một"] == 30
    assert result["totals"]["result"] == 695


def test_code_91_is_kien_giang_in_2022_and_an_giang_with_it_in_2026(imported, tree):
    kien_giang = report("--unit", "91", "--year", "2022")
    assert kien_giang["rows"][0]["unit"] == "tỉnh Kiên Giang"
    assert kien_giang["totals"]["result"] == 720
    set_tally_entry(tree.an_giang.pk, datetime.date(2026, 3, 1), Counts(collected=10, v250=10))
    an_giang = report("--unit", "91", "--year", "2026", today=datetime.date(2026, 6, 1))
    assert an_giang["rows"][0]["unit"] == "tỉnh An Giang"
    assert an_giang["totals"]["result"] == 10
    assert report("--unit", "91", "--year", "2022", today=datetime.date(2026, 6, 1))["totals"]["result"] == 720


def test_by_month_and_by_unit(imported, tree):
    months = report("--unit", "91", "--year", "2022", "--by", "month")["rows"]
    assert [(row["month"], row["result"]) for row in months if row["result"]] == [(5, 365), (6, 180), (7, 120), (9, 55)]
    units = {row["unit"]: row for row in report("--unit", "91", "--year", "2022", "--by", "unit")["rows"]}
    assert units["huyện An Minh"]["result"] == 365
    assert units["thành phố Rạch Giá"]["result"] == 175
    assert units["Công an tỉnh"]["target"] == 325
