"""The one reader of dates written in table cells (plans, unit lists, registrant lists, donation history).

Accepted forms (docs/decisions/dates-in-tables.md), surrounding spaces ignored:

- a blank cell → None;
- a `datetime.date` / `datetime.datetime` cell value → its day;
- an Excel serial day number of five digits, optionally with a fraction ("33005", "33005.0", "45292,5")
  inside EXCEL_SERIALS (10000–80000 = 18/05/1927–08/01/2119) → that day (the fraction is a time, dropped);
  no four-digit year or day count is ever taken for a serial;
- day first: d/m/yyyy, dd/mm/yyyy, with "/", "-" or "." ("1/2/1990", "12-05-1990", "12.05.1990");
- day first with a two-digit year, d/m/yy: the year ending in those digits inside
  [reference − 89, reference + 10], the reference being `reference_year` or this year ("12/05/90" → 1990,
  "1/1/20" → 2020);
- ISO: yyyy-mm-dd;
- any of the above followed by a time ("12/05/1990 07:30", "1990-05-12 00:00:00", "1990-05-12T07:30:00"),
  the time dropped;
- d/m without a year only when the caller gives `default_year` (a plan's "Đợt I (15/3)").

Years outside PLAUSIBLE_YEARS (1900–2199) are refused. Everything else is a ValueError whose Vietnamese
message quotes the text, ready to follow a column name ("Ngày sinh: …").
"""

from __future__ import annotations

import datetime
import functools
import re

EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_SERIALS = range(10000, 80001)  # 18/05/1927 … 08/01/2119: five digits, never a year or a day number
PLAUSIBLE_YEARS = range(1900, 2200)
TWO_DIGIT_YEAR_AHEAD = 10  # "36" read in 2026 is 2036; "37" is 1937

_SERIAL = re.compile(r"(\d{5})(?:[.,]\d+)?")
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_DAY_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")
_SEPARATOR_SPACES = re.compile(r"\s*([/])\s*")


def parse_date(
    value: str | datetime.date | None, *, default_year: int | None = None, reference_year: int | None = None
) -> datetime.date | None:
    """The day a cell means, in one of the forms of the module docstring; None for a blank cell.

    >>> parse_date("12/05/1990"), parse_date("33005"), parse_date("1990-05-12 00:00:00")
    (datetime.date(1990, 5, 12), datetime.date(1990, 5, 12), datetime.date(1990, 5, 12))
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = " ".join((value or "").split())
    if not text:
        return None
    reference = reference_year if reference_year is not None else datetime.date.today().year
    return _parse_text(_SEPARATOR_SPACES.sub(r"\1", text), default_year, reference)


@functools.lru_cache(maxsize=65536)  # an export repeats its donation days and many birth dates
def _parse_text(text: str, default_year: int | None, reference: int) -> datetime.date:
    serial = _SERIAL.fullmatch(text)
    if serial and int(serial.group(1)) in EXCEL_SERIALS:
        return EXCEL_EPOCH + datetime.timedelta(days=int(serial.group(1)))
    day_first, iso = _DAY_FIRST.fullmatch(text), _ISO.fullmatch(text)
    if day_first:
        day, month, year_text = day_first.group(1), day_first.group(3), day_first.group(4)
        year = int(year_text) if len(year_text) == 4 else _century(int(year_text), reference)
        return _day(text, year, int(month), int(day))
    if iso:
        return _day(text, int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    day_month = _DAY_MONTH.fullmatch(text)
    if day_month and default_year is not None:
        return _day(text, default_year, int(day_month.group(2)), int(day_month.group(1)))
    if day_month:
        raise ValueError(f"“{text}” thiếu năm (cần dạng dd/mm/yyyy)")
    if re.fullmatch(r"\d{4}", text):
        raise ValueError(f"chỉ ghi năm “{text}”, cần đủ ngày/tháng/năm (dd/mm/yyyy)")
    raise ValueError(f"“{text}” không phải ngày (cần dạng dd/mm/yyyy)")


def _century(two_digits: int, reference: int) -> int:
    """The year ending in `two_digits` inside [reference − 89, reference + 10]."""
    latest = reference + TWO_DIGIT_YEAR_AHEAD
    year = latest - (latest - two_digits) % 100
    return year


def _day(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        found = datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}” không phải ngày có thật") from None
    if found.year not in PLAUSIBLE_YEARS:
        raise ValueError(f"“{text}”: năm {found.year} không hợp lý")
    return found


def date_from_parts(day: str | int, month: str | int, year: str | int) -> datetime.date | None:
    """A day from the parts a sentence writes ("ngày 05 tháng 4 năm 2022"); None when it cannot exist."""
    try:
        return _day("", int(year), int(month), int(day))
    except ValueError:
        return None


def format_date(day: datetime.date) -> str:
    """dd/mm/yyyy, the way every message and export writes a day."""
    return day.strftime("%d/%m/%Y")
