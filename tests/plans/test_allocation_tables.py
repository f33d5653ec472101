"""Synthetic appendix tables: the seed-002 style annual allocation (last year's plan / actual / %, this
year's plan, a month schedule written as text) and month-column tables with subtotals and totals."""

import pytest

from hienmau.plans.lib.appendix import AppendixError
from hienmau.plans.lib.document import analyse_text
from tests.plans.helpers import analyse, assert_contract, codes, findings, row, tsv

ANNUAL_HEADER = [
    "STT",
    "Đơn vị",
    "Kế hoạch năm 2023",
    "Thực hiện năm 2023",
    "Tỷ lệ %",
    "Kế hoạch năm 2024",
    "Thời gian tiếp nhận",
]


def annual(*rows, total=None) -> str:
    """A seed-002 style appendix: title paragraphs, the header, rows, and a "Tổng cộng" row."""
    lines = ["PHỤ LỤC", "Phân bổ chỉ tiêu tiếp nhận máu năm 2024", ANNUAL_HEADER, *rows]
    if total is not None:
        lines.append(["", "Tổng cộng", "", "", "", total, ""])
    return tsv(*lines)


HOSPITAL = [
    "1.",
    "Bệnh viện Đa khoa tỉnh",
    "1.200",
    "1.250",
    "104",
    "1.300",
    "Tháng 4 (400đv); tháng 7 (400đv); tháng 9 (500đv)",
]
POLICE = ["2.", "Công an tỉnh", "800", "720", "90", "900", "Tháng 3 (300đv); tháng 6 (300đv); tháng 11 (300đv)."]
DISTRICT = ["3.", "Huyện An Minh", "1.532", "1.532", "100", "1.532", "Tháng 6 (1.532đv)"]


# --- reading ------------------------------------------------------------------------------------


def test_consistent_annual_table_has_no_findings_and_totals_agree():
    result = analyse(annual(HOSPITAL, POLICE, DISTRICT, total="3.732"))
    assert_contract(result)
    assert result["findings"] == []
    assert result["totals"] == {"stated": 3732, "computed": 3732}


def test_annual_row_reads_prior_year_this_year_total_and_month_buckets():
    result = analyse(annual(HOSPITAL, total="1.300"))
    assert result["rows"] == [
        {
            "unit": "Bệnh viện Đa khoa tỉnh",
            "total": 1300,  # the 2024 column, not last year's plan
            "buckets": {"month:4": 400, "month:7": 400, "month:9": 500},
            "prior": {"plan": 1200, "actual": 1250, "percent": 104},
            "note": None,
        }
    ]


def test_vietnamese_thousands_are_read_in_every_number_column_and_in_the_schedule():
    result = analyse(annual(DISTRICT, total="1.532"))
    assert result["rows"][0]["total"] == 1532
    assert result["rows"][0]["prior"] == {"plan": 1532, "actual": 1532, "percent": 100}
    assert result["rows"][0]["buckets"] == {"month:6": 1532}
    assert result["totals"] == {"stated": 1532, "computed": 1532}


def test_schedule_entry_split_by_a_line_break_is_joined_to_its_month():
    text = tsv(
        ANNUAL_HEADER,
        HOSPITAL,
        ["2.", "Công an tỉnh", "800", "720", "90", "900", "Tháng 3 (300đv); tháng 6 (300đv); tháng 11"],
        "(300đv).",  # Word wrapped the last entry onto a line of its own
        ["", "Tổng cộng", "", "", "", "2.200", ""],
    )
    result = analyse(text)
    assert [r["unit"] for r in result["rows"]] == ["Bệnh viện Đa khoa tỉnh", "Công an tỉnh"]
    assert row(result, "Công an tỉnh")["buckets"] == {"month:3": 300, "month:6": 300, "month:11": 300}
    assert result["findings"] == []
    assert result["totals"] == {"stated": 2200, "computed": 2200}


