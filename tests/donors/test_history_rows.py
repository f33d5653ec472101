"""Dates in facility exports: every written form of a real day reads back as that day; impossible days
are refused with the text in the message."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.dates import parse_date as parse_day

FORMS = [
    "{d:02d}/{m:02d}/{y}",
    "{d}/{m}/{y}",
    "{y}-{m:02d}-{d:02d}",
    "{d:02d}-{m:02d}-{y}",
    "{d:02d}.{m:02d}.{y}",
    " {d:02d}/{m:02d}/{y} ",
    "{d:02d}/{m:02d}/{y} 07:30",
    "{y}-{m:02d}-{d:02d} 00:00:00",
]


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)), st.sampled_from(FORMS))
def test_every_written_form_of_a_day_reads_back(day, form):
    assert parse_day(form.format(d=day.day, m=day.month, y=day.year)) == day


@given(st.integers(min_value=20000, max_value=80000))
def test_excel_serial_numbers(serial):
    assert parse_day(str(serial)) == datetime.date(1899, 12, 30) + datetime.timedelta(days=serial)


@pytest.mark.parametrize(
    "text", ["31/06/2022", "29/02/2023", "2023-02-30", "00/01/2020", "12/13/2020", "hôm qua", "1/1/2o"]
)
def test_impossible_days_are_refused_naming_the_text(text):
    with pytest.raises(ValueError, match=text.replace(".", r"\.")):
        parse_day(text)


def test_blank_is_none():
    assert parse_day("  ") is None
