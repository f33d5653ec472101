"""Reading a sheet of facilities' monthly needs: facility, month, blood units (and optionally a blood
group). Pure: rows of strings in, rows and findings out; the importer matches facilities and stores.

The header is found by the one header finder (title rows above it skipped, two-row headers combined);
months are read by the one date reader (`parse_month`: "01/2025", "Tháng 1/2025", "2025-01", a date cell);
numbers by the one number reader. A total row ("Tổng cộng", "Cộng") and blank or note rows under the
table are skipped. A row that cannot be read becomes a finding naming its line and column, and is not
stored; the others are.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from hienmau.core.lib import findings as F
from hienmau.core.lib.blood import parse_blood_group
from hienmau.core.lib.dates import parse_month
from hienmau.core.lib.findings import Finding
from hienmau.core.lib.headers import find_header
from hienmau.core.lib.numbers import parse_count
from hienmau.core.lib.text import fold_words

SYNONYMS = {
    "facility": (
        "co so tiep nhan",
        "co so tiep nhan mau",
        "ten co so tiep nhan",
        "co so",
        "ten co so",
        "co so y te",
        "benh vien",
        "ten benh vien",
        "ma co so",
        "noi tiep nhan",
        "don vi tiep nhan",
        "facility",
    ),
    "month": ("thang", "thang nam", "thoi gian", "ky", "month"),
    "units": (
        "so don vi mau",
        "nhu cau",
        "so don vi mau can",
        "nhu cau don vi mau",
        "nhu cau mau",
        "so luong",
        "don vi mau",
        "dvm",
        "so dvm",
        "units",
    ),
    "group": ("nhom mau", "blood group", "group"),
}
REQUIRED = ("facility", "month", "units")
LABELS = {"facility": "Cơ sở tiếp nhận", "month": "Tháng", "units": "Số đơn vị máu", "group": "Nhóm máu"}
_TOTAL = re.compile(r"^(?:tong cong|tong|cong|total)\b")


@dataclass(frozen=True)
class NeedRow:
    line: int  # as the sheet shows it
    facility: str  # as written
    month: datetime.date  # first day
    units: int
    group: str = ""  # "O+", "AB-", … ; "" for every group


def parse_rows(rows: Sequence[Sequence[str]]) -> tuple[list[NeedRow], list[Finding]]:
    search = find_header(rows, SYNONYMS, REQUIRED)
    if search.header is None:
        missing = ", ".join(LABELS[name] for name in search.missing(REQUIRED))
        return [], [
            Finding(
                F.HEADER,
                None,
                "",
                f"Không thấy dòng tiêu đề có các cột Cơ sở tiếp nhận, Tháng, Số đơn vị máu (thiếu: {missing}).",
            )
        ]
    columns = search.header.columns
    found: list[NeedRow] = []
    problems: list[Finding] = []
    for index in range(search.header.data_from, len(rows)):
        row = rows[index]
        line = index + 1

        def cell(name: str, row=row) -> str:
            position = columns.get(name)
            return row[position].strip() if position is not None and position < len(row) else ""

        facility, month_text, units_text = cell("facility"), cell("month"), cell("units")
        if _TOTAL.match(fold_words(facility)) or not (month_text or units_text):
            continue  # a total row, a blank row, a note under the table
        row_problems: list[Finding] = []
        if not facility:
            row_problems.append(Finding(F.MISSING, line, LABELS["facility"], "thiếu tên hoặc mã cơ sở tiếp nhận"))
        month = None
        try:
            month = parse_month(month_text)
        except ValueError as exc:
            row_problems.append(Finding(F.INVALID_DATE, line, LABELS["month"], str(exc)))
        if month is None and month_text == "":
            row_problems.append(Finding(F.MISSING, line, LABELS["month"], "thiếu tháng"))
        units = None
        try:
            units = parse_count(units_text)
        except ValueError as exc:
            code = F.NEGATIVE_NUMBER if "là số âm" in str(exc) else F.INVALID_VALUE
            row_problems.append(Finding(code, line, LABELS["units"], str(exc)))
        if units is None and not units_text:
            row_problems.append(Finding(F.MISSING, line, LABELS["units"], "thiếu số đơn vị máu"))
        group = ""
        if cell("group"):
            parsed = parse_blood_group(cell("group"))
            if parsed is None or not parsed[0]:
                row_problems.append(
                    Finding(F.INVALID_VALUE, line, LABELS["group"], f"“{cell('group')}” không phải nhóm máu")
                )
            else:
                group = f"{parsed[0]}{parsed[1]}"
        if row_problems or month is None or units is None:
            problems += row_problems
            continue
        found.append(NeedRow(line, facility, month, units, group))
    if not found and not problems:
        problems.append(Finding(F.NO_DATA, None, "", "Bảng không có dòng nhu cầu nào."))
    return found, problems


def drop_duplicates(rows: Sequence[NeedRow], key: Callable[[NeedRow], Hashable]) -> tuple[list[NeedRow], list[Finding]]:
    """Rows that name the same facility, month and group more than once (after the facility is known):
    a repeat with the same figure is not stored again; repeats that disagree are all left out, since the
    sheet does not say which figure is right."""
    groups: dict[Hashable, list[NeedRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    kept: list[NeedRow] = []
    problems: list[Finding] = []
    for same in groups.values():
        first = same[0]
        if all(row.units == first.units for row in same):
            kept.append(first)
            problems += [
                Finding(
                    F.DUPLICATE,
                    row.line,
                    "",
                    f"trùng với dòng {first.line} (cùng cơ sở, cùng tháng); không lưu lần nữa",
                )
                for row in same[1:]
            ]
        else:
            lines = ", ".join(str(row.line) for row in same)
            problems += [
                Finding(
                    F.DUPLICATE,
                    row.line,
                    LABELS["units"],
                    f"các dòng {lines} cùng cơ sở, cùng tháng nhưng khác số đơn vị máu; chưa lưu dòng nào, "
                    "hãy giữ lại một dòng đúng",
                )
                for row in same
            ]
    kept.sort(key=lambda row: row.line)
    return kept, problems
