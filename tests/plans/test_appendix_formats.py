"""More formats through the one table core: legacy .xls (xlrd), text PDFs (pdfplumber), and .doc/.odt/.ods
through LibreOffice headless. Each file is built from a seed appendix and must give the seed's own rows and
totals with `hienmau plan import FILE --dry-run --json`."""

import html
import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import xlwt
from django.core.management import CommandError, call_command

from hienmau.core.lib import tables
from hienmau.plans.lib.appendix import AppendixError, Paragraph, TableBlock
from hienmau.plans.lib.document import blocks_from_text
from hienmau.plans.readers import read_blocks
from tests.plans.helpers import assert_contract, seed_path, seed_text

SEEDS = [0, 1, 3]


def dry_run(path) -> dict:
    out = StringIO()
    call_command("plan", "import", str(path), "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert_contract(result)
    return result


def seed_tables(number: int) -> list[list[list[str]]]:
    return [block.rows for block in blocks_from_text(seed_text(number)) if isinstance(block, TableBlock)]


def write_xls(path: Path, rows: list[list[str]]) -> Path:
    """A legacy Excel sheet: a title row, then the table with whole numbers stored as numbers."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Phu luc")
    sheet.write(0, 0, "PHỤ LỤC")
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if cell.strip().isdigit():
                sheet.write(r, c, int(cell))
            elif cell:
                sheet.write(r, c, cell)
    book.save(str(path))
    return path


def seed_html(number: int, font_size: str = "11pt") -> str:
    """The seed as a printed document: its paragraphs, its tables with the header rows in <thead> (repeated
    by the printer on every page when the table is long)."""
    from hienmau.plans.lib.appendix_columns import header_row_count

    parts = []
    for block in blocks_from_text(seed_text(number)):
        if isinstance(block, Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
            continue
        header = header_row_count(block.rows)
        width = max(len(row) for row in block.rows)

        def line(row, width=width):
            cells = list(row) + [""] * (width - len(row))
            return "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>"

        head = "".join(line(row) for row in block.rows[:header])
        body = "".join(line(row) for row in block.rows[header:])
        parts.append(f"<table><thead>{head}</thead><tbody>{body}</tbody></table>")
    style = (
        f"body{{font-family:'DejaVu Serif';font-size:{font_size}}} table{{border-collapse:collapse}}"
        "td{border:1px solid black;padding:2px} tr{break-inside:avoid}"
    )
    return f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>{''.join(parts)}</body></html>"


def write_pdf(path: Path, markup: str) -> Path:
    from weasyprint import HTML

    HTML(string=markup).write_pdf(str(path))
    return path


def same_rows_and_totals(result: dict, expected: dict) -> bool:
    assert result["rows"] == expected["rows"]
    assert result["totals"] == expected["totals"]
    return True


# --- .xls ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", [0])  # seed 1's two tables (one per printed page): see the layouts tests
def test_xls_of_a_seed_appendix_gives_the_seed_rows_and_totals(tmp_path, number):
    (table,) = seed_tables(number)
    result = dry_run(write_xls(tmp_path / "phu-luc.xls", table))
    assert same_rows_and_totals(result, dry_run(seed_path(number)))
    assert result["rows"]


def test_xls_title_row_is_a_paragraph_and_numbers_are_digit_strings(tmp_path):
    path = write_xls(tmp_path / "a.xls", [["STT", "Đơn vị", "Tổng"], ["1", "Huyện A", "1532"]])
    blocks = read_blocks(path)
    assert blocks[0] == Paragraph("PHỤ LỤC")
    assert blocks[1].rows == [["STT", "Đơn vị", "Tổng"], ["1", "Huyện A", "1532"]]


def test_xls_dates_and_percentages_read_as_the_sheet_shows_them(tmp_path):
    import datetime

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("A")
    sheet.write(0, 0, datetime.date(2024, 3, 15), xlwt.easyxf(num_format_str="dd/mm/yyyy"))
    sheet.write(0, 1, 1.04, xlwt.easyxf(num_format_str="0%"))
    sheet.write(0, 2, 12.0)
    book.save(str(tmp_path / "d.xls"))
    assert tables.read_rows(tmp_path / "d.xls") == [["15/03/2024", "104%", "12"]]


def test_xls_with_more_rows_than_the_cap_is_refused(tmp_path, monkeypatch):
    path = write_xls(tmp_path / "dai.xls", [["STT", "Đơn vị", "Tổng"], *[[str(i), f"Xã {i}", "1"] for i in range(30)]])
    monkeypatch.setattr(tables, "MAX_ROWS", 10)
    with pytest.raises(AppendixError, match="hơn 10 dòng"):
        read_blocks(path)


def test_xls_over_the_size_cap_is_refused_before_reading(tmp_path, monkeypatch):
    path = write_xls(tmp_path / "lon.xls", [["STT", "Đơn vị", "Tổng"], ["1", "Huyện A", "10"]])
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 100)
    with pytest.raises(AppendixError, match="quá lớn"):
        read_blocks(path)


def test_file_that_is_not_an_xls_is_a_vietnamese_error(tmp_path):
    path = tmp_path / "hong.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    with pytest.raises(AppendixError, match=r"không phải tệp Excel \.xls hợp lệ"):
        read_blocks(path)


# --- PDF -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", SEEDS)
def test_text_pdf_of_a_seed_gives_the_seed_rows_and_totals(tmp_path, number):
    result = dry_run(write_pdf(tmp_path / "ke-hoach.pdf", seed_html(number)))
    assert same_rows_and_totals(result, dry_run(seed_path(number)))


@pytest.mark.django_db
def test_pdf_table_over_several_pages_is_one_table_without_the_repeated_headers(tmp_path):
    path = write_pdf(tmp_path / "dai.pdf", seed_html(1, font_size="22pt"))
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        assert len(pdf.pages) > 2  # the table really crosses pages, its header printed on each
    result = dry_run(path)
    assert same_rows_and_totals(result, dry_run(seed_path(1)))
    read = [block.rows for block in read_blocks(path) if isinstance(block, TableBlock)]
    assert [len(rows) for rows in read] == [len(rows) for rows in seed_tables(1)]  # no header read twice


def test_scanned_pdf_without_text_layer_is_refused_with_a_message_saying_so(tmp_path):
    markup = "<html><body><div style='width:300px;height:200px;background:black'></div></body></html>"
    path = write_pdf(tmp_path / "scan.pdf", markup)
    with pytest.raises(AppendixError, match="bản scan.*không có lớp chữ"):
        read_blocks(path)


def test_scanned_pdf_is_a_command_error_not_a_wrong_table(tmp_path):
    markup = "<html><body><div style='width:300px;height:200px;background:black'></div></body></html>"
    path = write_pdf(tmp_path / "scan.pdf", markup)
    with pytest.raises(CommandError, match="không có lớp chữ"):
        call_command("plan", "import", str(path), "--dry-run", "--json", stdout=StringIO())


def test_file_that_is_not_a_pdf_is_a_vietnamese_error(tmp_path):
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(AppendixError, match="PDF"):
        read_blocks(path)


def test_pdf_with_too_many_pages_is_refused(tmp_path, monkeypatch):
    path = write_pdf(tmp_path / "dai.pdf", seed_html(1, font_size="22pt"))
    monkeypatch.setattr(tables, "MAX_PDF_PAGES", 1)
    with pytest.raises(AppendixError, match="tối đa 1"):
        read_blocks(path)


# --- LibreOffice: .doc, .odt, .ods ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".doc", ".odt", ".ods"])
def test_missing_libreoffice_is_a_clear_vietnamese_message(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"phu-luc{suffix}"
    path.write_bytes(b"anything")
    monkeypatch.setattr(tables.shutil, "which", lambda name: None)
    with pytest.raises(AppendixError, match=f"chưa cài LibreOffice để chuyển đổi tệp \\{suffix}"):
        read_blocks(path)


def test_missing_libreoffice_is_a_command_error(tmp_path, monkeypatch):
    path = tmp_path / "phu-luc.doc"
    path.write_bytes(b"anything")
    monkeypatch.setattr(tables.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="LibreOffice"):
        call_command("plan", "import", str(path), "--dry-run", "--json", stdout=StringIO())


needs_soffice = pytest.mark.skipif(
    tables.soffice_path() is None, reason="LibreOffice (soffice) is not installed: make libreoffice"
)


def _soffice_convert(source: Path, target: str) -> Path:
    subprocess.run(
        [
            tables.soffice_path(),
            "--headless",
            f"-env:UserInstallation=file://{source.parent}/profile",
            "--convert-to",
            target,
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return source.with_suffix("." + target.split(":")[0])


@needs_soffice
@pytest.mark.django_db
@pytest.mark.parametrize("target", ["doc:MS Word 97", "odt"])
def test_word_97_and_odt_of_a_seed_give_the_seed_rows_and_totals(tmp_path, target):
    source = tmp_path / "ke-hoach.html"
    source.write_text(seed_html(1), encoding="utf-8")
    result = dry_run(_soffice_convert(source, target))
    assert same_rows_and_totals(result, dry_run(seed_path(1)))


@needs_soffice
@pytest.mark.django_db
def test_ods_of_a_seed_gives_the_seed_rows_and_totals(tmp_path):
    (table,) = seed_tables(0)
    xls = write_xls(tmp_path / "phu-luc.xls", table)
    result = dry_run(_soffice_convert(xls, "ods"))
    assert same_rows_and_totals(result, dry_run(seed_path(0)))


@needs_soffice
def test_damaged_doc_is_a_vietnamese_error(tmp_path):
    path = tmp_path / "hong.doc"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(AppendixError, match="hong.doc"):
        read_blocks(path)
