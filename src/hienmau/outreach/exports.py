"""A plan's budget, estimate against actual, as .xlsx, .docx and PDF in the official format (Decree 30: the
issuing body and the motto, the place-and-date line, Times New Roman, A4), through core/lib/documents.py
and core/lib/word.py as every other export."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from hienmau.core.clock import today
from hienmau.core.lib import word
from hienmau.core.lib.documents import FONT, FONT_STACK, MOTTO, MOTTO_2, a4_sheet, place_date_line, safe_cell
from hienmau.core.lib.numbers import format_int
from hienmau.core.lib.word import USABLE_W
from hienmau.outreach.budget import PlanBudget
from hienmau.outreach.models import FundingSource
from hienmau.reports.exports import issuer_lines

TITLE = "BẢNG SO SÁNH DỰ TOÁN VÀ THỰC HIỆN KINH PHÍ"
CATEGORY_HEADER = ["STT", "Nội dung chi", "Dự toán (đồng)", "Thực hiện (đồng)", "Chênh lệch (đồng)", "Tỉ lệ %"]
SOURCE_HEADER = ["STT", "Nguồn kinh phí", "Dự toán (đồng)", "Đã nhận (đồng)", "Đã chi (đồng)", ""]


@dataclass
class Sheet:
    issuer: list[str]
    place_date: str
    title: str
    subtitle: str
    categories: list[list[str]]
    sources: list[list[str]]
    notes: list[str]


def _money(value: int | None) -> str:
    return "" if value is None else format_int(value)


def _percent(value) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def sheet(data: PlanBudget) -> Sheet:
    plan, comparison = data.plan, data.comparison
    categories = [
        [
            str(i),
            data.category_label(r.key),
            _money(r.estimate),
            _money(r.actual),
            _money(r.difference),
            _percent(r.percent),
        ]
        for i, r in enumerate(comparison.by_category, start=1)
    ]
    categories.append(
        [
            "",
            "Tổng cộng",
            _money(comparison.estimate),
            _money(comparison.actual),
            _money(comparison.actual - comparison.estimate),
            _percent(comparison.percent),
        ]
    )
    sources = [
        [
            str(i),
            data.source_label(r.source),
            _money(r.estimate),
            "" if r.source == FundingSource.STATE else _money(r.received),  # the state pays what it pays for
            _money(r.spent),
            "",
        ]
        for i, r in enumerate(comparison.by_source, start=1)
    ]
    first, last = data.period
    notes = [
        f"Số đơn vị máu tiếp nhận trong kỳ: {format_int(comparison.units)}.",
        "Chi phí bình quân cho một đơn vị máu: "
        + (f"{format_int(comparison.cost_per_unit)} đồng." if comparison.cost_per_unit is not None else "chưa có."),
        f"Hỗ trợ người hiến máu theo Thông tư số 15/2023/TT-BYT (từ dữ liệu hiến máu): {format_int(comparison.benefits)} đồng.",
        "Ngân sách nhà nước chi theo Thông tư số 182/2009/TT-BTC ngày 14/9/2009 của Bộ Tài chính.",
    ]
    reference = f"Kế hoạch số {plan.reference}" if plan.reference else "Kế hoạch"
    return Sheet(
        issuer=issuer_lines(plan),
        place_date=place_date_line(plan.issuing_unit.document_place, today()),
        title=TITLE,
        subtitle=f"({reference}: {plan.title}; từ {first:%d/%m/%Y} đến {last:%d/%m/%Y})",
        categories=categories,
        sources=sources,
        notes=notes,
    )


def budget_xlsx(data: PlanBudget) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    found = sheet(data)
    book = Workbook()
    ws = book.active
    ws.title = "Dự toán và thực hiện"
    bold, plain = Font(name=FONT, bold=True, size=12), Font(name=FONT, size=12)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    issuer = found.issuer + [""] * max(0, 2 - len(found.issuer))
    rows: list[list] = [
        [issuer[0], "", "", MOTTO],
        [issuer[1], "", "", MOTTO_2],
        *([line] for line in issuer[2:]),
        ["", "", "", found.place_date],
        [],
        [found.title],
        [found.subtitle],
        [],
    ]
    tables = []
    for header, body in ((CATEGORY_HEADER, found.categories), (SOURCE_HEADER, found.sources)):
        start = len(rows) + 1
        rows.append(header)
        rows.extend(body)
        tables.append((start, len(rows)))
        rows.append([])
    rows.extend([note] for note in found.notes)
    for row in rows:
        ws.append([safe_cell(value) for value in row])
    for row in ws.iter_rows():
        for cell in row:
            cell.font = plain
    for r in (1, 2, len(found.issuer) + 3, len(found.issuer) + 4):
        for cell in ws[r]:
            cell.font = bold
    for start, end in tables:
        for r in range(start, end + 1):
            for c in range(1, 7):
                cell = ws.cell(row=r, column=c)
                cell.border = box
                if r == start or (r == end and start == tables[0][0]):
                    cell.font = bold
                if c > 2 and r > start:
                    cell.alignment = Alignment(horizontal="right")
                if r == start:
                    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for width, letter in zip((6, 46, 18, 18, 18, 10), "ABCDEF", strict=True):
        ws.column_dimensions[letter].width = width
    a4_sheet(ws, landscape=False, ncols=6, last_row=len(rows))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def budget_docx(data: PlanBudget) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt

    found = sheet(data)
    size = 12
    document = Document()
    word.defaults(document, size)
    text = functools.partial(word.write, size=size)

    head = document.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.no_borders(head)
    word.widths(head, [Mm(70), Mm(USABLE_W - 70)])
    text(head.cell(0, 0).paragraphs[0], "\n".join(found.issuer), bold=True, pt=size - 1)
    word.rule(head.cell(0, 0).add_paragraph(), width_mm=70, rule_mm=25)
    text(head.cell(0, 1).paragraphs[0], MOTTO, bold=True, pt=size - 1)
    text(head.cell(0, 1).add_paragraph(), MOTTO_2, bold=True, underline=True)
    text(head.cell(1, 1).paragraphs[0], found.place_date, italic=True)
    title = text(document.add_paragraph(), found.title, bold=True, pt=size + 2)
    title.paragraph_format.space_before = Pt(18)
    text(document.add_paragraph(), found.subtitle, italic=True)
    for header, body in ((CATEGORY_HEADER, found.categories), (SOURCE_HEADER[:5], found.sources)):
        ncols = len(header)
        table = document.add_table(rows=1 + len(body), cols=ncols)
        table.style = document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        fixed = [10, 0, 30, 30, 30, 16][:ncols]
        word.widths(table, [Mm(w or USABLE_W - sum(fixed)) for w in fixed])
        for c, value in enumerate(header):
            text(table.cell(0, c).paragraphs[0], value, bold=True)
        word.row_flags(table.rows[0], header=True)
        for r, values in enumerate(body, start=1):
            total = values[1] == "Tổng cộng"
            word.row_flags(table.rows[r], header=False)
            for c, value in enumerate(values[:ncols]):
                align = "left" if c == 1 and not total else ("right" if c > 1 else "center")
                text(table.cell(r, c).paragraphs[0], value, bold=total, align=align)
        document.add_paragraph()
    for note in found.notes:
        text(document.add_paragraph(), note, align="left")
    word.page_numbers(document.sections[0].footer.paragraphs[0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def budget_pdf(data: PlanBudget) -> bytes:
    """The same table as a PDF (WeasyPrint over an HTML template, as every PDF export)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    context = {
        "sheet": sheet(data),
        "motto": MOTTO,
        "motto_2": MOTTO_2,
        "font_stack": ", ".join(FONT_STACK),
        "category_header": CATEGORY_HEADER,
        "source_header": SOURCE_HEADER[:5],
    }
    with translation.override("vi"):
        html = render_to_string("outreach/budget_pdf.html", context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
