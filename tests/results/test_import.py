"""`hienmau results import`: the contract's keys and finding codes on a hospital's untidy tally."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from hienmau.core.clock import frozen
from hienmau.drives.models import AggregateResult, Drive
from hienmau.results.models import ResultEntry, ResultImport, UnitDayResult
from hienmau.results.tally_files import TallyLine

from .conftest import write_tally

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2022, 10, 1)


def run(*args) -> dict:
    out = StringIO()
    with frozen(TODAY):
        call_command("results", "import", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


def table():
    return sorted(UnitDayResult.objects.values_list("unit__name", "day", "source", "collected", "v350"))


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_hospital_tally_is_read_with_its_plan_total_and_findings(tmp_path, campaign, kind):
    result = run(write_tally(tmp_path, kind))
    assert result["plan"] == "66/KH-BCĐ"  # read from "Thực hiện Kế hoạch số 66/KH-BCĐ ngày 05/4/2022"
    assert [row["line"] for row in result["rows"]] == [10, 11, 12, 13, 14, 15, 16]  # not the total row
    first = result["rows"][0]
    assert first == {
        "line": 10,
        "unit": "BCĐ. huyện An Minh",
        "date": "2022-05-08",
        "registered": 420,
        "collected": 365,
        "volumes": {"250": 20, "350": 300, "450": 45},
        "saved": True,
    }
    assert [row["saved"] for row in result["rows"]] == [True, True, True, False, False, False, True]
    assert result["totals"] == {"stated": 980, "computed": 980, "saved": 365 + 180 + 120 + 55}
    codes = {(f["code"], f["line"]) for f in result["findings"]}
    assert codes == {
        ("invalid_date", 13),
        ("unknown_unit", 14),
        ("duplicate_row", 15),
        ("outside_period", 16),
    }


def test_stored_rows_reach_the_unit_day_table_and_a_second_import_changes_nothing(tmp_path, campaign, tree):
    path = write_tally(tmp_path)
    run(path)
    expected = [
        ("An Minh", datetime.date(2022, 5, 8), "tally", 365, 300),
        ("Công an tỉnh", datetime.date(2022, 6, 15), "tally", 180, 150),
        ("Rạch Giá", datetime.date(2022, 7, 2), "tally", 120, 90),
        ("Rạch Giá", datetime.date(2022, 9, 20), "tally", 55, 40),
    ]
    assert table() == expected
    record = ResultImport.objects.get()
    assert [row["line"] for row in record.pending_rows] == [13, 14, 15]
    assert record.pending_rows[1]["codes"] == ["unknown_unit"]
    entries = list(ResultEntry.objects.order_by("pk").values())
    run(path)
    assert table() == expected
    assert ResultImport.objects.count() == 1
    assert list(ResultEntry.objects.order_by("pk").values()) == entries


def test_dry_run_stores_nothing_but_says_what_would_be_saved(tmp_path, campaign):
    result = run(write_tally(tmp_path), "--dry-run")
    assert result["totals"]["saved"] == 720
    assert not UnitDayResult.objects.exists() and not ResultImport.objects.exists()


def test_a_row_matching_a_drive_becomes_its_result_sheet(tmp_path, campaign, tree):
    drive = Drive.objects.create(
        organiser=tree.an_minh,
        title="Lễ ra quân Chiến dịch",
        date=datetime.date(2022, 5, 8),
        start_time=datetime.time(7, 0),
        site_name="Huyện An Minh",
    )
    run(write_tally(tmp_path))
    sheet = AggregateResult.objects.get(drive=drive)
    assert (sheet.unit_id, sheet.donated, sheet.volume_ml) == (tree.an_minh.pk, 365, 20 * 250 + 300 * 350 + 45 * 450)
    assert ("An Minh", datetime.date(2022, 5, 8), "sheet", 365, 300) in table()
    assert not ResultEntry.objects.filter(drive__isnull=True, unit=tree.an_minh).exists()


def test_plan_and_unit_options_and_a_file_without_unit_column(tmp_path, campaign, tree):
    lines = [TallyLine("", "08/05/2022", 10, 9, 0, 9, 0), TallyLine("", "44700", 10, 8, 0, 8, 0)]
    path = write_tally(tmp_path, "csv", lines, plan_line="Báo cáo tháng")
    result = run(path, "--plan", "66/KH-BCĐ", "--unit", "909")
    assert result["plan"] == "66/KH-BCĐ"
    assert [row["date"] for row in result["rows"]] == ["2022-05-08", "2022-05-19"]  # Excel day 44700
    assert all(row["saved"] for row in result["rows"])
    assert UnitDayResult.objects.filter(unit=tree.an_minh).count() == 2


def test_future_dates_are_not_stored(tmp_path, campaign):
    path = write_tally(tmp_path, lines=[TallyLine("Công an tỉnh", "15/11/2022", 10, 9)])
    result = run(path)
    assert [f["code"] for f in result["findings"]] == ["future_date"]
    assert result["rows"][0]["saved"] is False


def test_a_current_code_reaches_the_units_of_the_province_it_took_over(tmp_path, campaign, tree):
    path = write_tally(tmp_path, "csv", [TallyLine("Công an tỉnh", "15/6/2022", 20, 18)], plan_line="Báo cáo")
    result = run(path, "--unit", "91")  # today's An Giang, which took over Kiên Giang
    assert result["rows"][0]["saved"] is True
    assert UnitDayResult.objects.get().unit == campaign.police
