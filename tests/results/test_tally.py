"""The tally reader on plain rows: header shapes, dates, stated percentages and running totals."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.dates import EXCEL_EPOCH
from hienmau.results.lib import tally

TODAY = datetime.date(2024, 12, 31)


@given(st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)), st.sampled_from(["/", "-", "."]))
def test_text_dates_in_any_separator_and_excel_day_numbers_read_the_same_day(day, sep):
    assert tally.parse_date_cell(f"{day.day}{sep}{day.month}{sep}{day.year}") == day
    assert tally.parse_date_cell(day.isoformat()) == day
    assert tally.parse_date_cell(str((day - EXCEL_EPOCH).days)) == day


@pytest.mark.parametrize("text", ["31/06/2022", "29/02/2023", "ngày 5"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        tally.parse_date_cell(text)


def unit_tally_rows():
    return [
        ["BÁO CÁO TIẾN ĐỘ CỦA ĐOÀN THANH NIÊN"],
        ["Thực hiện Kế hoạch số 14/KH-UBND ngày 10/01/2024"],
        ["STT", "Ngày", "Chỉ tiêu", "Kết quả tiếp nhận (đv)", "Tỉ lệ %", "Lũy kế"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["1", "15/3/2024", "100", "80", "80%", "80"],
        ["2", "20/8/2024", "100", "90", "95%", "175"],
        ["Cộng", "", "200", "170", "", ""],
    ]


def test_a_units_progress_report_is_checked_for_drifting_percent_and_running_total():
    read = tally.read_tally(unit_tally_rows(), TODAY, default_unit="Đoàn Thanh niên")
    assert [(r.date, r.collected, r.target) for r in read.rows] == [
        (datetime.date(2024, 3, 15), 80, 100),
        (datetime.date(2024, 8, 20), 90, 100),
    ]
    assert read.stated_total == 170
    assert read.plan == tally.PlanReference("14", "khubnd", datetime.date(2024, 1, 10))
    assert [(f.code, f.line) for f in read.findings] == [("percent_mismatch", 6), ("running_total_mismatch", 6)]


def test_an_agency_named_cong_an_is_a_data_row_not_a_total():
    rows = [
        ["STT", "Đơn vị", "Ngày", "Số đơn vị máu tiếp nhận"],
        ["1", "Công an tỉnh", "15/6/2022", "180"],
        ["Tổng cộng", "", "", "200"],
    ]
    read = tally.read_tally(rows, TODAY)
    assert [r.unit for r in read.rows] == ["Công an tỉnh"]
    assert [f.code for f in read.findings] == ["total_mismatch"]


def test_a_file_without_a_tally_header_is_refused_in_vietnamese():
    with pytest.raises(tally.TallyError, match="Không tìm thấy dòng tiêu đề"):
        tally.read_tally([["Danh sách"], ["a", "b"]], TODAY)