def test_schedule_entry_split_after_the_last_row_is_joined_too():
    text = tsv(
        ANNUAL_HEADER,
        ["1.", "Bệnh viện Đa khoa tỉnh", "1.200", "1.250", "104", "1.300", "Tháng 4 (400đv); tháng 7 (400đv); tháng 9"],
        "(500đv).",
        "Nơi nhận:",
    )
    result = analyse(text)
    assert result["rows"][0]["buckets"] == {"month:4": 400, "month:7": 400, "month:9": 500}
    assert "schedule_unallocated" not in codes(result)


def test_schedule_entry_continued_with_another_month_on_the_next_line():
    text = tsv(
        ANNUAL_HEADER,
        ["1.", "Bệnh viện Đa khoa tỉnh", "1.200", "1.250", "104", "1.300", "Tháng 4 (400đv); tháng 7 (400đv);"],
        "tháng 9 (500đv).",
    )
    assert analyse(text)["rows"][0]["buckets"] == {"month:4": 400, "month:7": 400, "month:9": 500}


def test_blank_prior_cells_read_as_none_not_zero():
    new_unit = ["4.", "Trường Đại học Kiên Giang", "", "", "", "300", "Tháng 10 (300đv)"]
    result = analyse(annual(new_unit, total="300"))
    assert result["rows"][0]["prior"] == {"plan": None, "actual": None, "percent": None}
    assert result["findings"] == []


def test_percent_with_decimal_comma_and_percent_sign_is_read():
    result = analyse(annual(["1.", "Bệnh viện Đa khoa tỉnh", "1.200", "1.250", "104,2%", "1.300", "Tháng 4 (1.300đv)"]))
    assert result["rows"][0]["prior"]["percent"] == 104
    assert "percent_mismatch" not in codes(result)


# --- findings -----------------------------------------------------------------------------------


def test_stated_percent_that_differs_from_actual_over_plan_is_a_percent_mismatch():
    college = ["3.", "Trường Cao đẳng Y tế", "500", "400", "90", "600", "Tháng 5 (300đv); tháng 10 (300đv)"]
    result = analyse(annual(college, total="600"))
    (finding,) = result["findings"]
    assert finding["code"] == "percent_mismatch"
    assert finding["unit"] == "Trường Cao đẳng Y tế"
    assert "90%" in finding["message"] and "80.0%" in finding["message"]


def test_percent_rounded_by_the_document_is_not_a_mismatch():
    # 1.250 / 1.200 = 104.17 %, written 104
    assert analyse(annual(HOSPITAL, total="1.300"))["findings"] == []


def test_month_named_without_an_amount_is_unallocated():
    college = ["3.", "Trường Cao đẳng Y tế", "500", "500", "100", "600", "Tháng 5 (600đv); tháng 10"]
    result = analyse(annual(college, total="600"))
    (finding,) = result["findings"]
    assert finding["code"] == "schedule_unallocated"
    assert finding["unit"] == "Trường Cao đẳng Y tế"
    assert "tháng 10" in finding["message"]
    assert result["rows"][0]["buckets"] == {"month:5": 600}


def test_schedule_that_places_less_than_the_total_is_unallocated_not_a_row_sum_mismatch():
    college = ["3.", "Trường Cao đẳng Y tế", "500", "500", "100", "600", "Tháng 5 (200đv); tháng 8 (200đv)"]
    result = analyse(annual(college, total="600"))
    assert codes(result) == ["schedule_unallocated"]
    assert "400/600" in result["findings"][0]["message"] and "200" in result["findings"][0]["message"]


def test_month_without_amount_and_missing_amount_are_both_reported():
    college = ["3.", "Trường Cao đẳng Y tế", "500", "400", "90", "600", "Tháng 5 (200đv); tháng 10"]
    result = analyse(annual(college, total="600"))
    assert sorted(codes(result)) == ["percent_mismatch", "schedule_unallocated", "schedule_unallocated"]


def test_schedule_that_places_more_than_the_total_is_a_row_sum_mismatch():
    school = ["4.", "Trường Đại học Kiên Giang", "", "", "", "300", "Tháng 2 (100đv); tháng 8 (300đv)"]
    result = analyse(annual(school, total="300"))
    (finding,) = result["findings"]
    assert finding["code"] == "row_sum_mismatch"
    assert finding["unit"] == "Trường Đại học Kiên Giang"
    assert "300" in finding["message"] and "400" in finding["message"]


