"""A table pasted in the browser from Word or Excel arrives as HTML (the clipboard's text/html): merged
header cells as colspan/rowspan, empty cells, the title block around it. It reads as the seed does; a
merged cell among the figures is refused naming the row."""

import random

import pytest
from django.urls import reverse

from hienmau.core.lib.tables import read_html
from hienmau.plans.lib.appendix import AppendixError
from hienmau.plans.lib.document import analyse_document
from hienmau.plans.readers import html_blocks
from tests.plans.layout_variants import as_html, make_variant, seed_blocks
from tests.plans.test_layout_variants import assert_reads_as_the_seed


def test_merged_cells_become_a_title_once_over_its_columns():
    (table,) = read_html(
        "<table><tr><td rowspan=2>STT</td><td rowspan=2>Đơn vị</td><td colspan=2>THÁNG</td></tr>"
        "<tr><td>Tháng 5</td><td>Tháng 6</td></tr><tr><td>1</td><td>Huyện&nbsp;A<br>(mới)</td><td></td><td>20</td></tr>"
        "</table>"
    )
    assert table.rows == [
        ["STT", "Đơn vị", "THÁNG", ""],
        ["", "", "Tháng 5", "Tháng 6"],
        ["1", "Huyện A (mới)", "", "20"],
    ]
    assert table.merged_rows == {0, 1}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("changes", [[], ["motto", "signature"], ["move_groups", "empty_rows", "notes_column"]])
def test_a_seed_pasted_as_word_html_reads_as_the_seed(seed, changes):
    variant = make_variant(seed, changes, random.Random(7))
    blocks = html_blocks(as_html(variant.blocks))
    assert_reads_as_the_seed(analyse_document(blocks).appendix.result(), variant)


def test_a_merged_cell_among_the_figures_is_refused_naming_the_row():
    markup = (
        "<table><tr><td>STT</td><td>Đơn vị</td><td>Tổng cộng</td></tr>"
        "<tr><td>1</td><td>Huyện A</td><td rowspan=2>100</td></tr><tr><td>2</td><td>Huyện B</td></tr></table>"
    )
    with pytest.raises(AppendixError, match="dòng 2: có ô gộp trong phần số liệu"):
        html_blocks(markup)


@pytest.mark.django_db
def test_the_import_page_reads_the_pasted_html_instead_of_the_flattened_text(tree, people, client_for):
    markup = as_html(seed_blocks(0))
    response = client_for(people.admin).post(
        reverse("plans:plan_import"), {"text": "bảng dán (chữ thuần, mất ô gộp)", "html": markup}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result["totals"] == {"stated": 7411, "computed": 7411} and len(result["rows"]) == 23
    assert response.context["source_name"] == "bảng dán từ Word/Excel"
