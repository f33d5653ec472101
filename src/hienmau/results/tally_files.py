"""Writing a tally the way a hospital keeps it (title block, merged two-row header, a total row, notes),
as .xlsx or .csv. The demo data and the tests build their files with it; nothing here is read back."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from hienmau.core.lib.documents import MOTTO, MOTTO_2

HEADER_TOP = [
    "STT",
    "Đơn vị tổ chức",
    "Ngày tiếp nhận",
    "Số người đăng ký",
    "Số đơn vị máu tiếp nhận",
    "",
    "",
    "",
    "Ghi chú",
]
HEADER_SUB = ["", "", "", "", "Tổng số", "Trong đó: 250 ml", "350 ml", "450 ml", ""]


@dataclass
class TallyLine:
    unit: str
    day: datetime.date | str  # a date (an Excel date cell) or the text as typed
    registered: int | None
    collected: int | None
    v250: int | None = None
    v350: int | None = None
    v450: int | None = None
    note: str = ""


def _title(facility: str, plan_line: str, period: str) -> list[list]:
    return [
        ["SỞ Y TẾ TỈNH KIÊN GIANG", "", "", "", MOTTO],
        [facility.upper(), "", "", "", MOTTO_2],
        [],
        ["BÁO CÁO KẾT QUẢ TIẾP NHẬN MÁU TÌNH NGUYỆN"],
        [plan_line],
        [period],
        [],
    ]


def tally_table(
    lines: list[TallyLine], *, facility: str, plan_line: str, period: str, stated_total: int | None = None
) -> tuple[list[list], int]:
    """All rows of the sheet, and the index of the first header row."""
    rows = _title(facility, plan_line, period)
    header = len(rows)
    rows += [HEADER_TOP, HEADER_SUB]
    for number, line in enumerate(lines, start=1):
        rows.append(
            [number, line.unit, line.day, line.registered, line.collected, line.v250, line.v350, line.v450, line.note]
        )
    total = stated_total if stated_total is not None else sum(line.collected or 0 for line in lines)
    rows.append(["Tổng cộng", "", "", sum(line.registered or 0 for line in lines), total, "", "", "", ""])
    rows += [
        [],
        ["Ghi chú: số liệu theo sổ tiếp nhận máu của khoa Huyết học - Truyền máu."],
        ["", "", "", "", "", "NGƯỜI LẬP BIỂU", "", "GIÁM ĐỐC"],
    ]
    return rows, header


def tally_xlsx(lines: list[TallyLine], **kwargs) -> bytes:
    from openpyxl import Workbook

    rows, header = tally_table(lines, **kwargs)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value in ("", None):
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
    first = header + 1
    for col in (1, 2, 3, 4, 9):  # STT, unit, date, registered, notes span both header rows
        sheet.merge_cells(start_row=first, start_column=col, end_row=first + 1, end_column=col)
    sheet.merge_cells(start_row=first, start_column=5, end_row=first, end_column=8)
    for r in (4, 5, 6):
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=9)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tally_csv(lines: list[TallyLine], **kwargs) -> bytes:
    rows, _header = tally_table(lines, **kwargs)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else (f"{v:%d/%m/%Y}" if isinstance(v, datetime.date) else v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
