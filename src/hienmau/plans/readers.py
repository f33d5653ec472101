"""Turning an uploaded or pasted appendix into blocks: .txt (pasted), .csv, .xlsx, .xls, .docx, a text PDF,
and .doc/.odt/.ods through core.lib.tables' LibreOffice conversion.

All reading limits live here or in core.lib.tables: size caps, the zip-bomb check on .xlsx/.docx, and
refusing merged cells inside the data rows of a Word table, where no one can tell which row a merged
number belongs to.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from hienmau.core.lib.tables import (
    MAX_XLSX_UNCOMPRESSED_BYTES,
    HtmlTable,
    TableError,
    check_size,
    converted,
    read_html,
    read_pdf,
    read_rows,
    read_text,
)
from hienmau.plans.lib.appendix import AppendixError, Block, Paragraph, TableBlock
from hienmau.plans.lib.appendix_columns import header_row_count
from hienmau.plans.lib.document import blocks_from_text

SUPPORTED = (".txt", ".tsv", ".csv", ".xlsx", ".xls", ".ods", ".docx", ".doc", ".odt", ".pdf", ".html", ".htm")


def read_blocks(path: Path) -> list[Block]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise AppendixError(f"Không đọc được tệp {path.name}: chỉ nhận {', '.join(SUPPORTED)}.")
    try:
        check_size(path)
        if suffix == ".docx":
            return _docx_blocks(path)
        if suffix in (".doc", ".odt"):
            with converted(path) as document:
                return _docx_blocks(document, shown_name=path.name)
        if suffix == ".pdf":
            return _pdf_blocks(path)
        if suffix in (".html", ".htm"):
            return html_blocks(read_text(path), path.name)
        if suffix in (".xlsx", ".xls", ".ods", ".csv"):
            return split_title_rows(read_rows(path))
        text = read_text(path)
    except TableError as exc:
        raise AppendixError(str(exc)) from exc
    return blocks_from_text(text)


def split_title_rows(rows: list[list[str]]) -> list[Block]:
    """Rows with at most one filled cell above the table are titles ("PHỤ LỤC", "Kèm theo…"), and below
    its last row of two or more cells the recipients and signatures ("Nơi nhận:", "TM. BAN CHỈ ĐẠO"):
    paragraphs, not header or units."""

    def filled(row: list[str]) -> int:
        return sum(1 for cell in row if cell.strip())

    def paragraphs(part: list[list[str]]) -> list[Block]:
        texts = (next((cell for cell in row if cell.strip()), "") for row in part)
        return [Paragraph(text.strip()) for text in texts if text]

    start = next((i for i, row in enumerate(rows) if filled(row) > 1), len(rows))
    end = max((i for i, row in enumerate(rows) if filled(row) > 1), default=len(rows) - 1) + 1
    blocks = paragraphs(rows[:start])
    if start < len(rows):
        blocks.append(TableBlock(rows[start:end]))
        blocks += paragraphs(rows[end:])
    return blocks


def html_blocks(markup: str, name: str = "bảng dán") -> list[Block]:
    """A table pasted from Word or Excel as HTML: paragraphs (title block, signatures) and tables, a merged
    header's title once over its columns, empty cells kept; a merged cell in the data rows is refused as
    in a Word file."""
    blocks: list[Block] = []
    for item in read_html(markup):
        if isinstance(item, str):
            blocks.append(Paragraph(item))
            continue
        number = sum(isinstance(b, TableBlock) for b in blocks) + 1
        blocks.append(_html_table(item, name, number))
    return blocks


def _html_table(table: HtmlTable, name: str, number: int) -> TableBlock:
    kept = [i for i, row in enumerate(table.rows) if any(cell.strip() for cell in row)]
    rows = [table.rows[i] for i in kept]
    header = header_row_count(rows) if rows else 0
    for position, index in enumerate(kept):
        if position >= header and index in table.merged_rows and _merged_figures(table, index):
            raise AppendixError(
                f"Bảng {number} trong {name}, dòng {index + 1}: có ô gộp trong phần số liệu; "
                "hãy tách ô (mỗi đơn vị một dòng, mỗi số một ô) rồi dán lại."
            )
    return TableBlock(rows, source=f"{name}#table{number}")


def _merged_figures(table: HtmlTable, index: int) -> bool:
    """A data row's merge matters only when the row has figures (a section title spanning the row does not)."""
    filled = [cell for cell in table.rows[index] if cell.strip()]
    return len(filled) > 1


