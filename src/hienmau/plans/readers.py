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
    TableError,
    check_size,
    converted,
    read_pdf,
    read_rows,
    read_text,
)
from hienmau.plans.lib.appendix import AppendixError, Block, Paragraph, TableBlock
from hienmau.plans.lib.appendix_columns import header_row_count
from hienmau.plans.lib.document import blocks_from_text

SUPPORTED = (".txt", ".tsv", ".csv", ".xlsx", ".xls", ".ods", ".docx", ".doc", ".odt", ".pdf")


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
    """Cell texts of a Word table. Merged cells repeat the same XML cell; in the header that is a group
    title (kept once), in the data rows nobody can tell which row the value belongs to (refused)."""
    grid = [list(row.cells) for row in table.rows]
    texts: list[list[str]] = []
    merged_at: list[bool] = []
    above: set = set()
    for cells in grid:
        row_texts, merged, seen = [], False, set()
        previous = None
        for cell in cells:
            element = cell._tc
            repeat = element is previous or any(element is other for other in above)
            merged = merged or repeat
            row_texts.append("" if repeat else cell.text.strip())
            previous = element
            seen.add(element)
        above = seen
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
