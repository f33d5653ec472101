"""The real seed documents through `analyse_text`: plain functions, no database."""

import datetime
import json

import pytest

from hienmau.plans.lib.appendix import AppendixError
from hienmau.plans.lib.document import analyse_text
from tests.plans.helpers import analyse, assert_contract, codes, findings, row, seed_path, seed_text


@pytest.fixture(scope="module")
def kien_giang():
    return analyse_text(seed_text(0))


@pytest.fixture(scope="module")
def an_thi():
    return analyse_text(seed_text(1))


@pytest.fixture(scope="module")
def bac_kan():
    return analyse_text(seed_text(3))


@pytest.mark.parametrize("number", [0, 1, 3])
def test_every_seed_result_keeps_the_json_contract(number):
    result = analyse(seed_text(number))
    assert_contract(result)
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


def test_seeds_are_read_with_open_read_as_the_brief_says():
    with open(seed_path(0), encoding="utf-8") as handle:
        assert len(analyse_text(handle.read()).appendix.rows) == 23


# --- seed 000: Kiên Giang, 66/KH-BCĐ, 23 units × months 5–8 -----------------------------------


def test_kien_giang_reads_23_rows_over_months_5_to_8(kien_giang):
    result = kien_giang.appendix.result()
    assert len(result["rows"]) == 23
    keys = {key for item in result["rows"] for key in item["buckets"]}
    assert keys == {"month:5", "month:6", "month:7", "month:8"}
    assert [b.key for b in kien_giang.appendix.buckets] == ["month:5", "month:6", "month:7", "month:8"]


def test_kien_giang_stated_total_7411_equals_computed(kien_giang):
    assert kien_giang.appendix.result()["totals"] == {"stated": 7411, "computed": 7411}


def test_kien_giang_rows_are_written_as_the_document_writes_them(kien_giang):
    result = kien_giang.appendix.result()
    assert result["rows"][0] == {
        "unit": "BCĐ. thành phố Rạch Giá",
        "total": 350,
        "buckets": {"month:6": 350},
        "prior": None,
        "note": None,
    }
    assert row(result, "Bệnh viện Đa khoa tỉnh") == {
        "unit": "Bệnh viện Đa khoa tỉnh",
        "total": 348,
        "buckets": {"month:5": 87, "month:6": 87, "month:7": 87, "month:8": 87},
        "prior": None,
        "note": None,
    }
    assert result["rows"][-1]["unit"] == "Liên đoàn Lao động tỉnh"
    assert all(item["total"] == sum(item["buckets"].values()) for item in result["rows"])


def test_kien_giang_month_columns_add_up_to_the_total_row(kien_giang):
    rows = kien_giang.appendix.result()["rows"]
    sums = {m: sum(r["buckets"].get(f"month:{m}", 0) for r in rows) for m in (5, 6, 7, 8)}
    assert sums == {5: 1532, 6: 2220, 7: 2172, 8: 1487}  # the "Tổng cộng" row: 1.532 2.220 2.172 1.487


def test_kien_giang_has_exactly_one_finding_the_impossible_31_6_2022(kien_giang):
    result = kien_giang.appendix.result()
    assert codes(result) == ["invalid_date"]
    finding = result["findings"][0]
    assert finding["unit"] is None
    assert "31/6/2022" in finding["message"]


def test_kien_giang_header_number_and_date(kien_giang):
    assert kien_giang.number.label == "66/KH-BCĐ"
    assert kien_giang.date == datetime.date(2022, 4, 5)
    assert kien_giang.place == "Kiên Giang"


# --- seed 001: Ân Thi, 14/KH-UBND, two tables with sections, rounds with dates ------------------


def test_an_thi_reads_41_rows_from_two_tables_with_their_sections(an_thi):
    rows = an_thi.appendix.rows
    assert len(rows) == 41
    assert [r.table for r in rows] == [1] * 21 + [2] * 20
    assert {r.section for r in rows[:21]} == {"I. Các xã, thị trấn"}
    assert {r.section for r in rows[21:]} == {"II. Các cơ quan, đơn vị, trường học, doanh nghiệp"}


def test_an_thi_totals_1921_stated_and_computed(an_thi):
    assert an_thi.appendix.result()["totals"] == {"stated": 1921, "computed": 1921}


def test_an_thi_subtotal_rows_are_not_data_rows(an_thi):
    units = [r["unit"] for r in an_thi.appendix.result()["rows"]]
    assert not any(u.lower().startswith(("tổng", "cộng")) for u in units)
    assert units[0] == "Thị trấn Ân Thi" and units[-1] == "Tòa án nhân dân huyện"


def test_an_thi_rounds_keep_their_dates(an_thi):
    buckets = [(b.key, b.date) for b in an_thi.appendix.buckets]
    assert buckets == [("round:1", "15/3/2024"), ("round:2", "18/7/2024"), ("round:3", "9/11/2024")]


def test_an_thi_exact_rows(an_thi):
    result = an_thi.appendix.result()
    assert row(result, "Vân Du") == {
        "unit": "Vân Du",
        "total": 54,
        "buckets": {"round:1": 25, "round:2": 29},
        "prior": None,
        "note": None,
    }
    assert row(result, "Thị trấn Ân Thi") == {
        "unit": "Thị trấn Ân Thi",
        "total": 74,
        "buckets": {"round:1": 40, "round:2": 34},
        "prior": None,
        "note": None,
    }
    assert row(result, "Ngành giáo dục") == {
        "unit": "Ngành giáo dục",
        "total": 500,
        "buckets": {"round:1": 250, "round:3": 250},
        "prior": None,
        "note": None,
    }
    assert row(result, "Trường THPT Ân Thi")["buckets"] == {"round:2": 30, "round:3": 30}
    assert row(result, "Công ty TNHH may Fore Mat") == {
        "unit": "Công ty TNHH may Fore Mat",
        "total": 75,
        "buckets": {},
        "prior": None,
        "note": None,
    }
    assert row(result, "Công ty TNHH may Smart Shirts") == {
        "unit": "Công ty TNHH may Smart Shirts",
        "total": None,
        "buckets": {},
        "prior": None,
        "note": "(Liên đoàn lao động huyện phụ trách)",
    }
    assert row(result, "Công ty Mây tre đan Yên Hưng") == {
        "unit": "Công ty Mây tre đan Yên Hưng",
        "total": None,
        "buckets": {"round:1": 25, "round:2": 25, "round:3": 25},
        "prior": None,
        "note": None,
    }


