"""Appendix tables: find them in a document, understand their columns, read their rows, check them.

Input is a list of blocks (paragraphs and tables of string cells) as any reader produces them, from
pasted text, .csv, .xlsx or .docx. Output is plain data: the rows as the document writes them, the grand
total it states and the one the rows add up to, and findings for everything that disagrees.

The work is split by responsibility: `appendix_model` (the data), `appendix_columns` (header and column
roles), `appendix_rows` (rows, subtotals and per-row findings); this module reads a whole document and
checks its stated totals.
"""

from __future__ import annotations

from hienmau.plans.lib import findings as F
from hienmau.plans.lib.appendix_columns import SECTION
from hienmau.plans.lib.appendix_model import (
    Appendix,
    AppendixError,
    Block,
    Bucket,
    Column,
    Paragraph,
    Row,
    TableBlock,
)
from hienmau.plans.lib.appendix_rows import _Subtotal, read_table
from hienmau.plans.lib.buckets import bucket_label, bucket_sort_key


def read_appendix(blocks: list[Block], meanings: dict[int, dict[int, str]] | None = None) -> Appendix:
    """`meanings`: table number (1-based) → column index → the meaning a person chose in the preview."""
    appendix = Appendix()
    tables = [b for b in blocks if isinstance(b, TableBlock) and _usable(b)]
    if not tables:
        raise AppendixError("Không tìm thấy bảng phụ lục nào (cần một bảng có cột đơn vị và số liệu).")
    section: str | None = None
    grand: list[_Subtotal] = []
    sections_closed: list[_Subtotal] = []
    inherited: list[Column] | None = None
    bucket_dates: dict[str, str | None] = {}
    table_number = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if SECTION.match(text) and len(text) < 120 and not text.isupper():
                section = text
            continue
        if block not in tables:
            continue
        table_number += 1
        columns, subtotals, section = read_table(
            block, table_number, section, appendix, inherited, (meanings or {}).get(table_number)
        )
        appendix.tables.append(columns)
        inherited = columns
        for column in columns:
            if column.bucket:
                bucket_dates.setdefault(column.bucket, column.bucket_date)
        for subtotal in subtotals:
            if subtotal.grand:
                grand.append(subtotal)
            else:
                sections_closed.append(subtotal)
                _check_total(subtotal, subtotal.rows, appendix)
    for subtotal in grand:
        _check_total(subtotal, appendix.rows, appendix)
    if grand:
        appendix.stated_total = grand[-1].total
    elif len(sections_closed) == 1 and len(sections_closed[0].rows) == len(appendix.rows):
        appendix.stated_total = sections_closed[0].total  # one "Cộng" row closing the only table
    appendix.buckets = [Bucket(k, bucket_dates[k]) for k in sorted(bucket_dates, key=bucket_sort_key)]
    return appendix


def _usable(block: TableBlock) -> bool:
    rows = [r for r in block.rows if any(c.strip() for c in r)]
    return len(rows) >= 2 and max(len(r) for r in rows) >= 2


def _check_total(subtotal: _Subtotal, rows: list[Row], appendix: Appendix) -> None:
    label = subtotal.label
    computed = sum(r.total or 0 for r in rows)
    if subtotal.total is not None and subtotal.total != computed:
        appendix.findings.append(
            F.finding(
                F.TOTAL_MISMATCH,
                None,
                f"Dòng “{label}” ghi tổng {subtotal.total} nhưng các dòng cộng lại {computed} (chênh {subtotal.total - computed:+d}).",
            )
        )
    for key, stated in subtotal.buckets.items():
        column_sum = sum(r.buckets.get(key, 0) for r in rows)
        if stated != column_sum:
            appendix.findings.append(
                F.finding(
                    F.TOTAL_MISMATCH,
                    None,
                    f"Dòng “{label}”, cột {bucket_label(key)}: ghi {stated} nhưng các dòng cộng lại {column_sum} "
                    f"(chênh {stated - column_sum:+d}).",
                )
            )
