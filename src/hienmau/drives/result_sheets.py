"""A drive's result sheet (.xlsx and PDF) and the donor list for the collecting facility (.xlsx).

The result sheet follows the plan appendix exports (hienmau.plans.exports, in the format of hienmau.core.lib.documents): A4 portrait, Times New Roman,
Decree 30/2020/NĐ-CP margins, the organiser on the left and the national motto on the right, then the
title, the drive's date and site, one row per mobilising unit and a signature block. `build_result_sheet`
turns a drive into plain data; the renderers only lay it out. Every text cell goes through safe_cell().
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from hienmau.core.clock import today
from hienmau.core.lib.documents import (
    FONT,
    FONT_STACK,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MOTTO,
    MOTTO_2,
    a4_sheet,
    place_date_line,
    safe_cell,
)
from hienmau.core.lib.numbers import format_int
from hienmau.core.lib.text import vietnamese_name_key
from hienmau.drives import services
from hienmau.drives.models import Drive, RegistrationKind, RegistrationStatus

COLUMNS = ("STT", "Đơn vị vận động", "Đăng ký", "Đã hiến", "Tạm hoãn", "Không đến", "Thể tích (ml)")
WIDTHS_MM = (11, 59, 17, 17, 17, 17, 27)  # sums to the 165 mm between the margins


@dataclass
class ResultSheet:
    organiser_lines: list[str]
    place_date: str
    title: str
    drive_line: str
    site_line: str
    facility_line: str
    target_line: str
    rows: list[services.UnitResult]
    total: services.UnitResult


def _place_date(drive: Drive) -> str:
    """'Ân Thi, ngày 09 tháng 7 năm 2021': the organiser's place, dated today."""
    return place_date_line(drive.organiser.document_place, today())


def build_result_sheet(drive: Drive, part: services.DrivePart | None = None) -> ResultSheet:
    """The whole drive, or only `part` (a participating unit's own rows, without the drive's target)."""
    rows, total = services.results(drive, part)
    hours = f"{drive.start_time:%H:%M}" + (f"–{drive.end_time:%H:%M}" if drive.end_time else "")
    site = ", ".join(part for part in (drive.site_name, drive.site_address) if part)
    if drive.target_units and (part is None or part.whole):
        percent = round(total.donated * 100 / drive.target_units)
        target = (
            f"Chỉ tiêu: {format_int(drive.target_units)} đơn vị máu; đã tiếp nhận: "
            f"{format_int(total.donated)} đơn vị máu ({percent}%)."
        )
    else:
        target = f"Đã tiếp nhận: {format_int(total.donated)} đơn vị máu."
    return ResultSheet(
        organiser_lines=[drive.organiser.full_name.upper()],
        place_date=_place_date(drive),
        title="KẾT QUẢ TIẾP NHẬN MÁU",
        drive_line=f"{drive.title} — ngày {drive.date:%d/%m/%Y}, {hours}",
        site_line=f"Địa điểm: {site}" if site else "",
        facility_line=f"Cơ sở tiếp nhận máu: {drive.facility.full_name}" if drive.facility is not None else "",
        target_line=target,
        rows=rows,
        total=total,
    )


def _numbers(row: services.UnitResult) -> list[int]:
    return [row.registered, row.donated, row.deferred, row.no_show, row.volume_ml]


# ---------------------------------------------------------------------------------------------- xlsx


