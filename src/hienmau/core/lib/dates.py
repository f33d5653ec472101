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

Months (`parse_month`, a facility's need per month) are read in the same spirit: "01/2025", "1-2025",
"01.2025", "Tháng 1/2025", "tháng 01 năm 2025", "T1/2025", "2025-01", "2025/01", and any day the forms above
read ("01/01/2025", an Excel date cell or serial) for its month; the year always has four digits.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata

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


_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[/.-]\s*(\d{1,2})")
_MONTH_WORDS = re.compile(r"(?:thang|t)\s*\.?\s*(\d{1,2})\s*(?:[/.-]|nam|,)?\s*(\d{4})")


def parse_month(value: str | datetime.date | None) -> datetime.date | None:
    """The first day of the month a cell means; None for a blank cell; ValueError (Vietnamese) otherwise.

    >>> parse_month("Tháng 1/2025"), parse_month("2025-01"), parse_month("01/2025")
    (datetime.date(2025, 1, 1), datetime.date(2025, 1, 1), datetime.date(2025, 1, 1))
    """
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return day.replace(day=1)
    text = " ".join((value or "").split())
    if not text:
        return None
    folded = _fold_ascii(text)
    for pattern, month_group, year_group in ((_MONTH_YEAR, 1, 2), (_YEAR_MONTH, 2, 1), (_MONTH_WORDS, 1, 2)):
        found = pattern.fullmatch(folded)
        if found:
            month, year = int(found.group(month_group)), int(found.group(year_group))
            if not 1 <= month <= 12:
                raise ValueError(f"“{text}”: không có tháng {month}")
            if year not in PLAUSIBLE_YEARS:
                raise ValueError(f"“{text}”: năm {year} không hợp lý")
            return datetime.date(year, month, 1)
    try:
        found_day = parse_date(text)
    except ValueError:
        raise ValueError(f"“{text}” không phải tháng (cần dạng mm/yyyy, “Tháng 1/2025” hoặc yyyy-mm)") from None
    return found_day.replace(day=1) if found_day else None


def _fold_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def date_from_parts(day: str | int, month: str | int, year: str | int) -> datetime.date | None:
    """A day from the parts a sentence writes ("ngày 05 tháng 4 năm 2022"); None when it cannot exist."""
    try:
        return _day("", int(year), int(month), int(day))
    except ValueError:
        return None


def format_date(day: datetime.date) -> str:
    """dd/mm/yyyy, the way every message and export writes a day."""
    return day.strftime("%d/%m/%Y")
