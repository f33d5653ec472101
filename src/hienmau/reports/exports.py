"""The comparison table provinces circulate (the annex of seed 002): per unit, last year's plan, actual
and %, this year's plan and its schedule by bucket, and this year's result so far. Built from the data
as plain rows, then laid out as .xlsx in Decree 30/2020 form (A4 landscape, Times New Roman, the
issuing body on the left and the national motto on the right). Every text cell goes through safe_cell()."""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass

from hienmau.core.lib import word
from hienmau.core.lib.documents import (
    FONT,
    FONT_STACK,
    MOTTO,
    MOTTO_2,
    issuing_body,
    place_date_line,
    safe_cell,
)
from hienmau.core.lib.numbers import format_int
from hienmau.core.lib.word import USABLE_W
from hienmau.orgs.models import UnitKind
from hienmau.orgs.scoping import reach_paths
from hienmau.plans.models import Plan
from hienmau.reports import services
from hienmau.results.lib import rules

# Decree 30 margins (mm): top/bottom 20, left 30, right 15.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


@dataclass
class ComparisonRow:
    name: str
    prior_plan: int | None
    prior_actual: int | None
    prior_percent: float | None
    plan: int | None
    schedule: list[int | None]
    result: int
    percent: float | None


@dataclass
class Comparison:
    plan: Plan
    year: int
    bucket_labels: list[str]
    rows: list[ComparisonRow]
    total: ComparisonRow
    as_of: datetime.date


def issuer_lines(plan: Plan) -> list[str]:
    """The issuing body at the top left, upper case (Decree 30): the body the plan's number names, then
    the unit ("BAN CHỈ ĐẠO VẬN ĐỘNG / HIẾN MÁU TÌNH NGUYỆN / TỈNH KIÊN GIANG")."""
    unit = plan.issuing_unit
    return [
        line.upper()
        for line in issuing_body(plan.suffix, unit.full_name, organisation=unit.kind == UnitKind.ORGANISATION)
    ]


COMPARISON_TITLE = "BẢNG SO SÁNH KẾT QUẢ VÀ KẾ HOẠCH HIẾN MÁU TÌNH NGUYỆN"


def comparison_subtitle(plan: Plan, as_of: datetime.date) -> str:
    reference = f"Kế hoạch số {plan.reference}" if plan.reference else plan.title
    return f"(Kèm theo {reference}; số liệu đến ngày {as_of:%d/%m/%Y})"


def _prior(allocation, year: int) -> tuple[int | None, int | None]:
    """Last year's plan and actual for the unit: as the appendix wrote them, else from the data."""
    if allocation.prior_plan is not None or allocation.prior_actual is not None:
        return allocation.prior_plan, allocation.prior_actual
    if allocation.unit_id is None:
        return None, None
    target, _months = services.unit_targets(allocation.unit, year - 1)
    found = services.figures(
        reach_paths(allocation.unit), datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31)
    )
    actual = sum(f.counts.collected for f in found)
    return target, (actual if found or target else None)


def _percent(result, target) -> float | None:
    value = rules.percent(result or 0, target) if result is not None else None
    return float(value) if value is not None else None


def build_comparison(plan: Plan) -> Comparison:
    data = services.plan_achievement(plan)
    year = data.period.start.year if data.period else (plan.date.year if plan.date else data.as_of.year)
    rows = []
    for line in data.report.lines:
        allocation = data.allocations[line.key]
        prior_plan, prior_actual = _prior(allocation, year)
        rows.append(
            ComparisonRow(
                name=line.name,
                prior_plan=prior_plan,
                prior_actual=prior_actual,
                prior_percent=(
                    float(allocation.prior_percent)
                    if allocation.prior_percent is not None
                    else _percent(prior_actual, prior_plan)
                ),
                plan=line.target,
                schedule=[line.cells.get(b.key) for b in data.buckets],
                result=line.result.collected,
                percent=_percent(line.result.collected, line.target),
            )
        )

    def total(attr):
        values = [getattr(r, attr) for r in rows if getattr(r, attr) is not None]
        return sum(values) if values else None

    prior_plan, prior_actual = total("prior_plan"), total("prior_actual")
    total_row = ComparisonRow(
        "Tổng cộng",
        prior_plan,
        prior_actual,
        _percent(prior_actual, prior_plan),
        data.report.total_target,
        [sum(r.schedule[i] or 0 for r in rows) for i in range(len(data.buckets))],
        data.report.total.collected,
        _percent(data.report.total.collected, data.report.total_target),
    )
    return Comparison(plan, year, [b.label for b in data.buckets], rows, total_row, data.as_of)


def _shown(value):
    if value is None:
        return None
    if isinstance(value, float):
        return round(value, 1)
    return value


