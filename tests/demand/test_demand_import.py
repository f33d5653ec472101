"""`hienmau demand import FILE [--dry-run] [--json]`: facilities' monthly need read from untidy sheets
(title rows, any month form the date reader knows, a total row, notes), with findings for unknown
facilities, bad months and repeated rows, none of which is stored; the same file twice changes nothing."""

import datetime
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.dates import parse_month
from hienmau.demand.lib.need_rows import NeedRow, drop_duplicates, parse_rows
from hienmau.demand.models import Need
from hienmau.orgs.models import Unit

pytestmark = pytest.mark.django_db

MONTH_FORMS = [
    "{m:02d}/{y}",
    "{m}/{y}",
    "Tháng {m}/{y}",
    "tháng {m:02d} năm {y}",
    "{y}-{m:02d}",
    "T{m}/{y}",
    "{m:02d}-{y}",
]


@pytest.fixture
def hospitals(tree):
    provincial = Unit.objects.create(
        name="Bệnh viện Đa khoa tỉnh", kind="organisation", category="hospital", parent=tree.kien_giang, code="BV-KG"
    )
    district = Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi
    )
    return provincial, district


def run(path, *flags):
    out = StringIO()
    call_command("demand", "import", str(path), *flags, "--json", stdout=out)
    return json.loads(out.getvalue())


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


UNTIDY = [
    ["NHU CẦU MÁU CỦA CÁC CƠ SỞ TIẾP NHẬN NĂM 2025"],
    ["(Kèm theo Công văn số 12/CV-BCĐ)"],
    [],
    ["STT", "Cơ sở tiếp nhận", "Tháng", "Nhu cầu (đơn vị máu)"],
    [1, "Bệnh viện Đa khoa tỉnh Kiên Giang", "Tháng 1/2025", "1.200"],
    [2, "BV-KG", "02/2025", 1100],
    [3, "Trung tâm Y tế huyện Ân Thi", datetime.datetime(2025, 1, 1), 300],
    [4, "Bệnh viện Không Có", "2025-01", 50],
    [5, "Trung tâm Y tế huyện Ân Thi", "13/2025", 40],
    [6, "Trung tâm Y tế huyện Ân Thi", "Tháng 1/2025", 300],
    [7, "Trung tâm Y tế huyện Ân Thi", "2025-03", -5],
    ["", "Tổng cộng", "", 2995],
    ["Ghi chú: số liệu dự kiến."],
]


def test_untidy_sheet_stores_the_good_rows_and_reports_the_others(tmp_path, hospitals):
    provincial, district = hospitals
    data = run(write_xlsx(tmp_path / "nhu-cau.xlsx", UNTIDY))
    assert data["saved"] is True
    assert data["created"] == 3 and data["stored"] == 3
    stored = {(n.facility_id, n.month, n.units) for n in Need.objects.all()}
    assert stored == {
        (provincial.pk, datetime.date(2025, 1, 1), 1200),
        (provincial.pk, datetime.date(2025, 2, 1), 1100),
        (district.pk, datetime.date(2025, 1, 1), 300),
    }
    by_line = {f["line"]: f for f in data["findings"]}
    assert by_line[8]["code"] == "unknown_unit" and "Bệnh viện Không Có" in by_line[8]["message"]
    assert by_line[9]["code"] == "invalid_date" and "13/2025" in by_line[9]["message"]
    assert by_line[10]["code"] == "duplicate"
    assert by_line[11]["code"] == "negative_number"
    assert [n["month"] for n in data["needs"]] == ["2025-01", "2025-02", "2025-01"]


def test_the_same_file_twice_changes_nothing_and_a_correction_updates(tmp_path, hospitals):
    path = write_xlsx(tmp_path / "nhu-cau.xlsx", UNTIDY)
    run(path)
    history = Need.history.count()
    again = run(path)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert Need.history.count() == history
    corrected = [row[:] for row in UNTIDY]
    corrected[5] = [2, "BV-KG", "02/2025", 1150]
    fixed = run(write_xlsx(tmp_path / "nhu-cau-sua.xlsx", corrected))
    assert fixed["updated"] == 1
    assert Need.objects.get(facility=hospitals[0], month=datetime.date(2025, 2, 1)).units == 1150


