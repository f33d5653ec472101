"""One date reader for every table: the documented forms read back as the day they write, the same in
every importer."""

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hienmau.core.lib.dates import EXCEL_EPOCH, EXCEL_SERIALS, PLAUSIBLE_YEARS, parse_date
from hienmau.donors.lib import history_rows
from hienmau.drives.lib.registrant_list import check_lines
from hienmau.orgs.lib.unit_rows import parse_rows as unit_rows

DAYS = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2199, 12, 31))
FOUR_DIGIT_FORMS = [
    "{d:02d}/{m:02d}/{y}",
    "{d}/{m}/{y}",
    "{d:02d}-{m:02d}-{y}",
    "{d:02d}.{m:02d}.{y}",
    "{y}-{m:02d}-{d:02d}",
    "{d:02d}/{m:02d}/{y} 07:30",
    "{d:02d}/{m:02d}/{y} 07:30:15",
    "{y}-{m:02d}-{d:02d} 00:00:00",
    "{y}-{m:02d}-{d:02d}T13:05:00",
]


@given(DAYS, st.sampled_from(FOUR_DIGIT_FORMS))
def test_every_documented_form_reads_back(day, form):
    assert parse_date(form.format(d=day.day, m=day.month, y=day.year)) == day


@given(DAYS)
def test_date_and_datetime_cells_are_their_day(day):
    assert parse_date(day) == day
    assert parse_date(datetime.datetime.combine(day, datetime.time(9, 45))) == day


@given(st.integers(min_value=-89, max_value=10), st.dates(), st.integers(min_value=1950, max_value=2150))
def test_two_digit_years_fall_in_the_window_around_the_reference(offset, day, reference):
    year = reference + offset
    assume(year in PLAUSIBLE_YEARS)
    written = f"{day.day}/{day.month}/{year % 100:02d}"
    try:
        expected = day.replace(year=year)
    except ValueError:  # 29 February of a year that has none
        return
    assert parse_date(written, reference_year=reference) == expected


@given(st.integers(min_value=EXCEL_SERIALS.start, max_value=EXCEL_SERIALS.stop - 1), st.sampled_from(["", ".0", ",5"]))
def test_excel_serials_in_the_sane_range(serial, fraction):
    assert parse_date(f"{serial}{fraction}") == EXCEL_EPOCH + datetime.timedelta(days=serial)


@given(st.integers(min_value=0, max_value=9999) | st.integers(min_value=80001, max_value=10**7))
def test_numbers_outside_the_serial_range_are_never_days(number):
    with pytest.raises(ValueError):
        parse_date(str(number))


@given(st.text(max_size=30))
def test_any_text_is_a_day_none_or_a_vietnamese_value_error(text):
    try:
        parse_date(text)
    except ValueError as exc:
        assert "ngày" in str(exc) or "năm" in str(exc)


@pytest.mark.parametrize("text", ["31/06/2022", "29/02/2023", "2023-02-30", "00/01/2020", "12/13/2020"])
def test_impossible_days_are_refused_naming_the_text(text):
    with pytest.raises(ValueError, match=f"“{text}” không phải ngày có thật"):
        parse_date(text)


def test_a_day_month_without_year_needs_a_default_year():
    with pytest.raises(ValueError, match="thiếu năm"):
        parse_date("15/3")
    assert parse_date("15/3", default_year=2024) == datetime.date(2024, 3, 15)


# The three importers used to disagree on these cells: "33005" was a day in the registrant list only,
# "15000" was a day in the list and an error in the history import, a datetime string was a day in the list
# and the history import and an error in the unit list.
CELLS = {
    "33005": datetime.date(1990, 5, 12),
    "15000": datetime.date(1941, 1, 24),
    "1990-05-12 07:30:00": datetime.date(1990, 5, 12),
    "12/05/90": datetime.date(1990, 5, 12),
}


@pytest.mark.parametrize("cell, day", CELLS.items())
def test_every_importer_reads_a_cell_as_the_same_day(cell, day):
    listed = check_lines([["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", cell]], datetime.date(2030, 1, 1))
    assert listed.lines[0].date_of_birth == day

    rows, problems = history_rows.parse_rows(
        [["Họ tên", "Ngày sinh", "Ngày hiến", "Thể tích"], ["Nguyễn Văn An", cell, "01/01/2024", "350"]]
    )
    assert not problems and rows[0].date_of_birth == day

    units, errors = unit_rows([["Mã", "Tên", "Cấp", "Hiệu lực từ"], ["33", "Hưng Yên", "Tỉnh", cell]])
    assert not errors and units[0].valid_from == day


# --- counts, read by the same core -----------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_read_back_however_they_are_grouped(number):
    from hienmau.core.lib.numbers import format_int, parse_count

    assert parse_count(str(number)) == number
    assert parse_count(format_int(number)) == number
    assert parse_count(f"{number:,}") == number
    assert parse_count(format_int(number).replace(".", " ")) == number


@pytest.mark.parametrize("text", ["-5", "1,5", "12a", "1.50.00"])
def test_what_is_not_a_count_is_refused(text):
    from hienmau.core.lib.numbers import parse_count

    with pytest.raises(ValueError, match="không âm"):
        parse_count(text)
