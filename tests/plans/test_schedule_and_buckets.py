"""The small pieces under the appendix reader: month schedules written as text, bucket headers, and
pasted text split into paragraphs and tables."""

import datetime

import pytest

from hienmau.core.lib.dates import parse_date
from hienmau.plans.lib.appendix import Paragraph, TableBlock
from hienmau.plans.lib.buckets import bucket_from_header, bucket_label, bucket_sort_key
from hienmau.plans.lib.document import blocks_from_text
from hienmau.plans.lib.schedule import looks_like_schedule, parse_schedule
from tests.plans.helpers import analyse, tsv

# --- schedule -----------------------------------------------------------------------------------


def test_schedule_reads_one_amount_per_month():
    schedule = parse_schedule("Tháng 4 (400đv); tháng 7 (400đv); tháng 9 (500đv)")
    assert schedule.amounts == {4: 400, 7: 400, 9: 500}
    assert schedule.total == 1300
    assert schedule.months_without_amount == [] and schedule.invalid_months == []


@pytest.mark.parametrize(
    "text",
    [
        "Tháng 6 (1.532đv)",
        "tháng 6: 1.532 đơn vị",
        "THÁNG 6 (1532 ĐVM)",
        "Tháng 6 (1.532 đ.v)",
    ],
)
def test_schedule_amount_spellings(text):
    assert parse_schedule(text).amounts == {6: 1532}


def test_schedule_month_without_amount_is_kept_aside_not_guessed():
    schedule = parse_schedule("Tháng 5 (200đv); tháng 10")
    assert schedule.amounts == {5: 200}
    assert schedule.months_without_amount == [10]


def test_schedule_two_months_for_one_amount_cannot_be_placed():
    schedule = parse_schedule("Tháng 5, 6 (300đv); tháng 8 và 9 (200đv)")
    assert schedule.amounts == {}
    assert schedule.months_without_amount == [5, 6, 8, 9]


def test_schedule_same_month_twice_adds_up():
    assert parse_schedule("Tháng 3 (100đv); tháng 3 (50đv)").amounts == {3: 150}


def test_schedule_month_out_of_range_is_invalid():
    schedule = parse_schedule("Tháng 0 (10đv); tháng 13 (20đv); tháng 12 (30đv)")
    assert schedule.invalid_months == [0, 13]
    assert schedule.amounts == {12: 30}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tháng 4 (400đv)", True),
        ("trong tháng", True),
        ("Quý II", False),
        ("", False),
        ("Cả năm", False),
    ],
)
def test_looks_like_schedule_needs_the_word_thang(text, expected):
    assert looks_like_schedule(text) is expected


# --- buckets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Tháng 5", ("month:5", None)),
        ("THÁNG 12", ("month:12", None)),
        ("Đợt I (15/3/2024)", ("round:1", "15/3/2024")),
        ("Đợt II (18/7/2024)", ("round:2", "18/7/2024")),
        ("Đợt III (9/11/2024)", ("round:3", "9/11/2024")),
        ("Đợt IV", ("round:4", None)),
        ("Đợt1", ("round:1", None)),
        ("Tháng 13", None),
        ("THÁNG", None),
        ("Tổng cộng", None),
    ],
)
def test_bucket_from_header(header, expected):
    assert bucket_from_header(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Đợt 1", ("round:1", None)),
        ("Đợt 2 (18/7/2024)", ("round:2", "18/7/2024")),
        ("Đợt 12", ("round:12", None)),
    ],
)
def test_rounds_numbered_with_digits_are_buckets(header, expected):
    assert bucket_from_header(header) == expected


def test_table_with_digit_numbered_rounds_keeps_the_round_values():
    result = analyse(
        tsv(
            ["STT", "Đơn vị", "Tổng số", "Đợt 1", "Đợt 2"],
            ["1", "Vân Du", "54", "25", "29"],
            ["", "Tổng cộng", "54", "25", "29"],
        )
    )
    assert result["rows"][0]["buckets"] == {"round:1": 25, "round:2": 29}


def test_bucket_labels_and_order_put_months_before_rounds():
    keys = ["round:2", "month:11", "round:1", "month:5"]
    assert sorted(keys, key=bucket_sort_key) == ["month:5", "month:11", "round:1", "round:2"]
    assert [bucket_label(k) for k in ("month:5", "round:3")] == ["Tháng 5", "Đợt III"]


def test_round_dates_use_the_default_year_and_refuse_impossible_dates():
    assert parse_date("15/3/2024") == datetime.date(2024, 3, 15)
    assert parse_date("9/11", default_year=2024) == datetime.date(2024, 11, 9)
    with pytest.raises(ValueError):
        parse_date("31/6", default_year=2022)


# --- pasted text --------------------------------------------------------------------------------


def test_blocks_from_text_splits_paragraphs_and_tables():
    blocks = blocks_from_text("PHỤ LỤC\nSTT\tĐơn vị\tTổng\n1\tHuyện A\t10\n\nNơi nhận:\n")
    assert blocks == [
        Paragraph("PHỤ LỤC"),
        TableBlock([["STT", "Đơn vị", "Tổng"], ["1", "Huyện A", "10"]]),
        Paragraph("Nơi nhận:"),
    ]


def test_blank_line_inside_a_table_keeps_one_table():
    blocks = blocks_from_text("STT\tĐơn vị\tTổng\n1\tHuyện A\t10\n\n2\tHuyện B\t20\n")
    assert [type(b) for b in blocks] == [TableBlock]
    assert len(blocks[0].rows) == 3


def test_wrapped_amount_line_is_joined_to_the_last_filled_cell():
    blocks = blocks_from_text("STT\tĐơn vị\tLịch\n1\tHuyện A\tTháng 4 (400đv); tháng 11\t\n(400đv).\n")
    (table,) = blocks
    assert table.rows[1] == ["1", "Huyện A", "Tháng 4 (400đv); tháng 11 (400đv).", ""]


def test_windows_line_endings_are_accepted():
    blocks = blocks_from_text("STT\tĐơn vị\tTổng\r\n1\tHuyện A\t10\r\n")
    assert blocks[0].rows[1] == ["1", "Huyện A", "10"]


def test_ordinary_paragraph_after_a_table_is_not_joined():
    blocks = blocks_from_text("STT\tĐơn vị\tLịch\n1\tHuyện A\tTháng 4 (400đv)\nĐề nghị các đơn vị thực hiện.\n")
    assert blocks[-1] == Paragraph("Đề nghị các đơn vị thực hiện.")
    assert blocks[0].rows[1][-1] == "Tháng 4 (400đv)"