class _Sheet:
    """A few helpers over an openpyxl worksheet: Times New Roman everywhere, text through safe_cell()."""

    def __init__(self, sheet, ncols: int):
        from openpyxl.styles import Alignment, Border, Side

        self.sheet, self.ncols = sheet, ncols
        thin = Side(style="thin", color="000000")
        self.grid = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def put(
        self, row, col, value, *, span=1, bold=False, italic=False, underline=None, pt=12, align=None, border=False
    ):
        from openpyxl.styles import Font

        cell = self.sheet.cell(row=row, column=col, value=safe_cell(value))
        cell.font = Font(name=FONT, size=pt, bold=bold, italic=italic, underline=underline)
        cell.alignment = align or self.centre
        if span > 1:
            self.sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
        if border:
            for k in range(span):
                self.sheet.cell(row=row, column=col + k).border = self.grid
        return cell

    def page_setup(self, last_row: int, *, landscape: bool = False) -> None:
        a4_sheet(self.sheet, landscape=landscape, ncols=self.ncols, last_row=last_row)


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def result_sheet_xlsx(drive: Drive, part: services.DrivePart | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    data = build_result_sheet(drive, part)
    workbook = Workbook()
    out = _Sheet(workbook.active, len(COLUMNS))
    out.sheet.title = "Kết quả"
    for index, width in enumerate(WIDTHS_MM, start=1):
        out.sheet.column_dimensions[get_column_letter(index)].width = round(width / 1.9, 1)
    out.put(1, 1, data.organiser_lines[0], span=2, bold=True)
    out.put(1, 3, MOTTO, span=5, bold=True)
    out.put(2, 3, MOTTO_2, span=5, bold=True, underline="single", pt=13)
    out.put(3, 3, data.place_date, span=5, italic=True, pt=13)
    row = 5
    for text, style in (
        (data.title, {"bold": True, "pt": 14}),
        (data.drive_line, {"bold": True}),
        (data.site_line, {}),
        (data.facility_line, {}),
        (data.target_line, {"italic": True}),
    ):
        if text:
            out.put(row, 1, text, span=len(COLUMNS), **style)
            row += 1
    row += 1
    header_row = row
    for col, label in enumerate(COLUMNS, start=1):
        out.put(row, col, label, bold=True, border=True)
    out.sheet.print_title_rows = f"{header_row}:{header_row}"
    for number, item in enumerate(data.rows, start=1):
        row += 1
        out.put(row, 1, number, border=True)
        out.put(row, 2, item.unit_name, align=out.left, border=True)
        for col, value in enumerate(_numbers(item), start=3):
            out.put(row, col, value, border=True).number_format = "#,##0"
    row += 1
    out.put(row, 1, "", border=True)
    out.put(row, 2, data.total.unit_name, bold=True, border=True)
    for col, value in enumerate(_numbers(data.total), start=3):
        out.put(row, col, value, bold=True, border=True).number_format = "#,##0"
    row += 2
    out.put(row, 1, "ĐẠI DIỆN CƠ SỞ TIẾP NHẬN MÁU", span=3, bold=True)
    out.put(row, 4, "ĐẠI DIỆN ĐƠN VỊ TỔ CHỨC", span=4, bold=True)
    out.put(row + 1, 1, "(Ký, ghi rõ họ tên)", span=3, italic=True)
    out.put(row + 1, 4, "(Ký, ghi rõ họ tên, đóng dấu)", span=4, italic=True)
    out.page_setup(last_row=row + 5)
    return _save(workbook)


# ----------------------------------------------------------------------------------------------- pdf


def result_sheet_html(drive: Drive, part: services.DrivePart | None = None) -> str:
    from django.template.loader import render_to_string

    data = build_result_sheet(drive, part)
    rows = [
        {"stt": index, "name": item.unit_name, "numbers": [format_int(v) for v in _numbers(item)]}
        for index, item in enumerate(data.rows, start=1)
    ]
    return render_to_string(
        "drives/export/result_sheet.html",
        {
            "s": data,
            "rows": rows,
            "total": [format_int(v) for v in _numbers(data.total)],
            "columns": COLUMNS,
            "widths": WIDTHS_MM,
            "motto": MOTTO,
            "motto_2": MOTTO_2,
            "font_stack": ", ".join(FONT_STACK),
            "margins": f"{MARGIN_TOP}mm {MARGIN_RIGHT}mm {MARGIN_BOTTOM}mm {MARGIN_LEFT}mm",
        },
    )


def result_sheet_pdf(drive: Drive, part: services.DrivePart | None = None) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Nothing is fetched from outside (fonts come from fontconfig): refuse every URL, file:// included.
    return HTML(string=result_sheet_html(drive, part), url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


# -------------------------------------------------------------------------------- facility donor list

FACILITY_COLUMNS = ("STT", "Họ và tên", "Năm sinh", "Giới tính", "Đơn vị", "Hình thức", "Trạng thái")
FACILITY_WIDTHS = (6, 28, 10, 10, 36, 16, 16)  # characters


def facility_rows(drive: Drive) -> list[list]:
    """One line per registrant, grouped by mobilising unit, names in Vietnamese order within a unit."""
    registrations = drive.registrations.select_related("unit", "donor")
    no_unit = "Tự đăng ký / đến trực tiếp"

    def key(registration):
        unit = registration.unit.full_name if registration.unit_id else "\uffff"
        return (unit, vietnamese_name_key(registration.full_name))

    kinds = dict(RegistrationKind.choices)
    statuses = dict(RegistrationStatus.choices)
    rows = []
    for index, registration in enumerate(sorted(registrations, key=key), start=1):
        donor = registration.donor
        rows.append(
            [
                index,
                registration.full_name,
                donor.date_of_birth.year if donor and donor.date_of_birth else None,
                donor.get_sex_display() if donor and donor.sex else "",
                registration.unit.full_name if registration.unit is not None else no_unit,
                str(kinds.get(registration.kind, registration.kind)),
                str(statuses.get(registration.status, registration.status)),
            ]
        )
    return rows


def facility_list_xlsx(drive: Drive) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    out = _Sheet(workbook.active, len(FACILITY_COLUMNS))
    out.sheet.title = "Danh sách"
    for index, width in enumerate(FACILITY_WIDTHS, start=1):
        out.sheet.column_dimensions[get_column_letter(index)].width = width
    ncols = len(FACILITY_COLUMNS)
    out.put(1, 1, "DANH SÁCH NGƯỜI HIẾN MÁU", span=ncols, bold=True, pt=14)
    out.put(2, 1, f"{drive.title} — ngày {drive.date:%d/%m/%Y}", span=ncols, bold=True)
    facility = f"Cơ sở tiếp nhận máu: {drive.facility.full_name}" if drive.facility is not None else ""
    out.put(3, 1, ", ".join(p for p in (f"Địa điểm: {drive.site_name}", facility) if p), span=ncols, italic=True)
    header = 5
    for col, label in enumerate(FACILITY_COLUMNS, start=1):
        out.put(header, col, label, bold=True, border=True)
    out.sheet.print_title_rows = f"{header}:{header}"
    out.sheet.freeze_panes = f"A{header + 1}"
    row = header
    for row, values in enumerate(facility_rows(drive), start=header + 1):
        for col, value in enumerate(values, start=1):
            out.put(row, col, value, border=True, align=out.left if col in (2, 5) else out.centre)
    out.page_setup(last_row=row, landscape=True)
    return _save(workbook)
