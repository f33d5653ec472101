"""The issuing unit's consolidated report on a plan, built only from its units' approved reports, in the
form of Decree 30/2020 (A4 portrait, Times New Roman, the motto, the place-and-date line): the results
table per unit against its target, then the difficulties and proposals the units wrote. Units whose
report is not approved are named as such, never counted."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

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
    issuing_body,
    place_date_line,
)
from hienmau.core.lib.numbers import format_int
from hienmau.orgs.models import UnitKind
from hienmau.plans.models import Metric, Plan
from hienmau.reports.lib import submissions as rules
from hienmau.reports.models import ReportStatus
from hienmau.reports.submissions import required_reports

COLUMNS = (
    "STT",
    "Đơn vị",
    "Chỉ tiêu (ĐVM)",
    "Kết quả (ĐVM)",
    "Tỉ lệ đạt",
    "Số đợt",
    "Tình nguyện viên",
    "Tin, bài",
    "Người dự bị",
    "Ngày gửi",
)
TIMELY = {rules.ON_TIME: "đúng hạn", rules.LATE: "quá hạn"}


@dataclass
class Line:
    number: int
    unit: str
    target: int | None
    values: list[int]  # collected, drives, volunteers, media, reserve
    sent: str

    @property
    def percent(self) -> str:
        if not self.target:
            return ""
        return f"{self.values[0] * 100 / self.target:.1f}%".replace(".", ",")

    def cells(self) -> list[str]:
        target = format_int(self.target) if self.target is not None else ""
        return (
            [str(self.number), self.unit, target, *(format_int(v) for v in self.values[:1]), self.percent]
            + [format_int(v) for v in self.values[1:]]
            + [self.sent]
        )


@dataclass
class Consolidated:
    plan: Plan
    issuer: str  # the issuing body's lines, one per line ("BAN CHỈ ĐẠO VẬN ĐỘNG" … "TỈNH KIÊN GIANG")
    number: str  # "Số: …/BC-BCĐ", the number left for the office to write when it signs
    place_date: str
    title: str
    subtitle: str
    lines: list[Line]
    total: Line
    missing: list[str]
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # section → (unit, text)
    counts: str = ""


def build(plan: Plan) -> Consolidated:
    targets: dict[int, int] = {}
    for allocation in plan.allocations.filter(metric=Metric.BLOOD_UNITS, unit__isnull=False):
        assert allocation.unit_id is not None
        targets[allocation.unit_id] = targets.get(allocation.unit_id, 0) + (allocation.total or 0)
    rows = required_reports(plan)
    lines: list[Line] = []
    missing: list[str] = []
    notes: dict[str, list[tuple[str, str]]] = {
        "Kết quả hoạt động": [],
        "Khó khăn, vướng mắc": [],
        "Đề xuất, kiến nghị": [],
    }
    for row in rows:
        report = row.report
        if report is None or report.status != ReportStatus.APPROVED:
            missing.append(f"{row.unit.full_name} ({row.status_label.lower()})")
            continue
        sent = f"{timezone.localtime(report.first_submitted_at):%d/%m/%Y}" if report.first_submitted_at else ""
        if row.timeliness in TIMELY:
            sent = f"{sent} ({TIMELY[row.timeliness]})"
        values = [report.collected, report.drives_held, report.volunteers, report.media_items, report.reserve_donors]
        lines.append(Line(len(lines) + 1, row.unit.full_name, targets.get(row.unit.pk), values, sent))
        for section, text in zip(notes, (report.activities, report.difficulties, report.proposals)):
            if text.strip():
                notes[section].append((row.unit.full_name, text.strip()))
    total_target = sum(
        targets.get(row.unit.pk, 0) for row in rows if row.report and row.report.status == ReportStatus.APPROVED
    )
    total = Line(0, "Tổng cộng", total_target or None, [sum(line.values[i] for line in lines) for i in range(5)], "")
    reference = f"Kế hoạch số {plan.reference}" if plan.reference else f"Kế hoạch “{plan.title}”"
    dated = f" ngày {plan.date:%d/%m/%Y}" if plan.date else ""
    return Consolidated(
        plan=plan,
        issuer="\n".join(
            line.upper()
            for line in issuing_body(
                plan.suffix, plan.issuing_unit.full_name, organisation=plan.issuing_unit.kind == UnitKind.ORGANISATION
            )
        ),
        number=f"Số: …/BC-{plan.suffix.split('-', 1)[1]}" if "-" in plan.suffix else "Số: …/BC",
        place_date=place_date_line(plan.issuing_unit.document_place, today()),
        title="BÁO CÁO",
        subtitle=f"Kết quả thực hiện {reference}{dated}",
        lines=lines,
        total=total,
        missing=missing,
        notes=notes,
        counts=f"Tổng hợp từ {len(lines)}/{len(rows)} báo cáo của đơn vị đã được duyệt.",
    )


def as_html(data: Consolidated) -> str:
    return render_to_string(
        "reports/export/consolidated.html",
        {
            "data": data,
            "columns": COLUMNS,
            "motto": MOTTO,
            "motto_2": MOTTO_2,
            "font_stack": ", ".join(FONT_STACK),
            "margins": f"{MARGIN_TOP}mm {MARGIN_RIGHT}mm {MARGIN_BOTTOM}mm {MARGIN_LEFT}mm",
        },
    )


def as_pdf(data: Consolidated) -> bytes:
    from weasyprint import HTML  # weasyprint loads only when a PDF is made
    from weasyprint.urls import URLFetcher

    return HTML(string=as_html(data), url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def as_docx(data: Consolidated) -> bytes:
    from docx import Document  # python-docx loads only when a document is made
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)

    def paragraph(text: str, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT, pt=13):
        para = document.add_paragraph()
        para.alignment = align
        run = para.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(pt)
        return para

    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    for index, body_line in enumerate(data.issuer.split("\n")):
        if index:
            left.paragraphs[0].add_run().add_break()
        left.paragraphs[0].add_run(body_line).bold = True
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = left.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.add_run(data.number)
    right.paragraphs[0].add_run(MOTTO).bold = True
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto = right.add_paragraph()
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto_run = motto.add_run(MOTTO_2)
    motto_run.bold, motto_run.underline = True, True
    dated = right.add_paragraph()
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated.add_run(data.place_date).italic = True
    paragraph(data.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, pt=14)
    paragraph(data.subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph("I. KẾT QUẢ THỰC HIỆN", bold=True)
    paragraph(data.counts, italic=True)
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, COLUMNS):
        cell.text = ""
        run = cell.paragraphs[0].add_run(title)
        run.bold, run.font.size = True, Pt(10)
    for line in [*data.lines, data.total]:
        cells = line.cells()
        if line is data.total:
            cells[0] = ""
        for cell, text in zip(table.add_row().cells, cells):
            run = cell.paragraphs[0].add_run(text)
            run.font.size, run.bold = Pt(10), line is data.total
    if data.missing:
        paragraph("Chưa có báo cáo được duyệt: " + "; ".join(data.missing) + ".", italic=True)
    for number, (section_title, items) in enumerate(data.notes.items(), start=2):
        paragraph(f"{'I' * number if number < 4 else 'IV'}. {section_title.upper()}", bold=True)
        if not items:
            paragraph("Các đơn vị không nêu.", italic=True)
        for unit, text in items:
            para = document.add_paragraph()
            para.add_run(f"- {unit}: ").bold = True
            para.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
