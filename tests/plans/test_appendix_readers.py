"""Readers: .xlsx, .csv, .docx and .txt files into blocks, and the limits that protect them."""

import os
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from hienmau.core.lib import tables
from hienmau.plans import readers
from hienmau.plans.lib.appendix import AppendixError, Paragraph, TableBlock
from hienmau.plans.lib.document import analyse_document
from hienmau.plans.readers import read_blocks
from tests.plans.helpers import assert_contract, codes, tsv

ANNUAL_HEADER = [
    "STT",
    "Đơn vị",
    "Kế hoạch năm 2023",
    "Thực hiện năm 2023",
    "Tỷ lệ %",
    "Kế hoạch năm 2024",
    "Thời gian tiếp nhận",
]


def result_of(path: Path) -> dict:
    result = analyse_document(read_blocks(path)).appendix.result()
    assert_contract(result)
    return result


def annual_xlsx(path: Path, percent=104, percent_format=None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["PHỤ LỤC"])
    sheet.append([None, "Phân bổ chỉ tiêu tiếp nhận máu năm 2024"])
    sheet.append([])
    sheet.append(ANNUAL_HEADER)
    sheet.append(
        [1, "Bệnh viện Đa khoa tỉnh", 1200, 1250, percent, 1300, "Tháng 4 (400đv); tháng 7 (400đv); tháng 9 (500đv)"]
    )
    sheet.append([2, "Công an tỉnh", 800, 720, 90, 900, "Tháng 3 (300đv); tháng 6 (600đv)"])
    sheet.append([None, "Tổng cộng", 2000, 1970, None, 2200, None])
    if percent_format:
        sheet["E5"].number_format = percent_format
    workbook.save(path)
    return path


def month_docx(path: Path, rows, merge=None) -> Path:
    """A Word file: two paragraphs, then a table whose "THÁNG" header spans three month columns and
    whose STT, unit and total headers span both header rows."""
    document = docx.Document()
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("Phân bổ chỉ tiêu hiến máu hè 2022")
    table = document.add_table(rows=2, cols=6)
    for col, text in enumerate(["STT", "Đơn vị", "THÁNG", "", "", "Tổng cộng"]):
        table.cell(0, col).text = text
    for col, text in enumerate(["Tháng 5", "Tháng 6", "Tháng 7"], start=2):
        table.cell(1, col).text = text
    table.cell(0, 2).merge(table.cell(0, 4))
    for col in (0, 1, 5):
        table.cell(0, col).merge(table.cell(1, col))
    for values in rows:
        cells = table.add_row().cells
        for col, text in enumerate(values):
            cells[col].text = text
    if merge:
        (r1, c1), (r2, c2) = merge
        table.cell(r1, c1).merge(table.cell(r2, c2))
    document.add_paragraph("Nơi nhận: như trên.")
    document.save(path)
    return path


MONTH_ROWS = [
    ["1", "Huyện A", "100", "", "", "100"],
    ["2", "Huyện B", "", "50", "50", "100"],
    ["3", "Huyện C", "", "", "1.532", "1.532"],
    ["", "Tổng cộng", "100", "50", "1.582", "1.732"],
]


# --- .xlsx --------------------------------------------------------------------------------------


def test_xlsx_title_rows_become_paragraphs_and_numbers_become_digit_strings(tmp_path):
    blocks = read_blocks(annual_xlsx(tmp_path / "phu-luc.xlsx"))
    assert blocks[:2] == [Paragraph("PHỤ LỤC"), Paragraph("Phân bổ chỉ tiêu tiếp nhận máu năm 2024")]
    (table,) = [b for b in blocks if isinstance(b, TableBlock)]
    assert table.rows[0] == ANNUAL_HEADER
    assert table.rows[1][:6] == ["1", "Bệnh viện Đa khoa tỉnh", "1200", "1250", "104", "1300"]


def test_xlsx_annual_allocation_is_read_like_pasted_text(tmp_path):
    result = result_of(annual_xlsx(tmp_path / "phu-luc.xlsx"))
    assert result["rows"][0] == {
        "unit": "Bệnh viện Đa khoa tỉnh",
        "total": 1300,
        "buckets": {"month:4": 400, "month:7": 400, "month:9": 500},
        "prior": {"plan": 1200, "actual": 1250, "percent": 104},
        "note": None,
    }
    assert result["rows"][1]["buckets"] == {"month:3": 300, "month:6": 600}
    assert result["totals"] == {"stated": 2200, "computed": 2200}
    assert result["findings"] == []


