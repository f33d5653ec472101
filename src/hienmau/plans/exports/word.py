"""The appendix as a Word document."""

from __future__ import annotations

import io

from hienmau.core.lib.documents import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MOTTO, MOTTO_2
from hienmau.core.lib.word import defaults as _docx_defaults
from hienmau.core.lib.word import no_borders as _docx_no_borders
from hienmau.core.lib.word import page_numbers as _docx_page_numbers
from hienmau.core.lib.word import row_flags as _docx_row_flags
from hienmau.core.lib.word import rule as _docx_rule
from hienmau.core.lib.word import widths as _docx_widths
from hienmau.plans.exports.appendix import (
    PAGE_H,
    PAGE_W,
    USABLE_W,
    Appendix,
    Row,
    bucket_header,
    build_appendix,
    value_text,
)
from hienmau.plans.exports.plan_text import PlanText, build_plan_text
from hienmau.plans.models import Plan


def appendix_docx(plan: Plan) -> bytes:
    """The appendix as a Word document: A4 landscape, header block, bordered table with a repeating header."""
    from docx import Document

    document = Document()
    data = build_appendix(plan)
    _DocxWriter(document, data, build_plan_text(plan, data.body_lines)).write()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _DocxWriter:
    def __init__(self, document, data: Appendix, plan_text: PlanText | None = None):
        self.document, self.data, self.size = document, data, data.font_pt
        self.plan_text = plan_text

    def text(self, paragraph, text, *, bold=False, italic=False, underline=False, pt=None, align="center"):
        """Text in a paragraph; a newline in it becomes a line break."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        for index, line in enumerate(text.split("\n")):
            if index:
                paragraph.runs[-1].add_break()
            run = paragraph.add_run(line)
            run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(pt or self.size)
        return paragraph

    def write(self) -> None:
        _docx_defaults(self.document, self.size)
        if self.plan_text is not None:
            self.text_pages(self.plan_text)
        self.page()
        self.header_block()
        self.table()

    def page(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        section = self.document.sections[-1]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
        section.header_distance = section.footer_distance = Mm(10)
        _docx_page_numbers(section.footer.paragraphs[0])

    def text_pages(self, text: PlanText) -> None:
        """The draft's text on portrait pages (first section); the annex starts a landscape section."""
        from docx.enum.section import WD_SECTION
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm, Pt

        document, size = self.document, self.size + 1
        section = document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_H), Mm(PAGE_W)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
        _docx_page_numbers(section.footer.paragraphs[0])
        usable = PAGE_H - MARGIN_LEFT - MARGIN_RIGHT
        head = document.add_table(rows=2, cols=2)
        head.alignment = WD_TABLE_ALIGNMENT.CENTER
        _docx_no_borders(head)
        _docx_widths(head, [Mm(75), Mm(usable - 75)])
        self.text(head.cell(0, 0).paragraphs[0], "\n".join(text.body_lines), bold=True)
        _docx_rule(head.cell(0, 0).add_paragraph(), width_mm=75, rule_mm=30)
        self.text(head.cell(0, 1).paragraphs[0], MOTTO, bold=True)
        self.text(head.cell(0, 1).add_paragraph(), MOTTO_2, bold=True, underline=True, pt=size)
        self.text(head.cell(1, 0).paragraphs[0], text.number_line, pt=size)
        self.text(head.cell(1, 1).paragraphs[0], text.place_date, italic=True, pt=size)
        if text.notice:
            self.text(document.add_paragraph(), text.notice, italic=True, pt=size, align="left")
        self.text(document.add_paragraph(), "KẾ HOẠCH", bold=True, pt=size + 1).paragraph_format.space_before = Pt(12)
        self.text(document.add_paragraph(), text.title, bold=True, pt=size + 1)
        for heading, paragraphs in text.sections:
            self.text(document.add_paragraph(), heading, bold=True, pt=size, align="left")
            for line in paragraphs:
                paragraph = self.text(document.add_paragraph(), line, pt=size, align="left")
                paragraph.paragraph_format.first_line_indent = Mm(10)
        document.add_section(WD_SECTION.NEW_PAGE)

    def header_block(self) -> None:
        """A borderless 2×2 table (body | motto, number | place-date), then the appendix title lines."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm, Pt

        data, size, document = self.data, self.size, self.document
        head = document.add_table(rows=2, cols=2)
        head.alignment = WD_TABLE_ALIGNMENT.CENTER
        _docx_no_borders(head)
        _docx_widths(head, [Mm(100), Mm(USABLE_W - 100)])
        body, motto = head.cell(0, 0), head.cell(0, 1)
        self.text(body.paragraphs[0], "\n".join(data.body_lines), bold=True)
        _docx_rule(body.add_paragraph(), width_mm=100, rule_mm=35)
        self.text(motto.paragraphs[0], MOTTO, bold=True)
        self.text(motto.add_paragraph(), MOTTO_2, bold=True, underline=True, pt=size + 1)
        self.text(head.cell(1, 0).paragraphs[0], data.number_line, pt=size + 1)
        self.text(head.cell(1, 1).paragraphs[0], data.place_date, italic=True, pt=size + 1)
        for cell in head.rows[1].cells:
            cell.paragraphs[0].paragraph_format.space_before = Pt(6)
        self.text(document.add_paragraph(), "PHỤ LỤC", bold=True, pt=size + 2).paragraph_format.space_before = Pt(18)
        self.text(document.add_paragraph(), data.title, bold=True, pt=size + 2)
        self.text(document.add_paragraph(), data.attached, italic=True, pt=size + 1)
        measure = self.text(document.add_paragraph(), data.measure, italic=True, align="right")
        measure.paragraph_format.space_before = Pt(6)

    def table(self) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
        from docx.shared import Mm

        data = self.data
        table = self.document.add_table(rows=data.header_rows + len(data.rows), cols=data.column_count)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _docx_widths(table, [Mm(w) for w in data.widths])
        for cell in data.header_cells():
            target = table.cell(cell.row, cell.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
            self.text(target.paragraphs[0], bucket_header(cell.text) if cell.row == 1 else cell.text, bold=True)
        for index, row in enumerate(table.rows):
            _docx_row_flags(row, header=index < data.header_rows)
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for offset, item in enumerate(data.rows):
            self.table_row(table, data.header_rows + offset, item)

    def table_row(self, table, r: int, item: Row) -> None:
        last = self.data.column_count - 1
        bold = item.kind != "allocation"
        self.text(table.cell(r, 0).paragraphs[0], item.stt, bold=bold)
        if item.kind == "section":
            self.text(table.cell(r, 1).merge(table.cell(r, last)).paragraphs[0], item.name, bold=True, align="left")
            return
        self.text(
            table.cell(r, 1).paragraphs[0],
            item.name,
            bold=bold,
            align="left" if item.kind == "allocation" else "center",
        )
        if item.note_only:
            self.text(table.cell(r, 2).merge(table.cell(r, last - 1)).paragraphs[0], item.note, italic=True)
            return
        for k, value in enumerate(item.values):
            self.text(table.cell(r, 2 + k).paragraphs[0], value_text(value), bold=bold)
        self.text(table.cell(r, last).paragraphs[0], item.note, italic=True, align="left")
