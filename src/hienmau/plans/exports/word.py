"""The appendix as a Word document."""

from __future__ import annotations

import io

from hienmau.core.lib.documents import FONT, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MOTTO, MOTTO_2
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
from hienmau.plans.models import Plan


def appendix_docx(plan: Plan) -> bytes:
    """The appendix as a Word document: A4 landscape, header block, bordered table with a repeating header."""
    from docx import Document

    document = Document()
    _DocxWriter(document, build_appendix(plan)).write()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _DocxWriter:
    def __init__(self, document, data: Appendix):
        self.document, self.data, self.size = document, data, data.font_pt

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
        self.page()
        self.header_block()
        self.table()

    def page(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        section = self.document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
        section.header_distance = section.footer_distance = Mm(10)
        _docx_page_numbers(section.footer.paragraphs[0])

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


def _docx_defaults(document, pt: int) -> None:
    """Times New Roman for every script (east-asian too, so Vietnamese never falls back), no spacing."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(r_pr):
        r_pr.remove(child)
    r_pr.append(
        parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>')
    )
    r_pr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{pt * 2}"/>'))
    r_pr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{pt * 2}"/>'))
    r_pr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/>'))
    p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(p_pr):
        p_pr.remove(child)
    p_pr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'))
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)


def _docx_widths(table, widths) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblLayout")):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _docx_no_borders(table) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    edges = "".join(f'<w:{edge} w:val="nil"/>' for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table._tbl.tblPr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{edges}</w:tblBorders>"))


def _docx_rule(paragraph, *, width_mm: float, rule_mm: float) -> None:
    """A short centred line under the issuing body: an empty paragraph with a bottom border, indented."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm, Pt

    indent = Mm(max(0.0, (width_mm - rule_mm) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.line_spacing = Pt(4)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    )


def _docx_row_flags(row, *, header: bool) -> None:
    """Rows never split across pages; header rows repeat on every page."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    if header:
        tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _docx_page_numbers(paragraph) -> None:
    """'PAGE/NUMPAGES' as Word fields, centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(code: str) -> None:
        for xml in (
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>',
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
            f"<w:r {nsdecls('w')}><w:t>1</w:t></w:r>",
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
        ):
            paragraph._p.append(parse_xml(xml))

    field("PAGE")
    paragraph.add_run("/")
    field("NUMPAGES")