def test_two_months_sharing_one_amount_cannot_be_placed():
    unit = ["1.", "Huyện Tân Hiệp", "600", "600", "100", "600", "Tháng 5, 6 (600đv)"]
    result = analyse(annual(unit))
    assert result["rows"][0]["buckets"] == {}
    messages = [f["message"] for f in findings(result, "schedule_unallocated")]
    assert any("5, 6" in m for m in messages)


def test_schedule_naming_month_13_is_an_invalid_date_for_that_unit():
    unit = ["1.", "Huyện Tân Hiệp", "600", "600", "100", "600", "Tháng 6 (300đv); tháng 13 (300đv)"]
    result = analyse(annual(unit))
    (invalid,) = findings(result, "invalid_date")
    assert invalid["unit"] == "Huyện Tân Hiệp" and "13" in invalid["message"]


def test_words_in_the_plan_column_are_a_note_instead_of_number():
    unit = ["5.", "Công ty TNHH Smart Shirts", "100", "90", "90", "Liên đoàn lao động tỉnh phụ trách", ""]
    result = analyse(annual(unit))
    assert result["rows"][0]["total"] is None
    assert result["rows"][0]["note"] == "Liên đoàn lao động tỉnh phụ trách"
    (finding,) = findings(result, "note_instead_of_number")
    assert "Liên đoàn lao động tỉnh" in finding["message"]


def test_wrong_grand_total_in_the_annual_table_is_a_total_mismatch():
    result = analyse(annual(HOSPITAL, POLICE, total="2.300"))
    assert result["totals"] == {"stated": 2300, "computed": 2200}
    (finding,) = result["findings"]
    assert finding["code"] == "total_mismatch" and finding["unit"] is None
    assert "2300" in finding["message"] and "2200" in finding["message"]


# --- month-column tables: blanks, STT forms, subtotals, totals ---------------------------------

MONTHS = ["STT", "Đơn vị", "Tháng 5", "Tháng 6", "Tổng cộng"]


def test_blank_month_cells_are_left_out_of_the_buckets():
    result = analyse(
        tsv(
            MONTHS,
            ["1", "Huyện A", "100", "", "100"],
            ["2", "Huyện B", "", "1.200", "1.200"],
            ["", "Tổng cộng", "100", "1.200", "1.300"],
        )
    )
    assert [r["buckets"] for r in result["rows"]] == [{"month:5": 100}, {"month:6": 1200}]
    assert result["findings"] == []


def test_blank_total_cell_reads_as_none_and_is_reported_when_months_are_filled():
    result = analyse(tsv(MONTHS, ["1", "Huyện A", "100", "50", ""]))
    assert result["rows"][0]["total"] is None
    assert codes(result) == ["row_sum_mismatch"]
    assert result["totals"] == {"stated": None, "computed": 0}


def test_dash_in_a_cell_reads_as_blank():
    result = analyse(tsv(MONTHS, ["1", "Huyện A", "100", "-", "100"]))
    assert result["rows"][0]["buckets"] == {"month:5": 100}
    assert result["findings"] == []


@pytest.mark.parametrize("stt", ["1", "1.", "1)", "1 .", " 1. "])
def test_stt_with_trailing_dot_or_parenthesis_starts_a_data_row(stt):
    result = analyse(tsv(MONTHS, [stt, "Huyện A", "100", "", "100"], ["", "Tổng cộng", "100", "", "100"]))
    assert [r["unit"] for r in result["rows"]] == ["Huyện A"]
    assert result["totals"] == {"stated": 100, "computed": 100}


def test_month_cells_that_disagree_with_the_row_total_are_a_row_sum_mismatch():
    result = analyse(tsv(MONTHS, ["1", "Huyện A", "100", "50", "100"]))
    (finding,) = result["findings"]
    assert finding["code"] == "row_sum_mismatch" and finding["unit"] == "Huyện A"
    assert "150" in finding["message"]