def test_an_thi_findings_are_exactly_the_documents_mistakes(an_thi):
    result = an_thi.appendix.result()
    got = sorted((f["code"], f["unit"] or "") for f in result["findings"])
    assert got == sorted(
        [
            ("reference_mismatch", ""),
            ("reference_mismatch", ""),
            ("row_sum_mismatch", "Công ty TNHH may Fore Mat"),
            ("schedule_unallocated", "Công ty TNHH may Fore Mat"),
            ("note_instead_of_number", "Công ty TNHH may Smart Shirts"),
            ("row_sum_mismatch", "Công ty Mây tre đan Yên Hưng"),
        ]
    )


def test_an_thi_appendix_cites_plan_17_but_the_header_says_14(an_thi):
    messages = [f["message"] for f in findings(an_thi.appendix.result(), "reference_mismatch")]
    assert any("17/KH-UBND" in m and "14/KH-UBND" in m for m in messages)


def test_an_thi_higher_plan_184_is_dated_after_this_plan(an_thi):
    messages = [f["message"] for f in findings(an_thi.appendix.result(), "reference_mismatch")]
    assert any("184/KH-UBND" in m and "20/12/2024" in m and "17/01/2024" in m for m in messages)
    assert an_thi.date == datetime.date(2024, 1, 17)
    assert an_thi.number.label == "14/KH-UBND"


def test_an_thi_delegated_target_names_who_is_responsible(an_thi):
    smart = next(r for r in an_thi.appendix.rows if r.unit == "Công ty TNHH may Smart Shirts")
    assert smart.delegate_to == "Liên đoàn lao động huyện"
    (finding,) = findings(an_thi.appendix.result(), "note_instead_of_number")
    assert "Liên đoàn lao động huyện" in finding["message"]
    assert all(r.delegate_to is None for r in an_thi.appendix.rows if r is not smart)


def test_an_thi_missing_total_with_rounds_25_25_25_is_a_row_sum_mismatch(an_thi):
    (finding,) = findings(an_thi.appendix.result(), "row_sum_mismatch", "Công ty Mây tre đan Yên Hưng")
    assert "75" in finding["message"]


def test_an_thi_total_without_any_round_is_unallocated(an_thi):
    result = an_thi.appendix.result()
    assert len(findings(result, "row_sum_mismatch", "Công ty TNHH may Fore Mat")) == 1
    (finding,) = findings(result, "schedule_unallocated", "Công ty TNHH may Fore Mat")
    assert "75" in finding["message"]


# --- seed 003: Bắc Kạn, a numbered quota list instead of a table --------------------------------


def test_bac_kan_reads_the_six_quota_lines(bac_kan):
    result = bac_kan.appendix.result()
    assert [(r["unit"], r["total"]) for r in result["rows"]] == [
        ("Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố", 110),
        ("Công an thành phố", 60),
        ("Phòng Giáo dục và Đào tạo thành phố", 100),
        ("Liên đoàn Lao động thành phố", 60),
        ("Ban Chỉ đạo vận động HMTN 08 xã phường mỗi đơn vị", 120),
        ("Ban Chỉ huy Quân sự thành phố", 10),
    ]
    assert all(r["buckets"] == {} and r["prior"] is None for r in result["rows"])


def test_bac_kan_stated_460_registrations_equals_computed(bac_kan):
    result = bac_kan.appendix.result()
    assert result["totals"] == {"stated": 460, "computed": 460}
    assert "total_mismatch" not in codes(result)
    assert bac_kan.appendix.metric == "registrations"


def test_bac_kan_group_row_keeps_the_per_unit_quota_as_a_note(bac_kan):
    group = row(bac_kan.appendix.result(), "Ban Chỉ đạo vận động HMTN 08 xã phường mỗi đơn vị")
    assert group["total"] == 120
    assert "15 người" in group["note"]


def test_quota_list_whose_total_disagrees_is_a_total_mismatch():
    text = seed_text(3).replace("**460 người;**", "**470 người;**")
    result = analyse(text)
    assert result["totals"] == {"stated": 470, "computed": 460}
    assert codes(result).count("total_mismatch") == 1


def test_quota_list_with_a_non_integer_quota_is_read_as_a_note_with_a_finding():
    text = "1. Đơn vị A: **2.5 người**\n2. Đơn vị B: **10 người**\n"
    result = analyse(text)
    assert [(r["unit"], r["total"], r["note"]) for r in result["rows"]] == [
        ("Đơn vị A", None, "2.5 người"),
        ("Đơn vị B", 10, None),
    ]
    assert codes(result) == ["note_instead_of_number"]
    assert result["totals"] == {"stated": None, "computed": 10}


# --- seed 004: review conclusions, no appendix at all -------------------------------------------


def test_review_conclusions_without_a_table_raise_appendix_error():
    with pytest.raises(AppendixError) as info:
        analyse_text(seed_text(4))
    assert "bảng" in str(info.value).lower()
