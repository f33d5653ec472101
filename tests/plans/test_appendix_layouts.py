"""Layouts the seeds never showed: each oddity is read with a finding that explains it, never fixed in
silence. A total row with no label, "Cộng"/"Tổng"/"Tổng cộng", numbers written 1.532 / 1,532 / "1 532",
and the header repeated on each printed page."""

import pytest

from hienmau.plans.lib.document import analyse_text
from tests.plans.helpers import assert_contract, codes, findings, tsv

HEADER = ["STT", "Đơn vị", "Tháng 5", "Tháng 6", "Tổng cộng"]
ROWS = [["1", "Huyện A", "100", "", "100"], ["2", "Huyện B", "", "1532", "1532"], ["3", "Huyện C", "50", "50", "100"]]


def result_of(*rows) -> dict:
    result = analyse_text(tsv("PHỤ LỤC", *rows)).appendix.result()
    assert_contract(result)
    return result


def test_unlabelled_row_whose_numbers_are_the_column_sums_is_the_total_with_a_finding():
    result = result_of(HEADER, *ROWS, ["", "", "150", "1582", "1732"])
    assert [r["unit"] for r in result["rows"]] == ["Huyện A", "Huyện B", "Huyện C"]
    assert result["totals"] == {"stated": 1732, "computed": 1732}
    (found,) = findings(result, "unlabelled_total")
    assert "dòng 5" in found["message"] and "1732" in found["message"]


def test_unlabelled_row_that_is_not_the_sum_is_not_taken_for_a_total():
    result = result_of(HEADER, *ROWS, ["", "", "150", "1582", "1800"])
    assert result["totals"]["stated"] is None
    assert "unlabelled_total" not in codes(result)


def test_unlabelled_row_with_wrong_month_sums_is_not_taken_for_a_total():
    result = result_of(HEADER, *ROWS, ["", "", "140", "1592", "1732"])
    assert result["totals"]["stated"] is None


@pytest.mark.parametrize("label", ["Cộng", "Tổng", "Tổng cộng", "TỔNG CỘNG"])
def test_total_row_labels(label):
    result = result_of(HEADER, *ROWS, ["", label, "150", "1582", "1732"])
    assert result["totals"] == {"stated": 1732, "computed": 1732}
    assert len(result["rows"]) == 3
    assert "unlabelled_total" not in codes(result)


@pytest.mark.parametrize("written", ["1.532", "1 532", "1532"])
def test_numbers_grouped_with_dots_or_spaces_read_as_the_number(written):
    result = result_of(HEADER, ["1", "Huyện B", "", written, written])
    assert result["rows"][0]["total"] == 1532 and result["rows"][0]["buckets"] == {"month:6": 1532}
    assert "comma_thousands" not in codes(result)


def test_number_grouped_with_a_comma_is_read_with_a_finding_since_it_may_be_a_decimal():
    result = result_of(HEADER, ["1", "Huyện B", "", "1,532", "1,532"])
    assert result["rows"][0]["total"] == 1532 and result["rows"][0]["buckets"] == {"month:6": 1532}
    (found,) = findings(result, "comma_thousands", "Huyện B")
    assert "“1,532”" in found["message"] and "1.532" in found["message"] and "thập phân" in found["message"]
    assert "note_instead_of_number" not in codes(result)


def test_header_repeated_on_each_printed_page_is_skipped_with_a_finding():
    result = result_of(HEADER, *ROWS[:2], HEADER, ROWS[2], ["", "Tổng cộng", "150", "1582", "1732"])
    assert [r["unit"] for r in result["rows"]] == ["Huyện A", "Huyện B", "Huyện C"]
    assert result["totals"] == {"stated": 1732, "computed": 1732}
    (found,) = findings(result, "repeated_header")
    assert "dòng 4" in found["message"]


def test_two_row_header_repeated_is_skipped_row_by_row():
    top = ["STT", "Đơn vị", "Tháng", "", "Tổng cộng"]
    sub = ["", "", "Tháng 5", "Tháng 6", ""]
    result = result_of(top, sub, *ROWS[:2], top, sub, ROWS[2], ["", "Tổng cộng", "150", "1582", "1732"])
    assert [r["unit"] for r in result["rows"]] == ["Huyện A", "Huyện B", "Huyện C"]
    assert len(findings(result, "repeated_header")) == 2
    assert result["totals"] == {"stated": 1732, "computed": 1732}
