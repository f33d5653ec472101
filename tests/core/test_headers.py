"""The one header finder: title rows skipped, synonyms as data, two-row and merged headers understood."""

from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.lib.findings import Finding
from hienmau.core.lib.headers import combine_header_rows, find_header, match_columns, title_key
from hienmau.donors.lib import history_rows

SYNONYMS = {
    "name": ("ho va ten", "ho ten", "name"),
    "dob": ("ngay sinh", "date of birth"),
    "phone": ("so dien thoai", "sdt"),
}


def test_titles_are_folded_and_bracketed_notes_dropped():
    assert title_key("Ngày sinh (dd/mm/yyyy)") == "ngay sinh"
    assert match_columns(["STT", "HỌ VÀ TÊN", "Ngày sinh (dd/mm/yyyy)"], SYNONYMS) == {"name": 1, "dob": 2}


def test_an_earlier_synonym_wins_over_a_later_one():
    assert match_columns(["Họ tên", "Họ và tên"], SYNONYMS) == {"name": 1}


@given(st.lists(st.sampled_from(["DANH SÁCH", "", "Đơn vị: Công an tỉnh", "Ngày 05/04/2022"]), max_size=6))
def test_the_header_is_found_under_any_title_rows(titles):
    rows = [[t] for t in titles] + [["STT", "Họ và tên", "Ngày sinh", "SĐT"], ["1", "An", "01/01/1990", ""]]
    search = find_header(rows, SYNONYMS, ("name", "dob"))
    assert search.header is not None
    assert (search.header.row, search.header.data_from) == (len(titles), len(titles) + 1)
    assert search.header.columns == {"name": 1, "dob": 2, "phone": 3}


def test_a_merged_group_title_spreads_over_its_sub_headers():
    header = [["STT", "Đơn vị", "THÁNG", "", ""], ["", "", "3", "6", "9"]]
    assert combine_header_rows(header, 5) == [
        ("STT", "STT"),
        ("Đơn vị", "Đơn vị"),
        ("THÁNG 3", "3"),
        ("THÁNG 6", "6"),
        ("THÁNG 9", "9"),
    ]


def test_a_two_row_header_is_found_with_its_data_under_the_second_row():
    """Cells merged down (rowspan) hold their title in the top row; a group title's sub-headers the row below."""
    rows = [
        ["STT", "Họ và tên", "Liên hệ", ""],
        ["", "", "SĐT", "Ngày sinh"],
        ["1", "Nguyễn Văn An", "0912345678", "01/01/1990"],
    ]
    search = find_header(rows, SYNONYMS, ("name", "dob"))
    assert search.header is not None
    assert (search.header.row, search.header.data_from) == (0, 2)
    assert search.header.columns == {"name": 1, "phone": 2, "dob": 3}


def test_the_history_import_understands_a_two_row_header():
    """A facility export with the donation's columns grouped under "Lần hiến" (old code: header not found)."""
    rows = [
        ["Họ và tên", "Ngày sinh", "Lần hiến", "", ""],
        ["", "", "Ngày hiến", "Thể tích (ml)", "Kết quả"],
        ["Nguyễn Văn An", "12/05/1990", "01/03/2024", "350", "Đã hiến"],
    ]
    parsed, problems = history_rows.parse_rows(rows)
    assert problems == []
    assert [(r.line, r.full_name, r.volume_ml) for r in parsed] == [(3, "Nguyễn Văn An", 350)]


def test_a_finding_reads_as_a_sentence_naming_line_and_column():
    assert str(Finding("invalid_date", 5, "Ngày sinh", "“31/02/2000” không phải ngày có thật")) == (
        "Dòng 5, cột Ngày sinh: “31/02/2000” không phải ngày có thật"
    )
    assert str(Finding("no_data", 3, "", "bảng không có dòng dữ liệu nào")) == "Dòng 3: bảng không có dòng dữ liệu nào"
    assert str(Finding("file", None, "", "Tệp quá lớn.")) == "Tệp quá lớn."