def test_xlsx_float_cells_that_are_whole_numbers_read_as_integers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Đơn vị", "Tháng 5", "Tổng cộng"])
    sheet.append([1.0, "Huyện A", 1532.0, 1532.0])
    workbook.save(tmp_path / "floats.xlsx")
    result = result_of(tmp_path / "floats.xlsx")
    assert result["rows"] == [
        {"unit": "Huyện A", "total": 1532, "buckets": {"month:5": 1532}, "prior": None, "note": None}
    ]


def test_xlsx_percentage_formatted_cell_is_read_as_the_percent_shown(tmp_path):
    result = result_of(annual_xlsx(tmp_path / "percent.xlsx", percent=1250 / 1200, percent_format="0%"))
    assert result["rows"][0]["prior"]["percent"] == 104
    assert "percent_mismatch" not in codes(result)


# --- .csv ---------------------------------------------------------------------------------------


def test_csv_with_quoted_commas_and_vietnamese_thousands(tmp_path):
    path = tmp_path / "phu-luc.csv"
    path.write_text(
        "STT,Đơn vị,Tháng 5,Tháng 6,Tổng cộng\n1,Huyện A,100,,100\n"
        '2,"Huyện B, tỉnh C",,"1.200","1.200"\n,Tổng cộng,100,"1.200","1.300"\n',
        encoding="utf-8",
    )
    result = result_of(path)
    assert [(r["unit"], r["total"], r["buckets"]) for r in result["rows"]] == [
        ("Huyện A", 100, {"month:5": 100}),
        ("Huyện B, tỉnh C", 1200, {"month:6": 1200}),
    ]
    assert result["totals"] == {"stated": 1300, "computed": 1300}
    assert result["findings"] == []


def test_semicolon_csv_with_a_title_line_and_bom(tmp_path):
    path = tmp_path / "phu-luc.csv"
    path.write_bytes(
        "PHỤ LỤC;;;\nSTT;Đơn vị;Tháng 5;Tổng cộng\n1;Huyện A;1.532;1.532\n;Tổng cộng;1.532;1.532\n".encode("utf-8-sig")
    )
    blocks = read_blocks(path)
    assert blocks[0] == Paragraph("PHỤ LỤC")
    result = result_of(path)
    assert result["rows"] == [
        {"unit": "Huyện A", "total": 1532, "buckets": {"month:5": 1532}, "prior": None, "note": None}
    ]


def test_txt_file_is_read_as_pasted_text(tmp_path):
    path = tmp_path / "phu-luc.txt"
    path.write_text(tsv(["STT", "Đơn vị", "Tháng 5", "Tổng cộng"], ["1", "Huyện A", "100", "100"]), encoding="utf-8")
    assert result_of(path)["rows"][0]["total"] == 100


# --- .docx --------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_with_merged_header_cells(tmp_path):
    blocks = read_blocks(month_docx(tmp_path / "phu-luc.docx", MONTH_ROWS))
    assert blocks[0] == Paragraph("PHỤ LỤC")
    assert blocks[-1] == Paragraph("Nơi nhận: như trên.")
    (table,) = [b for b in blocks if isinstance(b, TableBlock)]
    assert table.rows[0] == ["STT", "Đơn vị", "THÁNG", "", "", "Tổng cộng"]  # merged cells read once
    assert table.rows[1] == ["", "", "Tháng 5", "Tháng 6", "Tháng 7", ""]
    assert table.source == "phu-luc.docx#table1"


def test_docx_table_is_analysed_with_month_buckets_and_totals(tmp_path):
    result = result_of(month_docx(tmp_path / "phu-luc.docx", MONTH_ROWS))
    assert result["rows"] == [
        {"unit": "Huyện A", "total": 100, "buckets": {"month:5": 100}, "prior": None, "note": None},
        {"unit": "Huyện B", "total": 100, "buckets": {"month:6": 50, "month:7": 50}, "prior": None, "note": None},
        {"unit": "Huyện C", "total": 1532, "buckets": {"month:7": 1532}, "prior": None, "note": None},
    ]
    assert result["totals"] == {"stated": 1732, "computed": 1732}
    assert result["findings"] == []


def test_docx_merged_cell_inside_the_data_rows_is_refused_naming_the_row(tmp_path):
    # table rows: 1–2 header, 3 "Huyện A", 4 "Huyện B", 5 "Huyện C": merge the totals of B and C
    path = month_docx(tmp_path / "gop-o.docx", MONTH_ROWS, merge=((3, 5), (4, 5)))
    with pytest.raises(AppendixError) as info:
        read_blocks(path)
    message = str(info.value)
    assert "gop-o.docx" in message and "dòng 5" in message and "ô gộp" in message


