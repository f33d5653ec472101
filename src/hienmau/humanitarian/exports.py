"""The drive's report as an official document (Decree 30/2020: A4 landscape, Times New Roman, the issuing
body and the national motto, the place-and-date line): one table model, laid out as .xlsx and .docx with
the shared pieces of core/lib/documents.py and core/lib/word.py."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from hienmau.core.lib import word
from hienmau.core.lib.documents import (
    DOCX_MIME,
    FONT,
    MOTTO,
    MOTTO_2,
    XLSX_MIME,
    a4_sheet,
    issuing_body,
    place_date_line,
    safe_cell,
)
from hienmau.core.lib.numbers import format_int
from hienmau.core.lib.word import USABLE_W
from hienmau.orgs.models import UnitKind

TITLE = "BÁO CÁO KẾT QUẢ CUỘC VẬN ĐỘNG\n“MỖI TỔ CHỨC, MỖI CÁ NHÂN GẮN VỚI MỘT ĐỊA CHỈ NHÂN ĐẠO”"
HEADER = [
    "STT",
    "Xã, phường",
    "Thuộc",
    "Ưu tiên",
    "Số hồ sơ",
    "Địa chỉ đã xác lập",
    "Đã được hỗ trợ",
    "Nhà tài trợ",
    "Giá trị cam kết (đồng)",
    "Giá trị đã trao (đồng)",
    "Thẻ BHYT đã trao",
]
TARGET_HEADER = ["STT", "Đơn vị", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỉ lệ %"]


@dataclass
class Table:
    issuer: list[str]
    place_date: str
    subtitle: str
    rows: list[list[str]]
    total: list[str]
    targets: list[list[str]]
    note: str


def _n(value: int) -> str:
    return format_int(value) if value else "0"


def table(context: dict) -> Table:
    unit = context["scope_unit"]
    plan = context["plan"]
    rows = []
    for index, line in enumerate(context["lines"], start=1):
        c = line.coverage
        rows.append(
            [
                str(index),
                line.name + (f"\n(nay: {', '.join(line.today)})" if line.today else ""),
                line.parent_name,
                "Ưu tiên" if line.priority else "",
                _n(c.recorded),
                _n(c.established),
                _n(c.supported),
                _n(c.sponsors),
                _n(c.promised),
                _n(c.delivered),
                _n(c.cards),
            ]
        )
    t = context["total"]
    total = ["", "Tổng cộng", "", ""] + [
        _n(v) for v in (t.recorded, t.established, t.supported, t.sponsors, t.promised, t.delivered, t.cards)
    ]
    targets: list[list[str]] = []
    for achievement in context["targets"]:
        for line in achievement.report.lines:
            allocation = achievement.allocations[line.key]
            targets.append(
                [
                    str(len(targets) + 1),
                    line.name,
                    str(allocation.get_metric_display()),
                    _n(line.target or 0),
                    _n(line.result.collected),
                    str(line.percent).replace(".", ",") if line.percent is not None else "",
                ]
            )
    reasons = sorted({r for line in context["lines"] for r in line.reasons})
    note = ("Địa bàn ưu tiên: " + "; ".join(reasons)) if reasons else ""
    subtitle = f"(Tính đến ngày {context['today']:%d/%m/%Y}"
    subtitle += f"; thực hiện Kế hoạch số {plan.reference})" if plan is not None and plan.reference else ")"
    return Table(
        issuing_body("BC-HCTĐ", unit.full_name, organisation=unit.kind == UnitKind.ORGANISATION),
        place_date_line(unit.document_place, context["today"]),
        subtitle,
        rows,
        total,
        targets,
        note,
    )


def render(context: dict, fmt: str) -> tuple[bytes, str]:
    data = table(context)
    if fmt == "xlsx":
        return xlsx(data), XLSX_MIME
    return docx(data), DOCX_MIME


def xlsx(data: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Địa chỉ nhân đạo"
    bold, plain = Font(name=FONT, bold=True, size=12), Font(name=FONT, size=12)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    issuer = [line.upper() for line in data.issuer]
    rows: list[list] = [[issuer[0], "", "", "", "", "", MOTTO], [" ".join(issuer[1:]), "", "", "", "", "", MOTTO_2]]
    rows += [
        ["", "", "", "", "", "", data.place_date],
        [],
        *[[line] for line in TITLE.split("\n")],
        [data.subtitle],
        [],
    ]
    header_at = len(rows) + 1
    rows += [HEADER, *data.rows, data.total]
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for cell in sheet[1] + sheet[2]:
        cell.font = bold
    last = header_at + len(data.rows) + 1
    fill = PatternFill("solid", fgColor="FDE2E4")
    for r in range(header_at, last + 1):
        for c in range(1, len(HEADER) + 1):
            cell = sheet.cell(r, c)
            cell.border = box
            cell.font = bold if r in (header_at, last) else plain
            cell.alignment = Alignment(
                wrap_text=True, vertical="center", horizontal="left" if c in (2, 3) else "center"
            )
            if header_at < r < last and sheet.cell(r, 4).value:
                cell.fill = fill  # the priority communes stand out
    if data.targets:
        sheet.append([])
        sheet.append(["Chỉ tiêu được giao và kết quả"])
        start = sheet.max_row + 1
        for row in [TARGET_HEADER, *data.targets]:
            sheet.append([safe_cell(v) for v in row])
        for r in range(start, sheet.max_row + 1):
            for c in range(1, len(TARGET_HEADER) + 1):
                sheet.cell(r, c).border = box
                sheet.cell(r, c).font = bold if r == start else plain
    if data.note:
        sheet.append([])
        sheet.append([safe_cell(data.note)])
    for letter, width in zip("ABCDEFGHIJK", (6, 28, 24, 10, 10, 12, 12, 12, 18, 18, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    a4_sheet(sheet, landscape=True, ncols=len(HEADER), last_row=sheet.max_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(data: Table) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    size = 11
    document = Document()
    word.defaults(document, size)
    word.landscape_a4(document.sections[0])

    text = functools.partial(word.write, size=size)

    def shade(cell):
        properties = cell._tc.get_or_add_tcPr()
        fill = OxmlElement("w:shd")
        fill.set(qn("w:val"), "clear")
        fill.set(qn("w:fill"), "FDE2E4")
        properties.append(fill)

    head = document.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.no_borders(head)
    word.widths(head, [Mm(100), Mm(USABLE_W - 100)])
    text(head.cell(0, 0).paragraphs[0], "\n".join(line.upper() for line in data.issuer), bold=True)
    word.rule(head.cell(0, 0).add_paragraph(), width_mm=100, rule_mm=35)
    text(head.cell(0, 1).paragraphs[0], MOTTO, bold=True)
    text(head.cell(0, 1).add_paragraph(), MOTTO_2, bold=True, underline=True, pt=size + 1)
    text(head.cell(1, 1).paragraphs[0], data.place_date, italic=True, pt=size + 1)
    title = text(document.add_paragraph(), TITLE, bold=True, pt=size + 2)
    title.paragraph_format.space_before = Pt(18)
    text(document.add_paragraph(), data.subtitle, italic=True)

    def grid(header: list[str], rows: list[list[str]], widths: list[float], priority_col: int | None = None):
        table = document.add_table(rows=1 + len(rows), cols=len(header))
        table.style = document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        word.widths(table, [Mm(w) for w in widths])
        for col, value in enumerate(header):
            text(table.cell(0, col).paragraphs[0], value, bold=True)
        word.row_flags(table.rows[0], header=True)
        for r, row in enumerate(rows, start=1):
            is_total = row[0] == "" and row[1] == "Tổng cộng"
            for col, value in enumerate(row):
                cell = table.cell(r, col)
                text(cell.paragraphs[0], value, bold=is_total, align="left" if col in (1, 2) else "center")
                if priority_col is not None and row[priority_col]:
                    shade(cell)
            word.row_flags(table.rows[r], header=False)

    rest = USABLE_W - (12 + 18 + 15 + 17 + 17 + 17 + 24 + 24 + 17)
    grid(HEADER, [*data.rows, data.total], [12, rest * 0.55, rest * 0.45, 18, 15, 17, 17, 17, 24, 24, 17], 3)
    if data.targets:
        text(document.add_paragraph(), "Chỉ tiêu được giao và kết quả", bold=True).paragraph_format.space_before = Pt(
            12
        )
        grid(TARGET_HEADER, data.targets, [12, USABLE_W - 12 - 70 - 60, 70, 20, 20, 20])
    if data.note:
        text(document.add_paragraph(), data.note, italic=True, align="left")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