def comparison_xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    data = build_comparison(plan)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So sánh"
    n_buckets = len(data.bucket_labels)
    ncols = 1 + 1 + 3 + 1 + n_buckets + 2
    thin = Side(style="thin", color="000000")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)

    def put(row, col, value, *, span=1, rowspan=1, bold=False, italic=False, pt=12, align=centre, border=False):
        cell = sheet.cell(row=row, column=col, value=safe_cell(value))
        cell.font = Font(name=FONT, size=pt, bold=bold, italic=italic)
        cell.alignment = align
        if span > 1 or rowspan > 1:
            sheet.merge_cells(start_row=row, start_column=col, end_row=row + rowspan - 1, end_column=col + span - 1)
        if border:
            for r in range(row, row + rowspan):
                for c in range(col, col + span):
                    sheet.cell(row=r, column=c).border = grid
        return cell

    half = max(ncols // 2, 2)
    put(1, 1, "\n".join(issuer_lines(plan)), span=half, bold=True)
    sheet.row_dimensions[1].height = 16 * len(issuer_lines(plan))
    put(1, half + 1, MOTTO, span=ncols - half, bold=True)
    put(2, half + 1, MOTTO_2, span=ncols - half, bold=True, pt=13)
    put(4, 1, COMPARISON_TITLE, span=ncols, bold=True, pt=14)
    put(5, 1, comparison_subtitle(plan, data.as_of), span=ncols, italic=True)
    top, sub = 7, 8
    put(top, 1, "STT", rowspan=2, bold=True, border=True)
    put(top, 2, "Đơn vị", rowspan=2, bold=True, border=True)
    put(top, 3, f"Năm {data.year - 1}", span=3, bold=True, border=True)
    for offset, label in enumerate(("Kế hoạch", "Thực hiện", "Tỉ lệ %")):
        put(sub, 3 + offset, label, bold=True, border=True)
    put(top, 6, f"Kế hoạch năm {data.year}", span=1 + n_buckets, bold=True, border=True)
    put(sub, 6, "Tổng", bold=True, border=True)
    for index, label in enumerate(data.bucket_labels):
        put(sub, 7 + index, label, bold=True, border=True)
    result_col = 7 + n_buckets
    put(top, result_col, "Thực hiện đến nay", span=2, bold=True, border=True)
    put(sub, result_col, "Số đơn vị máu", bold=True, border=True)
    put(sub, result_col + 1, "Tỉ lệ %", bold=True, border=True)
    row = sub
    for number, item in enumerate([*data.rows, data.total], start=1):
        row += 1
        is_total = item is data.total
        put(row, 1, "" if is_total else number, border=True, bold=is_total)
        put(row, 2, item.name, border=True, align=left, bold=is_total)
        values = [
            item.prior_plan,
            item.prior_actual,
            item.prior_percent,
            item.plan,
            *item.schedule,
            item.result,
            item.percent,
        ]
        for col, value in enumerate(values, start=3):
            cell = put(row, col, _shown(value), border=True, bold=is_total)
            cell.number_format = "0.0" if isinstance(value, float) else "#,##0"
    widths = [6, 36, 10, 10, 9, 10, *[10] * n_buckets, 12, 9]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    inch = 25.4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        left=MARGINS_MM["left"] / inch,
        right=MARGINS_MM["right"] / inch,
        top=MARGINS_MM["top"] / inch,
        bottom=MARGINS_MM["bottom"] / inch,
    )
    sheet.print_title_rows = f"{top}:{sub}"
    sheet.print_area = f"A1:{get_column_letter(ncols)}{row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return format_int(value)


def comparison_html(plan: Plan) -> str:
    from django.template.loader import render_to_string

    data = build_comparison(plan)
    rows = []
    for number, item in enumerate([*data.rows, data.total], start=1):
        is_total = item is data.total
        values = [item.prior_plan, item.prior_actual, item.prior_percent, item.plan, *item.schedule]
        rows.append(
            {
                "stt": "" if is_total else number,
                "name": item.name,
                "total": is_total,
                "values": [_text(v) for v in [*values, item.result, item.percent]],
            }
        )
    return render_to_string(
        "reports/export/comparison.html",
        {
            "title": COMPARISON_TITLE,
            "subtitle": comparison_subtitle(plan, data.as_of),
            "issuer_lines": issuer_lines(plan),
            "motto": MOTTO,
            "motto_2": MOTTO_2,
            "year": data.year,
            "prior_year": data.year - 1,
            "buckets": data.bucket_labels,
            "plan_span": 1 + len(data.bucket_labels),
            "rows": rows,
            "font_stack": ", ".join(FONT_STACK),
            "margins": f"{MARGINS_MM['top']}mm {MARGINS_MM['right']}mm {MARGINS_MM['bottom']}mm {MARGINS_MM['left']}mm",
        },
    )