def test_wrong_stated_total_is_reported_for_the_total_and_for_each_wrong_month_column():
    result = analyse(
        tsv(
            MONTHS,
            ["1", "Huyện A", "100", "", "100"],
            ["2", "Huyện B", "", "1.200", "1.200"],
            ["", "Tổng cộng", "100", "1.250", "1.350"],
        )
    )
    assert result["totals"] == {"stated": 1350, "computed": 1300}
    mismatches = findings(result, "total_mismatch")
    assert len(mismatches) == 2
    assert any("1350" in f["message"] and "1300" in f["message"] for f in mismatches)
    assert any("Tháng 6" in f["message"] and "1250" in f["message"] and "1200" in f["message"] for f in mismatches)
    assert not any("Tháng 5" in f["message"] for f in mismatches)


def test_section_subtotals_tong_i_and_tong_ii_are_checked_and_not_rows():
    result = analyse(
        tsv(
            MONTHS,
            ["1", "Huyện A", "100", "", "100"],
            ["2", "Huyện B", "", "200", "200"],
            ["Tổng I", "", "100", "200", "300"],
            ["1", "Sở Y tế", "50", "", "50"],
            ["Tổng II", "", "50", "", "60"],
            ["Tổng cộng (I+II)", "", "150", "200", "350"],
        )
    )
    assert [r["unit"] for r in result["rows"]] == ["Huyện A", "Huyện B", "Sở Y tế"]
    assert result["totals"] == {"stated": 350, "computed": 350}
    (finding,) = result["findings"]
    assert finding["code"] == "total_mismatch"
    assert "Tổng II" in finding["message"] and "60" in finding["message"] and "50" in finding["message"]


def test_a_single_cong_row_closing_the_table_is_its_grand_total():
    result = analyse(
        tsv(
            MONTHS,
            ["1", "Huyện A", "100", "", "100"],
            ["2", "Huyện B", "", "200", "200"],
            ["", "Cộng", "100", "200", "300"],
        )
    )
    assert [r["unit"] for r in result["rows"]] == ["Huyện A", "Huyện B"]
    assert result["totals"] == {"stated": 300, "computed": 300}
    assert result["findings"] == []


def test_section_heading_inside_the_table_sets_the_section_and_is_not_a_row():
    document = analyse_text(
        tsv(
            MONTHS,
            ["1", "Huyện A", "100", "", "100"],
            ["B. Khối cơ quan", "", "", "", ""],
            ["2", "Sở Y tế", "", "50", "50"],
        )
    )
    assert [(r.unit, r.section) for r in document.appendix.rows] == [("Huyện A", None), ("Sở Y tế", "B. Khối cơ quan")]


def test_table_without_a_unit_column_is_refused_with_a_message():
    with pytest.raises(AppendixError, match="cột tên đơn vị"):
        analyse(tsv(["STT", "Nội dung", "Số lượng"], ["1", "Tuyên truyền", "10"]))


def test_text_without_any_table_is_refused():
    with pytest.raises(AppendixError):
        analyse("KẾ HOẠCH\nTổ chức hiến máu tình nguyện năm 2024\nNơi nhận: như trên.\n")


def test_comma_separated_text_is_read_as_a_table():
    result = analyse(
        'STT,Đơn vị,Tháng 5,Tổng cộng\n1,Huyện A,100,100\n2,"Huyện B, tỉnh C","1.200","1.200"\n'
        ',Tổng cộng,"1.300","1.300"\n'
    )
    assert [(r["unit"], r["total"]) for r in result["rows"]] == [("Huyện A", 100), ("Huyện B, tỉnh C", 1200)]
    assert result["totals"] == {"stated": 1300, "computed": 1300}


# --- regressions: bugs found by review, fixed, kept pinned --------------------------------------


