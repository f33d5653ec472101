"""Hostile or damaged files end in a Vietnamese TableError, in seconds, never in a parser exception."""

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from hienmau.core.lib import tables
from hienmau.core.lib.tables import TableError, read_rows, read_text_rows

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _workbook_with_sheet(path, write_sheet) -> None:
    """A real workbook from openpyxl whose first sheet's XML is replaced by what `write_sheet` streams."""
    source = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "x"
    book.save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            if info.filename == SHEET:
                with archive.open(SHEET, "w", force_zip64=True) as sheet:
                    write_sheet(sheet)
            else:
                archive.writestr(info, original.read(info.filename))


def test_a_small_xlsx_that_inflates_to_199_mb_is_refused_in_seconds(tmp_path):
    """The reported file: 680 KB on disk, 199 MB inflated. Under the old 200 MB cap it was parsed (88 s)."""

    def write(sheet):
        sheet.write(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>')
        padding = b" " * (1024 * 1024)
        for _ in range(199):
            sheet.write(padding)
        sheet.write(SHEET_TAIL)

    path = tmp_path / "bomb.xlsx"
    _workbook_with_sheet(path, write)
    assert path.stat().st_size < 1024 * 1024
    started = time.monotonic()
    with pytest.raises(TableError, match="giải nén ra quá lớn"):
        read_rows(path)
    assert time.monotonic() - started < 2


def test_a_sheet_with_more_rows_than_the_cap_is_refused_without_reading_them_all(tmp_path, monkeypatch):
    def write(sheet):
        sheet.write(SHEET_HEAD)
        for number in range(1, 1202):
            sheet.write(f'<row r="{number}"><c r="A{number}"><v>{number}</v></c></row>'.encode())
        sheet.write(SHEET_TAIL)

    path = tmp_path / "many.xlsx"
    _workbook_with_sheet(path, write)
    monkeypatch.setattr(tables, "MAX_ROWS", 1200)
    with pytest.raises(TableError, match="hơn 1.200 dòng"):
        read_rows(path)


def test_the_row_cap_is_one_hundred_thousand():
    assert tables.MAX_ROWS == 100_000
    assert tables.MAX_XLSX_UNCOMPRESSED_BYTES < 199 * 1024 * 1024


def test_a_workbook_with_truncated_sheet_xml_is_a_clear_refusal(tmp_path):
    def write(sheet):
        sheet.write(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>Ho va ten')

    path = tmp_path / "cut.xlsx"
    _workbook_with_sheet(path, write)
    with pytest.raises(TableError, match="bị hỏng hoặc không đầy đủ") as caught:
        read_rows(path)
    assert "Error" not in str(caught.value)  # no parser message shown to the user


def test_a_csv_cell_over_131072_characters_is_a_clear_refusal(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text('Họ và tên,Ngày sinh\n"' + "a" * 131_073 + '",01/01/1990\n', encoding="utf-8")
    with pytest.raises(TableError, match=r"Dòng 2: có ô dài hơn 131\.072 ký tự"):
        read_rows(path)


def test_pasted_text_with_an_over_long_cell_is_a_clear_refusal():
    with pytest.raises(TableError, match="131.072"):
        read_text_rows('a,b\n"' + "x" * 200_000 + "\n")


def test_a_csv_just_under_the_cell_limit_is_read(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("a,b\n" + "x" * 131_000 + ",1\n", encoding="utf-8")
    assert read_rows(path)[1][1] == "1"