def _pdf_blocks(path: Path) -> list[Block]:
    blocks: list[Block] = []
    tables = 0
    for item in read_pdf(path):
        if isinstance(item, str):
            blocks.append(Paragraph(item))
        else:
            tables += 1
            blocks.append(TableBlock(item, source=f"{path.name}#table{tables}"))
    return blocks


def _docx_blocks(path: Path, shown_name: str = "") -> list[Block]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    name = shown_name or path.name

    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED_BYTES:
                raise AppendixError(f"Tệp {name} giải nén ra quá lớn: từ chối để an toàn.")
        document = docx.Document(str(path))
    except AppendixError:
        raise
    except Exception as exc:  # python-docx raises several types for a file that is not Word
        raise AppendixError(f"Tệp {name} không phải tệp Word .docx hợp lệ.") from exc
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            for line in item.text.split("\n"):
                if line.strip():
                    blocks.append(Paragraph(line.strip()))
        elif isinstance(item, Table):
            blocks.append(_docx_table(item, name, len([b for b in blocks if isinstance(b, TableBlock)]) + 1))
    return blocks


def _docx_table(table, name: str, number: int) -> TableBlock:
    """Cell texts of a Word table. A merged cell's text is kept once, in its first row and column; in the
    header that is a group title, in the data rows nobody can tell which row the value belongs to
    (refused). Read from the table's XML row by row (python-docx's `row.cells` rebuilds the whole grid for
    every row, which made a 10,000-row table take minutes), each cell's text by walking its elements
    (python-docx's `cell.text` runs two XPath queries per paragraph and run: 2/3 of a 10,000-row read)."""
    texts: list[list[str]] = []
    merged_at: list[bool] = []
    for tr in table._tbl.tr_lst:
        row_texts: list[str] = []
        merged = False
        for tc in tr.tc_lst:
            span, continued = _docx_cell_merge(tc)
            merged = merged or continued or span > 1
            row_texts.append("" if continued else docx_cell_text(tc).strip())
            row_texts += [""] * (span - 1)
        texts.append(row_texts)
        merged_at.append(merged)
    header = header_row_count(texts)
    for index in range(header, len(texts)):
        if merged_at[index]:
            raise AppendixError(
                f"Bảng {number} trong tệp {name}, dòng {index + 1}: có ô gộp trong phần số liệu; "
                "hãy tách ô (mỗi đơn vị một dòng, mỗi số một ô) rồi nhập lại."
            )
    return TableBlock(texts, source=f"{name}#table{number}")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TEXT = {f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-", f"{_W}ptab": "\t", f"{_W}tab": "\t"}


def _docx_cell_merge(tc) -> tuple[int, bool]:
    """(columns spanned, whether the cell continues a vertical merge), from w:tcPr."""
    properties = tc.find(f"{_W}tcPr")
    if properties is None:
        return 1, False
    span = properties.find(f"{_W}gridSpan")
    vertical = properties.find(f"{_W}vMerge")
    columns = int(span.get(f"{_W}val", "1")) if span is not None else 1
    return columns, vertical is not None and vertical.get(f"{_W}val", "continue") == "continue"


def _docx_run_text(run) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}br":
            parts.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        elif tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[tag])
    return "".join(parts)


def docx_cell_text(tc) -> str:
    """A Word table cell's text as python-docx's `_Cell.text` gives it (paragraphs joined by new lines; in
    a paragraph its runs and hyperlinks' runs; breaks, tabs and no-break hyphens as characters)."""
    paragraphs = []
    for paragraph in tc.iterchildren(f"{_W}p"):
        parts = []
        for child in paragraph.iterchildren(f"{_W}r", f"{_W}hyperlink"):
            if child.tag == f"{_W}r":
                parts.append(_docx_run_text(child))
            else:
                parts.extend(_docx_run_text(run) for run in child.iterchildren(f"{_W}r"))
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)