def test_docx_merged_cell_across_two_columns_of_a_data_row_is_refused(tmp_path):
    path = month_docx(tmp_path / "gop-ngang.docx", MONTH_ROWS, merge=((2, 2), (2, 3)))
    with pytest.raises(AppendixError, match="dòng 3"):
        read_blocks(path)


def test_docx_merged_data_cell_is_refused_even_without_an_stt_column(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    for col, text in enumerate(["Đơn vị", "Tháng 5", "Tổng cộng"]):
        table.cell(0, col).text = text
    for values in (["Huyện A", "100", "100"], ["Huyện B", "50", "100"], ["Huyện C", "50", ""]):
        cells = table.add_row().cells
        for col, text in enumerate(values):
            cells[col].text = text
    table.cell(2, 2).merge(table.cell(3, 2))
    document.save(tmp_path / "khong-stt.docx")
    try:
        blocks = read_blocks(tmp_path / "khong-stt.docx")
    except AppendixError as exc:
        assert "ô gộp" in str(exc)
    else:
        raise AssertionError(f"merged data cell accepted: {blocks[-1].rows}")


# --- files that are not tables ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("khong-phai.xlsx", "không phải tệp Excel .xlsx hợp lệ"),
        ("khong-phai.docx", "không phải tệp Word .docx hợp lệ"),
    ],
)
def test_random_bytes_with_an_office_suffix_are_refused_clearly(tmp_path, name, expected):
    path = tmp_path / name
    path.write_bytes(os.urandom(2048))
    with pytest.raises(AppendixError) as info:
        read_blocks(path)
    assert expected in str(info.value)
    assert name in str(info.value)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(AppendixError, match="zip.xlsx"):
        read_blocks(path)


def test_text_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"\xff\xfe\xfa\x00 bad \x81")
    with pytest.raises(AppendixError, match="UTF-8"):
        read_blocks(path)


def test_unsupported_suffix_is_refused_listing_what_is_accepted(tmp_path):
    path = tmp_path / "phu-luc.pages"
    path.write_bytes(b"not an appendix")
    with pytest.raises(AppendixError, match=r"\.xlsx, \.xls, \.ods, \.docx, \.doc, \.odt, \.pdf"):
        read_blocks(path)


def test_word_file_without_any_table_raises_when_analysed(tmp_path):
    document = docx.Document()
    document.add_paragraph("KẾT LUẬN hội nghị tổng kết công tác hiến máu năm 2023")
    document.save(tmp_path / "ket-luan.docx")
    blocks = read_blocks(tmp_path / "ket-luan.docx")
    assert all(isinstance(b, Paragraph) for b in blocks)
    with pytest.raises(AppendixError):
        analyse_document(blocks)


# --- size limit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".xlsx", ".docx"])
def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"lon{suffix}"
    if suffix == ".xlsx":
        annual_xlsx(path)
    elif suffix == ".docx":
        month_docx(path, MONTH_ROWS)
    else:
        path.write_text(
            tsv(["STT", "Đơn vị", "Tổng"], *[[str(i), f"Đơn vị {i}", "10"] for i in range(1, 60)]), encoding="utf-8"
        )
    assert path.stat().st_size > 1000
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 1000)
    with pytest.raises(AppendixError, match="quá lớn"):
        read_blocks(path)


def test_file_under_the_size_limit_is_read(tmp_path, monkeypatch):
    path = tmp_path / "nho.csv"
    path.write_text("STT,Đơn vị,Tổng\n1,Huyện A,10\n", encoding="utf-8")
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", path.stat().st_size)
    assert isinstance(read_blocks(path)[-1], TableBlock)


def test_xlsx_zip_bomb_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    """A workbook that inflates far beyond its size is refused from the zip directory alone."""
    import zipfile

    from hienmau.core.lib import tables

    monkeypatch.setattr(tables, "MAX_XLSX_UNCOMPRESSED_BYTES", 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (8 * 1024 * 1024))  # 8 MB of zeros, a few KB zipped
    assert path.stat().st_size < 64 * 1024
    with pytest.raises(AppendixError, match="giải nén ra quá lớn"):
        read_blocks(path)


def test_docx_zip_bomb_is_refused(tmp_path, monkeypatch):
    import zipfile

    monkeypatch.setattr(readers, "MAX_XLSX_UNCOMPRESSED_BYTES", 1024 * 1024)
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (8 * 1024 * 1024))
    with pytest.raises(AppendixError, match="giải nén ra quá lớn"):
        read_blocks(path)


def test_pasted_csv_with_an_over_long_cell_is_an_appendix_error():
    from hienmau.plans.lib.document import analyse_text

    with pytest.raises(AppendixError, match="131.072"):
        analyse_text('STT,Đơn vị,Tổng\n1,"' + "x" * 140_000 + "\n")