def test_cong_subtotal_of_each_section_covers_only_its_section():
    result = analyse(
        tsv(
            "A. Khối huyện",
            MONTHS,
            ["1", "Huyện A", "100", "", "100"],
            ["2", "Huyện B", "", "200", "200"],
            ["", "Cộng", "100", "200", "300"],
            "B. Khối cơ quan",
            MONTHS,
            ["1", "Sở Y tế", "50", "", "50"],
            ["", "Cộng", "50", "", "50"],
            ["", "Tổng cộng", "150", "200", "350"],
        )
    )
    assert result["totals"] == {"stated": 350, "computed": 350}
    assert result["findings"] == []


def test_roman_section_row_in_stt_and_unit_cells_is_a_section_not_a_row():
    result = analyse(
        tsv(
            MONTHS,
            ["1", "Huyện A", "100", "", "100"],
            ["II", "Khối cơ quan", "", "", ""],
            ["2", "Sở Y tế", "50", "", "50"],
            ["", "Tổng cộng", "150", "", "150"],
        )
    )
    assert [r["unit"] for r in result["rows"]] == ["Huyện A", "Sở Y tế"]


def test_section_row_right_under_the_header_does_not_break_header_detection():
    result = analyse(
        tsv(
            MONTHS,
            ["A.", "Khối huyện", "", "", ""],
            ["1", "Huyện A", "100", "", "100"],
            ["", "Tổng cộng", "100", "", "100"],
        )
    )
    assert [r["unit"] for r in result["rows"]] == ["Huyện A"]


@pytest.mark.parametrize("unit", ["Công an tỉnh", "Công ty Cổ phần Cấp nước", "Tổng công ty Điện lực miền Nam"])
def test_units_named_cong_an_cong_ty_tong_cong_ty_are_rows_without_stt(unit):
    result = analyse(tsv(["Đơn vị", "Chỉ tiêu"], ["Huyện A", "100"], [unit, "50"], ["Tổng cộng", "150"]))
    assert [r["unit"] for r in result["rows"]] == ["Huyện A", unit]
    assert result["totals"] == {"stated": 150, "computed": 150}


def test_column_number_row_under_the_header_is_ignored():
    result = analyse(
        tsv(
            MONTHS,
            ["(1)", "(2)", "(3)", "(4)", "(5)"],
            ["1", "Huyện A", "100", "", "100"],
            ["", "Tổng cộng", "100", "", "100"],
        )
    )
    assert [r["unit"] for r in result["rows"]] == ["Huyện A"]


@pytest.mark.parametrize("percent", ["inf", "1e999"])
def test_percent_cell_that_is_not_a_finite_number_is_a_note(percent):
    result = analyse(annual(["1.", "Huyện A", "10", "10", percent, "5", ""]))
    assert result["rows"][0]["prior"]["percent"] is None


def test_schedule_month_written_with_its_year_keeps_its_amount():
    result = analyse(annual(["1.", "Huyện A", "400", "400", "100", "400", "Tháng 4/2024 (400đv)"]))
    assert result["rows"][0]["buckets"] == {"month:4": 400}
    assert result["findings"] == []


def test_schedule_month_dash_amount_is_read_as_an_amount():
    result = analyse(annual(["1.", "Huyện A", "400", "400", "100", "400", "Tháng 4 - 400đv"]))
    assert result["rows"][0]["buckets"] == {"month:4": 400}
    assert result["findings"] == []


def test_a_negative_target_is_a_finding_naming_the_unit():
    negative = ["4.", "Huyện Vĩnh Thuận", "", "", "", "-300", "Tháng 6 (-300đv)"]
    result = analyse(annual(HOSPITAL, negative, total="1.000"))
    assert_contract(result)
    (finding,) = findings(result, "negative_number")
    assert finding["unit"] == "Huyện Vĩnh Thuận"
    assert finding["message"] == "Huyện Vĩnh Thuận: tổng số ghi -300, chỉ tiêu không thể là số âm."


def test_a_negative_month_is_a_finding():
    header = ["STT", "Đơn vị", "Tổng", "Tháng 3", "Tháng 6"]
    result = analyse(tsv(header, ["1", "Huyện A", "100", "150", "-50"]))
    assert [f["message"] for f in findings(result, "negative_number")] == [
        "Huyện A: Tháng 6 ghi -50, chỉ tiêu không thể là số âm."
    ]
