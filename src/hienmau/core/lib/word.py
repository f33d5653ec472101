"""Word (.docx) pieces of the official document format (Decree 30/2020/NĐ-CP), shared by every Word
export (plan appendices, the comparison table): Times New Roman for every script, tables of fixed
widths, borderless header tables, the short rule under the issuing body, rows that never split with the
header repeated on each page, and "page/pages" in the footer. python-docx loads only when a document is
written."""

from __future__ import annotations

from hienmau.core.lib.documents import FONT, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP

# A4 in millimetres, landscape, and the width left between Decree 30's margins.
PAGE_W, PAGE_H = 297, 210
USABLE_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT


def landscape_a4(section) -> None:
    """An A4 landscape section with Decree 30's margins and page numbers in the footer."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Mm(10)
    page_numbers(section.footer.paragraphs[0])


def defaults(document, pt: int) -> None:
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


def widths(table, widths) -> None:
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


def no_borders(table) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    edges = "".join(f'<w:{edge} w:val="nil"/>' for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table._tbl.tblPr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{edges}</w:tblBorders>"))


def write(
    paragraph,
    value,
    *,
    size: int,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    pt: int | None = None,
    align: str = "center",
):
    """Text into a paragraph, a line break for each new line, every run in the one size (pt, else size)
    and style; align is "center", "left" or "right". Returns the paragraph."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    for index, line in enumerate(str(value).split("\n")):
        if index:
            paragraph.runs[-1].add_break()
        run = paragraph.add_run(line)
        run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(pt or size)
    return paragraph


def rule(paragraph, *, width_mm: float, rule_mm: float) -> None:
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


def row_flags(row, *, header: bool) -> None:
    """Rows never split across pages; header rows repeat on every page."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    if header:
        tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def page_numbers(paragraph) -> None:
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