def comparison_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Nothing is fetched from outside (fonts come from fontconfig): refuse every URL.
    return HTML(string=comparison_html(plan), url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


# --- Word ----------------------------------------------------------------------------------------

MAX_SCHEDULE_COLUMNS = 6  # beyond this the schedule is one text column, as seed 002's annex writes it


def schedule_text(labels: list[str], values: list[int | None]) -> str:
    """'Tháng 5 (100 đv); tháng 6 (100 đv)': the buckets that hold a figure, as the seed 002 annex writes
    a schedule in one cell."""
    parts = [f"{label} ({format_int(value)} đv)" for label, value in zip(labels, values) if value]
    return "; ".join([*parts[:1], *(part[:1].lower() + part[1:] for part in parts[1:])])


def comparison_docx(plan: Plan) -> bytes:
    """The comparison table as a Word document in Decree 30 form: A4 landscape, Times New Roman, the
    issuing body over a short rule on the left and the motto on the right, the place-and-date line, the
    title, then the table with its header repeated on every page and page numbers in the footer."""
    from docx import Document
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.shared import Mm, Pt

    data = build_comparison(plan)
    as_text = len(data.bucket_labels) > MAX_SCHEDULE_COLUMNS
    size = 12 if as_text or len(data.bucket_labels) <= 4 else 11
    document = Document()
    word.defaults(document, size)
    word.landscape_a4(document.sections[0])

    text = functools.partial(word.write, size=size)

    head = document.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.no_borders(head)
    word.widths(head, [Mm(100), Mm(USABLE_W - 100)])
    text(head.cell(0, 0).paragraphs[0], "\n".join(issuer_lines(plan)), bold=True)
    word.rule(head.cell(0, 0).add_paragraph(), width_mm=100, rule_mm=35)
    text(head.cell(0, 1).paragraphs[0], MOTTO, bold=True)
    text(head.cell(0, 1).add_paragraph(), MOTTO_2, bold=True, underline=True, pt=size + 1)
    text(
        head.cell(1, 1).paragraphs[0],
        place_date_line(plan.issuing_unit.document_place, data.as_of),
        italic=True,
        pt=size + 1,
    )
    head.cell(1, 1).paragraphs[0].paragraph_format.space_before = Pt(6)
    title = text(document.add_paragraph(), COMPARISON_TITLE, bold=True, pt=size + 2)
    title.paragraph_format.space_before = Pt(18)
    text(document.add_paragraph(), comparison_subtitle(plan, data.as_of), italic=True, pt=size + 1)
    text(
        document.add_paragraph(), "Đơn vị tính: đơn vị máu", italic=True, align="right"
    ).paragraph_format.space_before = Pt(6)

    n_schedule = 1 if as_text else len(data.bucket_labels)
    ncols = 2 + 3 + 1 + n_schedule + 2
    table = document.add_table(rows=2 + len(data.rows) + 1, cols=ncols)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed = [10, 0, 17, 17, 14, 17, *([0] if as_text else [15] * n_schedule), 19, 14]
    name_width = (USABLE_W - sum(fixed)) * (0.45 if as_text else 1)
    schedule_width = USABLE_W - sum(fixed) - name_width
    widths = [10, name_width, 17, 17, 14, 17, *([schedule_width] if as_text else [15] * n_schedule), 19, 14]
    word.widths(table, [Mm(w) for w in widths])

    def header(row, col, value, *, rowspan=1, colspan=1):
        cell = table.cell(row, col)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(table.cell(row + rowspan - 1, col + colspan - 1))
        text(cell.paragraphs[0], value, bold=True)

    header(0, 0, "STT", rowspan=2)
    header(0, 1, "Đơn vị", rowspan=2)
    header(0, 2, f"Năm {data.year - 1}", colspan=3)
    for offset, label in enumerate(("Kế hoạch", "Thực hiện", "Tỉ lệ %")):
        header(1, 2 + offset, label)
    header(0, 5, f"Kế hoạch năm {data.year}", colspan=1 + n_schedule)
    header(1, 5, "Tổng")
    if as_text:
        header(1, 6, "Thời gian thực hiện")
    else:
        for index, label in enumerate(data.bucket_labels):
            header(1, 6 + index, label)
    result_col = 6 + n_schedule
    header(0, result_col, "Thực hiện đến nay", colspan=2)
    header(1, result_col, "Số đơn vị máu")
    header(1, result_col + 1, "Tỉ lệ %")
    for index, row in enumerate(table.rows):
        word.row_flags(row, header=index < 2)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for offset, item in enumerate([*data.rows, data.total]):
        r = 2 + offset
        is_total = item is data.total
        text(table.cell(r, 0).paragraphs[0], "" if is_total else str(offset + 1), bold=is_total)
        text(table.cell(r, 1).paragraphs[0], item.name, bold=is_total, align="center" if is_total else "left")
        schedule = [schedule_text(data.bucket_labels, item.schedule)] if as_text else [_text(v) for v in item.schedule]
        values = [
            _text(item.prior_plan),
            _text(item.prior_actual),
            _text(item.prior_percent),
            _text(item.plan),
            *schedule,
            _text(item.result),
            _text(item.percent),
        ]
        for k, value in enumerate(values):
            left = as_text and k == 4
            text(table.cell(r, 2 + k).paragraphs[0], value, bold=is_total, align="left" if left else "right")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
