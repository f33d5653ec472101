"""Appendix columns: how many rows are header, which column is the unit, the total, a month or round,
last year's figures, a schedule or a note. Multi-row and merged headers are combined by the table core
(`hienmau.core.lib.headers.combine_header_rows`); the roles here are the appendix's own vocabulary."""

from __future__ import annotations

import re
from collections.abc import Sequence

from hienmau.core.lib.headers import combine_header_rows, header_depth
from hienmau.core.lib.numbers import parse_int
from hienmau.core.lib.text import fold_words
from hienmau.plans.lib.appendix_model import AppendixError, Column
from hienmau.plans.lib.buckets import bucket_from_header

STT = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
SECTION = re.compile(r"^\s*([IVX]{1,4}|[A-D])\s*[.)/-]\s*\S")
SECTION_MARK = re.compile(r"^([IVX]{1,4}|[A-D])\.?$")
COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
TOTAL_PHRASE = re.compile(r"^(?:tong cong|tong so|tong|cong)(?: [ivx]+| \d+)?(?: .*\+.*)?$")
DELEGATION = re.compile(r"^\(?\s*(?P<unit>.+?)\s+(?:phu trach|dam nhan|chiu trach nhiem)\s*\)?\.?$")
UNIT_HEADERS = ("don vi", "ten don vi", "co quan don vi", "dia phuong", "ten", "co quan", "xa phuong", "xa thi tran")
STT_HEADERS = ("stt", "tt", "so tt", "so thu tu")


def header_row_count(rows: list[list[str]]) -> int:
    """How many rows at the top are header rows: those before the first row that carries data
    (or a section heading, or the "(1) (2) (3)" row some tables put under their header)."""
    return header_depth(rows, lambda row: bool(_is_data_like(row) or _section_title(row) or _is_column_numbers(row)))


def _is_data_like(row: Sequence[str]) -> bool:
    first = row[0].strip() if row else ""
    if STT.match(first):
        return True
    numeric = 0
    for cell in row:
        try:
            if parse_int(cell) is not None:
                numeric += 1
        except ValueError:
            continue
    return numeric >= 1 and not any(bucket_from_header(cell) for cell in row)


def _is_column_numbers(row: Sequence[str]) -> bool:
    filled = [c.strip() for c in row if c.strip()]
    return len(filled) >= 2 and all(COLUMN_NUMBER.match(c) for c in filled)


def _section_title(row: Sequence[str]) -> str | None:
    """'I. Các xã, thị trấn' in one cell, or 'II' | 'Khối cơ quan' across the STT and name cells."""
    filled = [c.strip() for c in row if c.strip()]
    if len(filled) == 1 and SECTION.match(filled[0]) and not STT.match(filled[0]):
        return filled[0]
    if (
        len(filled) == 2
        and SECTION_MARK.match(filled[0])
        and row
        and row[0].strip() == filled[0]
        and not any(_looks_numeric(c) for c in filled[1:])
    ):
        return f"{filled[0].rstrip('.')}. {filled[1]}"
    return None


def _looks_numeric(text: str) -> bool:
    try:
        return parse_int(text) is not None
    except ValueError:
        return False


# What a person may say a column means in the preview (plans/views.py): a role, or a bucket key.
MEANINGS = ("stt", "unit", "total", "note", "schedule", "prior_plan", "prior_actual", "prior_percent", "other")
_BUCKET_KEY = re.compile(r"^(month:(?:[1-9]|1[0-2])|round:(?:[1-9]|1[0-9]|20))$")


def is_meaning(code: str) -> bool:
    return code in MEANINGS or bool(_BUCKET_KEY.match(code))


def apply_meanings(columns: list[Column], meanings: dict[int, str]) -> None:
    """What the person chose in the preview replaces what the header was taken to mean."""
    for column in columns:
        code = meanings.get(column.index)
        if code is None or not is_meaning(code):
            continue
        if _BUCKET_KEY.match(code):
            column.role, column.bucket = "bucket", code
        else:
            column.role, column.bucket, column.bucket_date = code, None, None


def analyse_columns(header: list[list[str]], width: int, meanings: dict[int, str] | None = None) -> list[Column]:
    columns: list[Column] = []
    years: dict[int, int] = {}
    for index, (combined, lowest) in enumerate(combine_header_rows(header, width)):
        folded = fold_words(combined)
        lowest_folded = fold_words(lowest)
        year = re.search(r"\b(20\d\d)\b", folded)
        if year:
            years[index] = int(year.group(1))
        bucket = bucket_from_header(lowest) if lowest else None
        if lowest_folded in STT_HEADERS or folded in STT_HEADERS:
            role = "stt"
        elif lowest_folded in UNIT_HEADERS or folded in UNIT_HEADERS or lowest_folded.startswith("ten don vi"):
            role = "unit"
        elif "ghi chu" in folded:
            role = "note"
        elif "%" in combined or re.search(r"\bt[yi] le\b", folded):
            role = "prior_percent"
        elif re.search(r"\b(thuc hien|ket qua|dat duoc)\b", folded):
            role = "prior_actual"
        elif (
            re.search(r"\b(thoi gian|lich|du kien thoi gian|phan bo theo thang|cac thang|thang tiep nhan)\b", folded)
            and not bucket
        ):
            role = "schedule"
        elif bucket:
            role = "bucket"
        elif re.search(r"\b(tong|cong|so dvm|so don vi mau|chi tieu|ke hoach|so luong|dvm|so nguoi)\b", folded):
            role = "total"
        else:
            role = "other"
        column = Column(index, role, combined)
        if bucket:
            column.bucket, column.bucket_date = bucket
        columns.append(column)
    _split_plan_columns(columns, years)
    apply_meanings(columns, meanings or {})
    if not any(c.role == "unit" for c in columns):
        raise AppendixError("Không nhận ra cột tên đơn vị trong bảng (cần tiêu đề như “Đơn vị” hoặc “Tên đơn vị”).")
    return columns


def _split_plan_columns(columns: list[Column], years: dict[int, int]) -> None:
    """With several plan columns, the one of the latest year is this plan; earlier ones are last year's."""
    totals = [c for c in columns if c.role == "total"]
    if len(totals) < 2:
        return
    dated = [c for c in totals if c.index in years]
    if not dated:
        return
    latest = max(years[c.index] for c in dated)
    for column in dated:
        if years[column.index] < latest:
            column.role = "prior_plan"
    remaining = [c for c in columns if c.role == "total"]
    for extra in remaining[1:]:
        if "tong" not in fold_words(extra.header):
            extra.role = "other"
    remaining = [c for c in columns if c.role == "total"]
    if len(remaining) > 1:  # "Kế hoạch năm 2024" beside "Tổng cộng": the total column wins
        keep = next((c for c in remaining if "tong" in fold_words(c.header)), remaining[-1])
        for column in remaining:
            if column is not keep:
                column.role = "other"
