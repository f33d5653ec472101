"""The official document format every export follows (Decree 30/2020/NĐ-CP on administrative documents):
the font, the national motto, the page margins, the place-and-date line, and the guard that keeps a
spreadsheet cell from running as a formula. Plain Python: no Django. Plan appendices, result sheets and
donation certificates all take these from here.
"""

from __future__ import annotations

import datetime

from hienmau.core.lib.text import fold_words

FONT = "Times New Roman"
# For HTML/PDF: Liberation Serif is metric-compatible with Times New Roman; DejaVu Serif has every glyph.
FONT_STACK = ('"Times New Roman"', '"Liberation Serif"', '"DejaVu Serif"', "serif")
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
# Page margins in millimetres (Decree 30: top and bottom 20, left 30, right 15).
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The media types every export answers with.
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# The body a document's number suffix names ("66/KH-BCĐ": the steering committee), written above the unit.
ISSUING_BODIES = {
    "ubnd": ("Ủy ban nhân dân",),
    "bcd": ("Ban Chỉ đạo vận động", "hiến máu tình nguyện"),
    "hctd": ("Hội Chữ thập đỏ",),
}


def issuing_body(suffix: str, unit_name: str, *, organisation: bool = False) -> list[str]:
    """The lines of the issuing body at the top left of a document: the body its number's suffix names,
    then the unit ("KH-BCĐ", "tỉnh Kiên Giang" → steering committee of the province); an organisation, or
    a suffix naming no known body, is the unit alone.

    >>> issuing_body("KH-BCĐ", "tỉnh Kiên Giang")
    ['Ban Chỉ đạo vận động', 'hiến máu tình nguyện', 'tỉnh Kiên Giang']
    """
    abbreviation = fold_words(suffix.split("-", 1)[1]) if "-" in suffix else ""
    body = ISSUING_BODIES.get(abbreviation.replace(" ", ""))
    if body and not organisation:
        return [*body, unit_name]
    return [unit_name]


def document_date(day: datetime.date) -> str:
    """'ngày 05 tháng 3 năm 2025' as Decree 30 writes it: days below 10 and months 1, 2 take a leading zero.

    >>> document_date(datetime.date(2025, 3, 5)), document_date(datetime.date(2024, 1, 17))
    ('ngày 05 tháng 3 năm 2025', 'ngày 17 tháng 01 năm 2024')
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(place: str, day: datetime.date) -> str:
    """'Ân Thi, ngày 05 tháng 3 năm 2025', or 'Ngày 05 tháng 3 năm 2025' when the place is unknown.

    The place is the issuing unit's territory (orgs: Unit.document_place)."""
    text = document_date(day)
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def safe_cell(value):
    """Text for a spreadsheet cell that Excel cannot run: a leading = + - @ tab or CR gets a quote in front."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def a4_sheet(sheet, *, landscape: bool, ncols: int, last_row: int) -> None:
    """An openpyxl worksheet printed as Decree 30 asks: A4, its margins, one page wide, "page/pages" in the
    footer, the print area from A1 to the last used cell."""
    from openpyxl.utils import get_column_letter  # openpyxl loads only when a sheet is written
    from openpyxl.worksheet.page import PageMargins

    inch = 25.4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # one page wide, as many long as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=MARGIN_LEFT / inch,
        right=MARGIN_RIGHT / inch,
        top=MARGIN_TOP / inch,
        bottom=MARGIN_BOTTOM / inch,
        header=0.3,
        footer=0.3,
    )
    sheet.oddFooter.center.text = "&P/&N"
    sheet.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
    sheet.sheet_view.showGridLines = False
