"""The official appendix exports (xlsx, docx, pdf) of the Ân Thi 2024 plan (seed 001)."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from hienmau.core.lib.documents import safe_cell
from hienmau.plans.exports import appendix_docx, appendix_pdf, appendix_xlsx

SEED = Path(__file__).resolve().parents[2] / "src/hienmau/plans/data/seed-001-an-thi-14-KH-UBND-2024.txt"
MALICIOUS = '=HYPERLINK("http://x")'
# 41 allocations in two sections: 2 section headings + 2 subtotals + 1 grand total around them.
DATA_ROWS, EXTRA_ROWS = 41, 5


@pytest.fixture
def plan(db):
    from hienmau.orgs.demo import load_demo
    from hienmau.orgs.models import Unit
    from hienmau.plans.importer import analyse_file, save_plan

    load_demo()
    plan, _ = save_plan(analyse_file(SEED, Unit.objects.get(code="329")))  # the seed misspells "Ân Thi"
    return plan


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", MALICIOUS])
def test_safe_cell_quotes_text_that_excel_would_run(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Vân Du", "", None, 1921, "1.921", "Đợt I (15/03/2024)"])
def test_safe_cell_leaves_everything_else_alone(value):
    assert safe_cell(value) == value


def _sheet(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).active


def test_xlsx_is_a_landscape_a4_appendix_with_motto_sections_and_totals(plan):
    allocation = plan.allocations.get(unit_name="Vân Du")
    allocation.unit_name = MALICIOUS
    allocation.save()

    sheet = _sheet(appendix_xlsx(plan))

    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_margins.left == pytest.approx(30 / 25.4)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert "HUYỆN ÂN THI" in texts and "Số: 14/KH-UBND" in texts and "PHỤ LỤC" in texts
    assert any("Kèm theo Kế hoạch số 14/KH-UBND ngày 17/01/2024" in t for t in texts)

    header = next(i for i, row in enumerate(rows) if row[:3] == ["STT", "Đơn vị", "Tổng"])
    assert rows[header][3] == "Chia theo đợt" and rows[header][-1] == "Ghi chú"
    assert rows[header + 1][3:6] == ["Đợt I\n(15/03/2024)", "Đợt II\n(18/07/2024)", "Đợt III\n(09/11/2024)"]
    assert sheet.print_title_rows == f"${header + 1}:${header + 2}"
    body = rows[header + 2 :]
    assert len(body) == DATA_ROWS + EXTRA_ROWS
    assert sum(1 for row in body if isinstance(row[0], str) and row[0].isdigit()) == DATA_ROWS
    assert [row[:2] for row in body if row[0] in ("I", "II")] == [
        ["I", "Các xã, thị trấn"],
        ["II", "Các cơ quan, đơn vị, trường học, doanh nghiệp"],
    ]
    sums = {row[1]: row[2:6] for row in body if row[1] in ("Cộng I", "Cộng II", "Tổng cộng")}
    assert sums == {
        "Cộng I": [1032, 539, 493, None],
        "Cộng II": [889, 318, 140, 431],
        "Tổng cộng": [1921, 857, 633, 431],
    }
    assert body[-1][1] == "Tổng cộng"
    smart_shirts = next(row for row in body if row[1] == "Công ty TNHH may Smart Shirts")
    assert smart_shirts[2] == "(Liên đoàn lao động huyện phụ trách)"
    yen_hung = next(row for row in body if row[1] == "Công ty Mây tre đan Yên Hưng")
    assert yen_hung[2:6] == [None, 25, 25, 25]  # no total in the source: left blank, not filled in

    quoted = next(c for row in sheet.iter_rows() for c in row if c.value == "'" + MALICIOUS)
    assert quoted.data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    total_cell = next(row for row in sheet.iter_rows() if row[1].value == "Tổng cộng")[2]
    assert total_cell.number_format == "#,##0" and total_cell.font.name == "Times New Roman"
    assert total_cell.border.left.style == "thin"


def test_docx_is_landscape_with_decree_30_margins_motto_and_full_table(plan):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(appendix_docx(plan)))

    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    sizes = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round(size.mm) for size in sizes] == [297, 210, 20, 20, 30, 15]  # stored in twips, hence round()
    head, grid = document.tables
    head_text = "\n".join(cell.text for row in head.rows for cell in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head_text and "Số: 14/KH-UBND" in head_text
    assert "ỦY BAN NHÂN DÂN" in head_text and "Ân Thi, ngày 17 tháng 01 năm 2024" in head_text
    body_text = "\n".join(p.text for p in document.paragraphs)
    assert "PHỤ LỤC" in body_text and "14/KH-UBND ngày 17/01/2024" in body_text
    assert len(grid.rows) == 2 + DATA_ROWS + EXTRA_ROWS
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is not None for row in grid.rows[:2])
    assert grid.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None
    assert [c.text for c in grid.rows[-1].cells[1:6]] == ["Tổng cộng", "1.921", "857", "633", "431"]
    fonts = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman" == fonts.get(qn("w:ascii"))
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_pdf_renders_the_appendix_on_landscape_pages(plan):
    content = appendix_pdf(plan)

    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert "PHỤ LỤC" in text and "1.921" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Tổng cộng" in text
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points


def test_prior_year_columns_appear_only_when_some_row_has_them_and_unsectioned_rows_number_straight_through(plan):
    plan.allocations.update(section="")
    plan.allocations.filter(unit_name="Vân Du").update(prior_plan=50, prior_actual=45, prior_percent=90)
    plan.allocations.filter(unit_name="Phù Ứng").update(prior_plan=50, prior_actual=60, prior_percent=120)

    sheet = _sheet(appendix_xlsx(plan))

    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[:2] == ["STT", "Đơn vị"])
    assert rows[header][2:6] == ["Năm 2023", None, None, "Tổng"]
    assert rows[header + 1][2:5] == ["Kế hoạch", "Thực hiện", "Tỷ lệ %"]
    body = rows[header + 2 :]
    assert len(body) == DATA_ROWS + 1  # no section headings, no subtotals: only the grand total
    assert [row[0] for row in body[:-1]] == [str(n) for n in range(1, DATA_ROWS + 1)]
    van_du = next(row for row in body if row[1] == "Vân Du")
    assert van_du[2:6] == [50, 45, 90, 54]
    assert body[-1][1:6] == ["Tổng cộng", 100, 105, 105, 1921]  # the total's % is recomputed: 105/100
