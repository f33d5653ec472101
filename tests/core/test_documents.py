"""One document format (core.lib.documents) for every export: the place-and-date line, motto, fonts."""

import datetime
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.documents import document_date, place_date_line, safe_cell

SRC = Path(__file__).resolve().parents[2] / "src" / "hienmau"


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_the_date_line_pads_days_and_the_first_two_months(day):
    text = document_date(day)
    _, dd, _, mm, _, yyyy = text.split()
    assert int(dd) == day.day and len(dd) == 2
    assert int(mm) == day.month and len(mm) == (2 if day.month < 3 else len(str(day.month)))
    assert int(yyyy) == day.year
    assert place_date_line("Ân Thi", day) == f"Ân Thi, {text}"
    assert place_date_line("", day) == "N" + text[1:]


def test_formulas_are_quoted():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("Vân Du") == "Vân Du" and safe_cell(5) == 5


def test_no_export_writes_its_own_date_line_or_motto():
    """The motto and the 'ngày … tháng … năm' line are written once, in core/lib/documents.py.

    Demo modules are exempt: they build the documents offices send in (an old honours list with its own
    motto), which are importer input, not exports."""
    writers = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name in ("documents.py", "demo.py"):
            continue
        if (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" in text
            or re.search(r"ngày \{[^}]*\} tháng \{", text)
            or "from hienmau.plans.exports import" in text
        ):
            writers.append(str(path.relative_to(SRC)))
    assert writers == []
