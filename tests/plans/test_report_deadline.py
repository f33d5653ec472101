"""The report deadline read from a plan's words (seed 000: "… báo cáo kết quả … trước ngày 10/9/2022")."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from hienmau.plans.lib.report_deadline import read_report_deadline
from tests.plans.helpers import APP_SEEDS


def test_seed_000_deadline_and_its_sentence():
    text = (APP_SEEDS / "seed-000-kien-giang-66-KH-BCD-2022.txt").read_text(encoding="utf-8")
    found = read_report_deadline(text, 2022)
    assert found is not None and found.date == datetime.date(2022, 9, 10)
    assert "báo cáo kết quả về Văn phòng Ban Chỉ đạo tỉnh" in found.sentence


def test_the_other_seeds_state_no_report_deadline():
    for name in ("seed-001-an-thi-14-KH-UBND-2024.txt", "seed-003-bac-kan-140-KH-BCD-2021.txt"):
        assert read_report_deadline((APP_SEEDS / name).read_text(encoding="utf-8"), 2024) is None


def test_written_forms_and_a_year_taken_from_the_plan():
    assert read_report_deadline("Các xã báo cáo kết quả chậm nhất ngày 15 tháng 12 năm 2024.").date == datetime.date(
        2024, 12, 15
    )
    assert read_report_deadline("Hạn báo cáo: 30/11.", 2024).date == datetime.date(2024, 11, 30)
    assert read_report_deadline("Hạn báo cáo: 30/11.") is None  # no year anywhere: nothing guessed
    assert read_report_deadline("Gửi danh sách trước ngày 30/11/2024.") is None  # not about a report
    assert read_report_deadline("Báo cáo trước ngày 31/6/2022.") is None  # a day that does not exist


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)), st.booleans())
def test_any_real_day_written_either_way_is_read_back(day, long_form):
    written = f"{day.day} tháng {day.month} năm {day.year}" if long_form else f"{day.day}/{day.month}/{day.year}"
    found = read_report_deadline(f"Đề nghị các đơn vị báo cáo kết quả trước ngày {written} để tổng hợp.")
    assert found is not None and found.date == day
