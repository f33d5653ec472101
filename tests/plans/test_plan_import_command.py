"""`hienmau plan import FILE --dry-run --json`: the JSON contract, refusals, and unit matching."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from hienmau.plans.models import Plan
from tests.plans.helpers import RESULT_KEYS, assert_contract, seed_path


def dry_run(path) -> dict:
    out = StringIO()
    call_command("plan", "import", str(path), "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == RESULT_KEYS
    assert_contract(result)
    return result


@pytest.fixture
def demo_units(db):
    from hienmau.orgs.demo import load_demo

    load_demo()


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "rows", "stated"), [(0, 23, 7411), (1, 41, 1921), (3, 6, 460)])
def test_dry_run_json_prints_exactly_rows_totals_findings(number, rows, stated):
    result = dry_run(seed_path(number))
    assert len(result["rows"]) == rows
    assert result["totals"] == {"stated": stated, "computed": stated}


@pytest.mark.django_db
def test_dry_run_json_on_an_empty_database_matches_no_units_and_reports_none_unknown():
    result = dry_run(seed_path(1))
    assert "unknown_unit" not in {f["code"] for f in result["findings"]}
    assert result["rows"][2] == {
        "unit": "Vân Du",
        "total": 54,
        "buckets": {"round:1": 25, "round:2": 29},
        "prior": None,
        "note": None,
    }


@pytest.mark.django_db
def test_dry_run_json_keeps_vietnamese_text_readable():
    out = StringIO()
    call_command("plan", "import", str(seed_path(0)), "--dry-run", "--json", stdout=out)
    assert "BCĐ. thành phố Rạch Giá" in out.getvalue()  # ensure_ascii=False


@pytest.mark.django_db
def test_dry_run_saves_nothing():
    dry_run(seed_path(1))
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_reads_an_xlsx_file(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["PHỤ LỤC"])
    sheet.append(["STT", "Đơn vị", "Tháng 5", "Tháng 6", "Tổng cộng"])
    sheet.append([1, "Huyện A", 100, None, 100])
    sheet.append([2, "Huyện B", None, 1532, 1532])
    sheet.append([None, "Tổng cộng", 100, 1532, 1700])
    workbook.save(tmp_path / "phu-luc.xlsx")
    result = dry_run(tmp_path / "phu-luc.xlsx")
    assert [r["total"] for r in result["rows"]] == [100, 1532]
    assert result["totals"] == {"stated": 1700, "computed": 1632}
    assert [f["code"] for f in result["findings"]] == ["total_mismatch"]  # the month columns are right


@pytest.mark.django_db
def test_document_without_a_table_is_a_command_error():
    with pytest.raises(CommandError, match="bảng"):
        call_command("plan", "import", str(seed_path(4)), "--dry-run", "--json", stdout=StringIO())


@pytest.mark.django_db
def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("plan", "import", str(tmp_path / "khong-co.txt"), "--dry-run", "--json", stdout=StringIO())


@pytest.mark.django_db
def test_plain_output_summarises_rows_totals_and_findings():
    out = StringIO()
    call_command("plan", "import", str(seed_path(0)), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "23 dòng" in text and "7411" in text and "[invalid_date]" in text


def test_an_thi_seed_matches_every_unit_once_demo_units_exist(demo_units):
    result = dry_run(seed_path(1))
    assert [f for f in result["findings"] if f["code"] == "unknown_unit"] == []
    assert len(result["rows"]) == 41


def test_bac_kan_group_row_of_eight_communes_is_an_unknown_unit(demo_units):
    result = dry_run(seed_path(3))
    unknown = [f for f in result["findings"] if f["code"] == "unknown_unit"]
    assert len(unknown) == 1
    assert "08 xã phường" in unknown[0]["unit"]
    assert unknown[0]["unit"] in unknown[0]["message"]


def test_kien_giang_seed_units_are_all_known_to_the_demo(demo_units):
    result = dry_run(seed_path(0))
    assert [f["code"] for f in result["findings"]] == ["invalid_date"]
