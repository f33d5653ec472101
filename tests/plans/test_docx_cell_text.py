"""The Word table reader walks a cell's XML itself (python-docx's `cell.text` is two XPath queries per
paragraph and run); whatever a cell holds, it gives python-docx's text and merge flags."""

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from hypothesis import given, settings
from hypothesis import strategies as st

from hienmau.plans.readers import _docx_cell_merge, docx_cell_text

WORDS = st.text(alphabet="Đơn vị Ân Thi 0123456789.,\t\n-", max_size=12)
PIECE = st.one_of(
    st.tuples(st.just("text"), WORDS),
    st.tuples(st.just("break"), st.sampled_from([WD_BREAK.LINE, WD_BREAK.PAGE, WD_BREAK.COLUMN])),
    st.tuples(st.just("hyphen"), st.just("")),
    st.tuples(st.just("link"), WORDS),
)
CELL = st.lists(st.lists(PIECE, max_size=4), min_size=1, max_size=3)


def _fill(cell, paragraphs) -> None:
    first = True
    for pieces in paragraphs:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        for kind, value in pieces:
            if kind == "text":
                paragraph.add_run(value)
            elif kind == "break":
                paragraph.add_run().add_break(value)
            elif kind == "hyphen":
                paragraph.add_run()._r.append(OxmlElement("w:noBreakHyphen"))
            else:
                link = OxmlElement("w:hyperlink")
                link.append(paragraph.add_run(value)._r)
                paragraph._p.append(link)


@settings(max_examples=150, deadline=None)
@given(CELL, st.integers(min_value=1, max_value=3), st.sampled_from([None, "restart", "continue"]))
def test_the_cell_text_and_merge_flags_are_python_docx_s(paragraphs, span, vertical):
    table = Document().add_table(rows=1, cols=3)
    cell = table.cell(0, 0)
    _fill(cell, paragraphs)
    tc = cell._tc
    if span > 1:
        tc.grid_span = span
    if vertical:
        tc.vMerge = vertical
    assert docx_cell_text(tc) == cell.text
    assert _docx_cell_merge(tc) == (tc.grid_span, tc.vMerge == "continue")


def test_a_bare_vertical_merge_continues_the_cell_above():
    tc = Document().add_table(rows=1, cols=1).cell(0, 0)._tc
    tc.get_or_add_tcPr().append(OxmlElement("w:vMerge"))
    assert tc.vMerge == "continue" and _docx_cell_merge(tc) == (1, True)
