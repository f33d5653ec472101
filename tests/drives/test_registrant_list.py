"""Registrant lists (danh sách trích ngang) checked line by line: pure Python, no database."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from hienmau.core.lib.dates import parse_date
from hienmau.donors.lib.eligibility import PastDonation, default_rule_sets, rule_set_from_dict
from hienmau.drives.lib.registrant_list import (
    PROBLEM_ORDER,
    VERDICTS,
    ListFormatError,
    check_lines,
    history_keys,
    read_list,
    read_list_file,
    read_list_text,
)

DRIVE = datetime.date(2021, 7, 9)  # seed 003: Bắc Kạn, "Hành trình đỏ", 09/07/2021
YOUTH = "Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố"
POLICE = "Công an thành phố"
HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Số điện thoại",
    "Đơn vị",
    "Nhóm máu",
    "Hình thức",
    "Lần hiến gần nhất",
    "Thành phần lần trước",
]
TITLE = [
    ["BAN CHỈ ĐẠO VẬN ĐỘNG HIẾN MÁU TÌNH NGUYỆN THÀNH PHỐ BẮC KẠN"],
    ["DANH SÁCH TRÍCH NGANG NGƯỜI ĐĂNG KÝ HIẾN MÁU NGÀY 09/07/2021"],
    ["Đơn vị: " + YOUTH],
    [],
]


def person(
    name="Nguyễn Văn An",
    dob="12/05/1990",
    sex="Nam",
    cccd="006090012345",
    phone="0912345678",
    unit=YOUTH,
    group="O Rh+",
    kind="Trực tiếp",
    last="",
    last_component="",
):
    return [name, dob, sex, cccd, phone, unit, group, kind, last, last_component]


def table(*people, title=True):
    rows = [list(row) for row in TITLE] if title else []
    rows.append(HEADER)
    rows += [[str(n), *p] for n, p in enumerate(people, start=1)]
    return rows


def check(*people, **kwargs):
    return check_lines(table(*people), DRIVE, **kwargs)


def only(*people, **kwargs):
    result = check(*people, **kwargs)
    return result.lines[-1]


# --- every verdict, one concrete line each -------------------------------------------------------

VERDICT_LINES = {
    "ok": person(),
    "missing_name": person(name="", dob="01/01/1995", sex="Nữ", cccd="006195012345", phone="0987111222"),
    "invalid_date": person(name="Đỗ Thị Lan", dob="31/02/2000", sex="Nữ", cccd="", phone="0987111223"),
    "cccd_length": person(name="Vũ Văn Hải", dob="01/01/1990", cccd="00609001234", phone="0987111224"),
    "cccd_sex_century": person(name="Hà Thị Mai", dob="01/03/1992", sex="Nữ", cccd="006092012345", phone="0987111225"),
    "cccd_year": person(name="Triệu Văn Tùng", dob="15/08/1988", cccd="006089012346", phone="0987111226"),
    "invalid_phone": person(
        name="Nông Thị Hoa", dob="02/02/1995", sex="Nữ", cccd="006195012346", phone="0209 3862 123"
    ),
    "under_18_on_drive_day": person(
        name="Lý Văn Cường", dob="10/07/2003", cccd="006203012345", phone="0987111227", unit=POLICE
    ),
    "over_60_on_drive_day": person(
        name="Ma Văn Dũng", dob="09/07/1960", cccd="006060012345", phone="0987111228", unit=POLICE
    ),
    "too_soon_since_last_donation": person(
        name="Hoàng Thị Bình",
        dob="20/10/1985",
        sex="Nữ",
        cccd="006185012345",
        phone="0987111229",
        unit=POLICE,
        last="17/04/2021",
        last_component="Máu toàn phần",
    ),
}


@pytest.mark.parametrize("verdict", [v for v in VERDICTS if v != "duplicate_line"])
def test_each_verdict_on_its_own(verdict):
    line = check_lines(table(VERDICT_LINES[verdict]), DRIVE).lines[0]
    assert line.verdict == verdict
    assert line.line == 1
    if verdict == "ok":
        assert line.messages == [] and line.codes == []
    else:
        assert line.codes == [verdict] and len(line.messages) == 1


def test_every_verdict_in_one_list():
    lines = list(VERDICT_LINES.values())
    lines.insert(7, person(name="Nguyễn Văn Ân", dob="13/05/1990", phone="0987000000"))  # CCCD of line 1
    result = check(*lines)
    verdicts = [line.verdict for line in result.lines]
    assert verdicts == [
        "ok",
        "missing_name",
        "invalid_date",
        "cccd_length",
        "cccd_sex_century",
        "cccd_year",
        "invalid_phone",
        "duplicate_line",
        "under_18_on_drive_day",
        "over_60_on_drive_day",
        "too_soon_since_last_donation",
    ]
    assert set(result.counts()) == set(VERDICTS)
    assert [line.line for line in result.lines] == list(range(1, 12))
    assert result.header_row == 5


def test_messages_are_vietnamese_sentences_naming_the_field():
    result = check(*VERDICT_LINES.values())
    by = {line.verdict: line.messages[0] for line in result.lines if line.messages}
    assert by["missing_name"].startswith("Họ và tên:")
    assert by["invalid_date"] == "Ngày sinh: “31/02/2000” không phải ngày có thật."
    assert by["cccd_length"].startswith("Số CCCD “00609001234” không hợp lệ: có 11 chữ số, cần đúng 12.")
    assert "định dạng cột là Văn bản" in by["cccd_length"]  # Excel dropped the leading zero
    assert "chữ số thứ 4 là 0" in by["cccd_sex_century"] and "giới tính nữ" in by["cccd_sex_century"]
    assert "chữ số thứ 5–6 là 89" in by["cccd_year"] and "15/08/1988" in by["cccd_year"]
    assert by["invalid_phone"].startswith("Số điện thoại:") and "không phải số di động" in by["invalid_phone"]
    assert "từ ngày 10/07/2021 mới được hiến máu" in by["under_18_on_drive_day"]
    assert "09/07/2021" in by["under_18_on_drive_day"]
    assert "Đã quá 60 tuổi" in by["over_60_on_drive_day"]
    assert "Lần hiến gần nhất (máu toàn phần) ngày 17/04/2021" in by["too_soon_since_last_donation"]
    assert "đến 10/07/2021 mới hiến lại được" in by["too_soon_since_last_donation"]


def test_parsed_fields_are_kept():
    line = only(person(group="AB Rh(-)", kind="dự bị", phone="0912.345.678"))
    assert line.name == "Nguyễn Văn An" and line.date_of_birth == datetime.date(1990, 5, 12)
    assert (line.sex, line.cccd, line.phone, line.unit) == ("M", "006090012345", "+84912345678", YOUTH)
    assert (line.abo, line.rh, line.blood_group, line.kind) == ("AB", "-", "AB-", "reserve")
    assert line.row == 6  # four title rows (one blank), the header, then this


@pytest.mark.parametrize(
    "written, abo, rh",
    [
        ("O", "O", ""),
        ("A Rh+", "A", "+"),
        ("B (-)", "B", "-"),
        ("AB Rh-", "AB", "-"),
        ("o dương", "O", "+"),
        ("", "", ""),
    ],
)
def test_blood_groups(written, abo, rh):
    line = only(person(group=written))
    assert (line.abo, line.rh) == (abo, rh) and line.warnings == []


@pytest.mark.parametrize(
    "written, kind",
    [
        ("", "direct"),
        ("Trực tiếp", "direct"),
        ("TT", "direct"),
        ("Dự bị", "reserve"),
        ("DB", "reserve"),
        ("reserve", "reserve"),
    ],
)
def test_kinds(written, kind):
    assert only(person(kind=written)).kind == kind


def test_what_cannot_be_read_is_a_warning_not_a_silent_correction():
    line = only(person(sex="?", group="Z", kind="??"))
    assert line.verdict == "ok" and line.messages == []
    assert (line.sex, line.abo, line.kind) == ("", "", "")
    assert len(line.warnings) == 3
    assert any("Giới tính" in w for w in line.warnings) and any("Hình thức" in w for w in line.warnings)


# --- priority ------------------------------------------------------------------------------------


def test_bad_phone_and_under_18_gives_invalid_phone_with_both_messages():
    line = only(person(name="Lý Văn Cường", dob="10/07/2003", cccd="006203012345", phone="0987"))
    assert line.verdict == "invalid_phone"
    assert line.codes == ["invalid_phone", "under_18_on_drive_day"]
    assert line.messages[0].startswith("Số điện thoại:")
    assert "Chưa đủ 18 tuổi" in line.messages[1]
    assert line.eligible_from == datetime.date(2021, 7, 10)


def test_every_problem_is_listed_in_the_fixed_order():
    first = person(name="Hà Văn Sơn", dob="12/05/1990", cccd="006090099999", phone="0912000111")
    # no name, an impossible date, a short CCCD, a landline, the same phone as line 1, a bad last-donation date
    worst = person(name="", dob="30/02/2001", cccd="12345", phone="0912000111", last="32/01/2021")
    result = check(first, worst, person(name="", dob="", cccd="", phone="02093862123"))
    line = result.lines[1]
    assert line.verdict == "missing_name"
    assert line.codes == ["missing_name", "invalid_date", "invalid_date", "cccd_length", "duplicate_line"]
    assert "Lần hiến gần nhất" in line.messages[2]
    assert "với dòng 1" in line.messages[4]
    third = result.lines[2]
    assert third.codes == ["missing_name", "invalid_date", "invalid_phone"]
    assert third.messages[1] == "Ngày sinh: chưa ghi ngày sinh (dd/mm/yyyy)."


def test_cccd_century_and_year_both_reported_cccd_sex_century_first():
    line = only(person(name="Hà Thị Mai", dob="01/03/1992", sex="Nữ", cccd="006088012345"))
    assert line.codes == ["cccd_sex_century", "cccd_year"]


def test_unknown_sex_skips_the_sex_part_of_the_cccd_check():
    assert only(person(sex="", cccd="006190012345")).verdict == "ok"  # digit 1 = woman born 1900s
    assert only(person(sex="Nam", cccd="006190012345")).verdict == "cccd_sex_century"
    assert only(person(sex="", dob="12/05/2001", cccd="006101012345")).verdict == "cccd_sex_century"  # century


def test_no_cccd_and_no_phone_are_fine():
    assert only(person(cccd="", phone="")).verdict == "ok"


# --- duplicates ----------------------------------------------------------------------------------


def test_duplicate_by_cccd_names_the_earlier_line():
    result = check(person(), person(name="Nguyễn Văn Ân", dob="13/05/1990", cccd="006 090 012 345", phone="0987654321"))
    line = result.lines[1]
    assert line.verdict == "duplicate_line" and line.duplicate_of == [1]
    assert line.messages == ["Trùng dòng: trùng số CCCD 006090012345 với dòng 1."]
    assert result.lines[0].verdict == "ok"


def test_duplicate_by_phone_however_written():
    result = check(
        person(phone="0912345678"),
        person(name="Trần Thị Thu", dob="01/01/1999", sex="Nữ", cccd="", phone="+84 912.345.678"),
    )
    assert result.lines[1].verdict == "duplicate_line"
    assert "trùng số điện thoại +84 912.345.678 với dòng 1" in result.lines[1].messages[0]


def test_duplicate_by_name_and_date_of_birth_ignores_case_and_spacing():
    result = check(person(cccd="", phone=""), person(name="  NGUYỄN  VĂN AN ", cccd="", phone="", dob="33005"))
    assert result.lines[1].verdict == "duplicate_line"
    assert "trùng họ tên và ngày sinh" in result.lines[1].messages[0]


def test_duplicate_on_several_keys_names_every_earlier_line():
    result = check(
        person(),
        person(name="Bế Văn Hùng", dob="01/01/1991", cccd="006091012345", phone="0911111111"),
        person(name="Bế Văn Hùng", dob="01/01/1991", cccd="", phone="0912 345 678"),
    )
    line = result.lines[2]
    assert line.duplicate_of == [1, 2] and line.codes == ["duplicate_line"] * 2
    assert "với dòng 1" in line.messages[0] and "với dòng 2" in line.messages[1]


def test_different_people_same_name_are_not_duplicates():
    result = check(person(cccd="", phone=""), person(dob="12/05/1991", cccd="", phone=""))
    assert [line.verdict for line in result.lines] == ["ok", "ok"]


# --- age on the drive day, and the 12-week gap --------------------------------------------------


@pytest.mark.parametrize(
    "dob, verdict",
    [
        ("09/07/2003", "ok"),  # 18th birthday on the drive day
        ("10/07/2003", "under_18_on_drive_day"),  # turns 18 the day after
        ("10/07/1960", "ok"),  # the last day of being 60
        ("09/07/1960", "over_60_on_drive_day"),  # 61st birthday on the drive day
    ],
)
def test_age_boundaries(dob, verdict):
    assert only(person(dob=dob, cccd="", phone="")).verdict == verdict


def test_under_18_gives_the_date_of_the_18th_birthday():
    line = only(person(dob="10/07/2003", cccd="", phone=""))
    assert line.eligible_from == datetime.date(2021, 7, 10)


def test_over_60_has_no_date():
    assert only(person(dob="01/01/1950", cccd="", phone="")).eligible_from is None


@pytest.mark.parametrize("days, verdict", [(84, "ok"), (83, "too_soon_since_last_donation")])
def test_twelve_week_gap(days, verdict):
    last = DRIVE - datetime.timedelta(days=days)
    line = only(person(last=last.strftime("%d/%m/%Y")))
    assert line.verdict == verdict
    if verdict != "ok":
        assert line.eligible_from == DRIVE + datetime.timedelta(days=1)
        assert "12 tuần" in line.messages[0] and "10/07/2021" in line.messages[0]


def test_a_last_donation_after_the_drive_day_is_refused_not_counted_as_a_gap():
    line = only(person(last="10/07/2021"))
    assert line.verdict == "invalid_date"
    assert line.messages == ["Lần hiến gần nhất: 10/07/2021 sau ngày hiến máu 09/07/2021."]
    assert line.last_donation is None


@pytest.mark.parametrize("days, verdict", [(14, "ok"), (13, "too_soon_since_last_donation")])
def test_two_week_gap_after_platelets(days, verdict):
    last = DRIVE - datetime.timedelta(days=days)
    assert only(person(last=last.isoformat(), last_component="Tiểu cầu")).verdict == verdict


def test_gap_without_a_date_of_birth_is_still_reported():
    line = only(person(dob="", last="01/07/2021"))
    assert line.codes == ["invalid_date", "too_soon_since_last_donation"]


def test_gap_that_ends_after_the_61st_birthday():
    line = only(person(dob="01/08/1960", last="01/06/2021", cccd=""))
    assert line.verdict == "too_soon_since_last_donation"
    assert line.eligible_from is None
    assert any("tròn 61 tuổi" in message for message in line.messages)


def test_rules_come_from_the_rule_set_in_force():
    shipped = default_rule_sets()[0]
    stricter = rule_set_from_dict(
        {
            "effective_from": "2021-01-01",
            "citation": "Quy định thử",
            "min_age": 19,
            "gap_days": {"whole_blood": 90, "red_cells": 90, "platelets": 14, "plasma": 14},
        }
    )
    rules = [shipped, stricter]
    assert only(person(dob="09/07/2003", cccd="", phone=""), rules_sets=rules).verdict == "under_18_on_drive_day"
    last = (DRIVE - datetime.timedelta(days=84)).strftime("%d/%m/%Y")
    assert only(person(last=last), rules_sets=rules).verdict == "too_soon_since_last_donation"
    with pytest.raises(LookupError):
        check_lines(table(person()), datetime.date(2010, 1, 1))


# --- history from the registry ------------------------------------------------------------------


def test_history_by_cccd_and_by_name_and_date_of_birth():
    soon = DRIVE - datetime.timedelta(days=30)
    history = {
        "006090012345": PastDonation(soon, "whole_blood"),
        ("tran thi thu", datetime.date(1999, 1, 1)): (soon, "red_cells"),
    }
    result = check(
        person(),
        person(name="Trần Thị Thu", dob="01/01/1999", sex="Nữ", cccd="", phone=""),
        person(name="Trần Thị Thu", dob="02/01/1999", sex="Nữ", cccd="", phone=""),
        history=history,
    )
    assert [line.verdict for line in result.lines] == ["too_soon_since_last_donation"] * 2 + ["ok"]
    assert "khối hồng cầu" in result.lines[1].messages[0]
    assert history_keys("Trần  Thị Thu", datetime.date(1999, 1, 1), "006 199 012345") == [
        "006199012345",
        ("tran thi thu", datetime.date(1999, 1, 1)),
    ]


def test_the_later_of_list_and_history_counts():
    old = DRIVE - datetime.timedelta(days=200)
    recent = DRIVE - datetime.timedelta(days=10)
    line = only(person(last=recent.strftime("%d/%m/%Y")), history={"006090012345": (old, "whole_blood")})
    assert line.verdict == "too_soon_since_last_donation" and line.last_donation.date == recent
    line = only(person(last=old.strftime("%d/%m/%Y")), history={"006090012345": (recent, "plasma")})
    assert line.verdict == "too_soon_since_last_donation" and line.last_donation.component == "plasma"


# --- layout: title rows, line counting, other column titles -------------------------------------


def test_title_rows_above_the_header_and_blank_rows_not_counted():
    rows = table(person(), title=True)
    rows += [[], ["", "", ""], ["3"], ["4", *person(name="Hà Văn Sơn", cccd="", phone="")]]
    result = check_lines(rows, DRIVE)
    assert [(line.line, line.row, line.name) for line in result.lines] == [
        (1, 6, "Nguyễn Văn An"),
        (2, 10, "Hà Văn Sơn"),
    ]


def test_header_further_than_ten_rows_down_is_not_found():
    rows = [["Tiêu đề"]] * 10 + table(person(), title=False)
    with pytest.raises(ListFormatError):
        check_lines(rows, DRIVE)


def test_other_column_titles_and_bracketed_notes():
    rows = [
        ["Họ tên", "Năm sinh (dd/mm/yyyy)", "Giới", "CMND/CCCD", "SĐT", "Cơ quan", "Trực tiếp hay dự bị"],
        ["Nguyễn Văn An", "12/05/1990", "Nam", "006090012345", "0912345678", POLICE, "Dự bị"],
    ]
    line = check_lines(rows, DRIVE).lines[0]
    assert (line.verdict, line.cccd, line.unit, line.kind) == ("ok", "006090012345", POLICE, "reserve")
    english = [
        ["No", "Full name", "Date of birth", "Sex", "CCCD", "Phone", "Unit"],
        ["1", "Nguyen Van An", "1990-05-12", "M", "006090012345", "0912345678", "Police"],
    ]
    assert check_lines(english, DRIVE).lines[0].verdict == "ok"


def test_birth_year_split_into_male_and_female_columns():
    rows = [
        ["TT", "Họ và tên", "Năm sinh", "", "Đơn vị"],
        ["", "", "Nam", "Nữ", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["1", "Nguyễn Văn An", "12/05/1990", "", YOUTH],
        ["2", "Hoàng Thị Bình", "", "20/10/1985", POLICE],
    ]
    lines = check_lines(rows, DRIVE).lines
    assert [(line.line, line.sex, line.date_of_birth) for line in lines] == [
        (1, "M", datetime.date(1990, 5, 12)),
        (2, "F", datetime.date(1985, 10, 20)),
    ]


def test_column_numbering_row_under_the_header_is_skipped():
    rows = [HEADER, [f"({n})" for n in range(1, 12)], ["1", *person()]]
    result = check_lines(rows, DRIVE)
    assert len(result.lines) == 1 and result.lines[0].row == 3


@pytest.mark.parametrize(
    "header, missing",
    [
        (["STT", "Ngày sinh", "Số CCCD"], "“Họ và tên”"),
        (["STT", "Họ và tên", "Số CCCD"], "“Ngày sinh”"),
    ],
)
def test_missing_required_columns(header, missing):
    with pytest.raises(ListFormatError) as error:
        check_lines([["DANH SÁCH"], header, ["1", "x", "y"]], DRIVE)
    assert f"thiếu cột {missing}" in str(error.value)
    assert isinstance(error.value, ValueError)


def test_no_header_at_all():
    with pytest.raises(ListFormatError, match="Họ và tên.*Ngày sinh"):
        check_lines([["a", "b"], ["1", "2"]], DRIVE)


def test_header_only_gives_no_lines():
    result = check_lines(table(), DRIVE)
    assert result.lines == [] and result.as_json() == {"lines": []}


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, day",
    [
        ("12/05/1990", datetime.date(1990, 5, 12)),
        ("1/2/1990", datetime.date(1990, 2, 1)),
        ("12-05-1990", datetime.date(1990, 5, 12)),
        ("12.05.1990", datetime.date(1990, 5, 12)),
        ("1990-05-12", datetime.date(1990, 5, 12)),
        ("1990-05-12 00:00:00", datetime.date(1990, 5, 12)),
        ("33005", datetime.date(1990, 5, 12)),
        ("33005.0", datetime.date(1990, 5, 12)),
        ("18264", datetime.date(1950, 1, 1)),
        ("12/05/90", datetime.date(1990, 5, 12)),  # d/m/yy is one of the accepted forms (core.lib.dates)
        ("", None),
    ],
)
def test_parse_date(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text, says",
    [
        ("31/02/2000", "không phải ngày có thật"),
        ("1990", "chỉ ghi năm"),
        ("12/05", "thiếu năm"),
        ("hôm qua", "dd/mm/yyyy"),
        ("2000-02-30", "không phải ngày có thật"),
    ],
)
def test_impossible_dates(text, says):
    with pytest.raises(ValueError, match=says):
        parse_date(text)


# --- files and pasted text -----------------------------------------------------------------------


def test_xlsx_with_dates_as_dates_numbers_and_text(tmp_path):
    book = Workbook()
    sheet = book.active
    for row in TITLE:
        sheet.append(row)
    sheet.append(HEADER)
    sheet.append([1, "Nguyễn Văn An", datetime.datetime(1990, 5, 12), "Nam", "006090012345", "0912345678", YOUTH])
    sheet.append([2, "Hoàng Thị Bình", 31340, "Nữ", "006185012345", "0987111229", POLICE])  # serial number
    sheet.append([3, "Lý Thị Cúc", "33005", "Nữ", "006190012345", "0987111230", POLICE])  # serial as text
    sheet.append([4, "Ma Văn Dũng", "12/05/1990", "Nam", 6090012346, 987111231, POLICE])  # numbers lose the 0
    sheet.append([5, "Bế Văn Đức", "31/02/2000", "Nam", "", "", POLICE])
    path = tmp_path / "danh-sach.xlsx"
    book.save(path)
    result = check_lines(read_list_file(path), DRIVE)
    assert result.header_row == 5
    lines = result.lines
    assert [line.date_of_birth for line in lines[:4]] == [
        datetime.date(1990, 5, 12),
        datetime.date(1985, 10, 20),
        datetime.date(1990, 5, 12),
        datetime.date(1990, 5, 12),
    ]
    assert [line.verdict for line in lines] == ["ok", "ok", "ok", "cccd_length", "invalid_date"]
    assert lines[3].phone == "+84987111231"  # a mobile typed as a number is still that mobile


def test_csv_and_pasted_text(tmp_path):
    rows = table(
        person(),
        person(
            name="Hoàng Thị Bình",
            dob="20/10/1985",
            sex="Nữ",
            cccd="006185012345",
            phone="0987111229",
            unit=POLICE,
            kind="Dự bị",
        ),
    )
    csv_text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)
    path = tmp_path / "danh-sach.csv"
    path.write_text(csv_text, encoding="utf-8")
    pasted = "\n".join("\t".join(row) for row in rows)
    txt = tmp_path / "dan.txt"
    txt.write_text(pasted, encoding="utf-8")
    for source in (path, str(path), txt, pasted):
        result = check_lines(read_list(source), DRIVE)
        assert [(line.name, line.verdict, line.kind) for line in result.lines] == [
            ("Nguyễn Văn An", "ok", "direct"),
            ("Hoàng Thị Bình", "ok", "reserve"),
        ], source
    assert read_list_text(pasted) == read_list(pasted)


def test_unreadable_files(tmp_path):
    with pytest.raises(ListFormatError, match="Không tìm thấy tệp"):
        read_list_file(tmp_path / "khong-co.xlsx")
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ListFormatError, match="không phải tệp Excel"):
        read_list_file(broken)
    word = tmp_path / "ds.docx"
    word.write_bytes(b"x")
    with pytest.raises(ListFormatError, match="chỉ nhận"):
        read_list(word)


# --- fuzz: any rows, never a crash, always exactly one allowed verdict ---------------------------

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "Nguyễn Văn An",
            "NGUYỄN VĂN AN",
            "12/05/1990",
            "31/02/2000",
            "33005",
            "1990",
            "09/07/2003",
            "10/07/2003",
            "09/07/1960",
            "Nam",
            "Nữ",
            "?",
            "006090012345",
            "006190012345",
            "12345",
            "0912345678",
            "0912.345.678",
            "0209 3862 123",
            "+44 20 7946 0958",
            "O Rh+",
            "AB (-)",
            "Dự bị",
            "Trực tiếp",
            "17/04/2021",
            "Tiểu cầu",
            "(1)",
            "1",
            "=1+1",
            "1e5",
            "99999",
        ]
    ),
    st.text(max_size=12),
)
ROW = st.lists(CELLS, max_size=len(HEADER) + 2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, max_size=12), st.booleans())
def test_random_rows_never_crash(data_rows, titled):
    result = check_lines(table(title=titled) + data_rows, DRIVE)
    assert [line.line for line in result.lines] == list(range(1, len(result.lines) + 1))
    assert len(result.lines) <= len(data_rows)
    for line in result.lines:
        assert line.verdict in VERDICTS
        assert line.verdict == (line.codes[0] if line.codes else "ok")
        assert len(line.codes) == len(line.messages)
        assert all(isinstance(m, str) and m for m in line.messages)
        assert [PROBLEM_ORDER.index(c) for c in line.codes] == sorted(PROBLEM_ORDER.index(c) for c in line.codes)


@settings(max_examples=100, deadline=None)
@given(st.lists(ROW, max_size=14))
def test_random_tables_either_check_or_say_what_is_missing(rows):
    try:
        result = check_lines(rows, DRIVE)
    except ListFormatError as exc:
        message = str(exc)
        assert "Ngày sinh" in message or "Họ và tên" in message or message.startswith("Danh sách trống")
    else:
        assert all(line.verdict in VERDICTS for line in result.lines)


def test_birth_after_the_drive_or_in_an_implausible_year_is_an_invalid_date():
    line = only(person(dob="10/07/2021", cccd="", phone=""))
    assert line.codes == ["invalid_date"] and "sau ngày hiến máu 09/07/2021" in line.messages[0]
    assert only(person(dob="01/01/1850", cccd="", phone="")).messages == [
        "Ngày sinh: “01/01/1850”: năm 1850 không hợp lý."
    ]
    assert only(person(last="31/12/9999")).verdict == "invalid_date"


def test_empty_list():
    with pytest.raises(ListFormatError, match="Danh sách trống"):
        check_lines([[], [""]], DRIVE)