def test_dry_run_saves_nothing(tmp_path, hospitals):
    data = run(write_xlsx(tmp_path / "nhu-cau.xlsx", UNTIDY), "--dry-run")
    assert data["saved"] is False and data["created"] == 3
    assert not Need.objects.exists()


def test_csv_with_blood_groups_and_semicolons(tmp_path, hospitals):
    path = tmp_path / "nhu-cau.csv"
    path.write_text(
        "Cơ sở tiếp nhận;Tháng;Nhóm máu;Số đơn vị máu\n"
        "Bệnh viện Đa khoa tỉnh;2025-04;O Rh(+);400\n"
        "Bệnh viện Đa khoa tỉnh;2025-04;A;300\n"
        "Bệnh viện Đa khoa tỉnh;2025-04;O dương;400\n",
        encoding="utf-8",
    )
    data = run(path)
    assert sorted(n.blood_group for n in Need.objects.all()) == ["A", "O+"]
    assert [f["code"] for f in data["findings"]] == ["duplicate"]


def test_conflicting_repeats_store_neither(tmp_path, hospitals):
    path = tmp_path / "nhu-cau.csv"
    path.write_text(
        "Cơ sở tiếp nhận,Tháng,Số đơn vị máu\nBV-KG,01/2025,100\nBV-KG,Tháng 1/2025,120\n", encoding="utf-8"
    )
    data = run(path)
    assert data["stored"] == 0 and not Need.objects.exists()
    assert {f["line"] for f in data["findings"]} == {2, 3}


def test_a_sheet_without_the_columns_is_refused_in_vietnamese(tmp_path, hospitals):
    path = tmp_path / "khac.csv"
    path.write_text("Họ và tên,Ngày sinh\nNguyễn Văn A,01/01/1990\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Không thấy dòng tiêu đề"):
        call_command("demand", "import", str(path), stdout=StringIO())
    assert not Need.objects.exists()


@given(
    st.integers(min_value=1900, max_value=2199), st.integers(min_value=1, max_value=12), st.sampled_from(MONTH_FORMS)
)
def test_every_month_form_reads_back(year, month, form):
    assert parse_month(form.format(m=month, y=year)) == datetime.date(year, month, 1)


@given(st.integers(min_value=13, max_value=99), st.integers(min_value=1900, max_value=2199))
def test_a_thirteenth_month_is_refused(month, year):
    with pytest.raises(ValueError, match="không có tháng"):
        parse_month(f"{month}/{year}")


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(1, 3), st.integers(0, 3)), max_size=12))
def test_duplicates_keep_one_agreeing_row_and_no_disagreeing_one(items):
    rows = [NeedRow(line, name, datetime.date(2025, m, 1), units) for line, (name, m, units) in enumerate(items, 2)]
    kept, problems = drop_duplicates(rows, lambda row: (row.facility, row.month))
    keys = [(row.facility, row.month) for row in kept]
    assert len(keys) == len(set(keys))
    for key in set(keys):
        assert len({row.units for row in rows if (row.facility, row.month) == key}) == 1
    assert {p.line for p in problems} | {row.line for row in kept} == {row.line for row in rows}


def test_header_on_two_rows_and_notes_below():
    rows, problems = parse_rows(
        [
            ["Cơ sở tiếp nhận", "Nhu cầu", ""],
            ["", "Tháng", "Số đơn vị máu"],
            ["Bệnh viện A", "Tháng 3/2025", "250"],
            ["Người lập biểu", "", ""],
        ]
    )
    assert problems == [] and [(r.facility, r.month.month, r.units) for r in rows] == [("Bệnh viện A", 3, 250)]
