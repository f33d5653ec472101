"""Property tests for the appendix reader: whatever text arrives, it returns a result that keeps the
contract or refuses with AppendixError; consistent tables produce no findings."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hienmau.plans.lib.appendix import AppendixError
from hienmau.plans.lib.document import analyse_text
from tests.plans.helpers import assert_contract, tsv, vn

FAST = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Cell text: digits, dots and other punctuation the documents use, Vietnamese letters, and "e"/"f" so that
# "inf" and "1e999" turn up in number cells.
LETTERS = "aăâbcdđeêfghiklmnoôơpqrstuưvxyÁÀẢÃẠắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐTCHVI"
ALPHABET = "0123456789" * 3 + ".,;:()%/-+* " + LETTERS
HEADERS = st.sampled_from(
    [
        "STT",
        "TT",
        "Đơn vị",
        "Tên đơn vị",
        "Địa phương",
        "Tháng 5",
        "Tháng 6",
        "Tháng 13",
        "THÁNG",
        "Đợt I (15/3/2024)",
        "Đợt II",
        "Đợt III (31/6/2024)",
        "Tổng cộng",
        "Tổng số",
        "Số ĐVM",
        "Kế hoạch năm 2023",
        "Thực hiện năm 2023",
        "Tỷ lệ %",
        "Kế hoạch năm 2024",
        "Thời gian tiếp nhận",
        "Ghi chú",
        "",
    ]
)
NUMBERS = st.integers(0, 200_000).map(vn)
CELLS = st.one_of(
    st.just(""),
    NUMBERS,
    NUMBERS,
    st.text(ALPHABET, max_size=14),
    st.sampled_from(
        [
            "Tổng cộng",
            "Cộng",
            "Tổng I",
            "Tổng cộng: I+II",
            "I. Các xã",
            "A.",
            "1.",
            "2)",
            "-",
            "Tháng 4 (400đv); tháng 7",
            "(300đv).",
            "tháng 11",
            "Tháng 5, 6 (1.200đv)",
            "31/6/2022",
            "(Liên đoàn lao động huyện phụ trách)",
            "104,5%",
            "nan",
        ]
    ),
)
PARAGRAPHS = st.one_of(
    st.text(ALPHABET + "\n", max_size=40),
    st.sampled_from(
        [
            "PHỤ LỤC",
            "I. Các xã, thị trấn",
            "(300đv).",
            "tháng 9 (500đv)",
            "Số: 14 /KH-UBND",
            "Ấn Thi, ngày 17 tháng 01 năm 2024",
            "ngày 31 tháng 6 năm 2022",
            "(Kèm theo Kế hoạch số *17* /KH-UBND ngày *17* / *01* /2024",
            "Thực hiện Kế hoạch số 184/KH-UBND ngày 20/12/2024 của UBND tỉnh",
            "1. Công an thành phố: **60 người**",
            "2. Liên đoàn Lao động: **1.200 người.**",
            "- Số lượng người đăng ký tham gia hiến máu: **460 người;**",
        ]
    ),
)


@st.composite
def tab_documents(draw):
    width = draw(st.integers(1, 7))
    header = [draw(st.lists(HEADERS, min_size=width, max_size=width)) for _ in range(draw(st.integers(0, 2)))]
    if header and draw(st.booleans()):  # most real tables start "STT | Đơn vị": reach the row reader often
        header[0][:2] = ["STT", "Đơn vị"]
    body = draw(st.lists(st.lists(CELLS, min_size=1, max_size=width + 1), max_size=8))
    lines = ["\t".join(cells) for cells in header + body]
    before = draw(st.lists(PARAGRAPHS, max_size=3))
    after = draw(st.lists(PARAGRAPHS, max_size=2))
    return "\n".join(before + lines + after)


@st.composite
def comma_documents(draw):
    rows = draw(st.lists(st.lists(st.one_of(HEADERS, CELLS), min_size=1, max_size=6), min_size=1, max_size=8))
    if draw(st.booleans()):
        rows.insert(0, ["STT", "Đơn vị", *draw(st.lists(HEADERS, max_size=4))])
    return "\n".join(",".join(cells) for cells in rows)


def check_result_or_refusal(text: str) -> None:
    try:
        document = analyse_text(text)
    except AppendixError as exc:
        assert str(exc).strip()
        return
    result = document.appendix.result()
    assert_contract(result)  # known codes only; computed == the sum of the rows' totals
    json.dumps(result, ensure_ascii=False)


@FAST
@given(tab_documents())
def test_any_tab_separated_text_gives_a_valid_result_or_appendix_error(text):
    check_result_or_refusal(text)


@FAST
@given(comma_documents())
def test_any_comma_separated_text_gives_a_valid_result_or_appendix_error(text):
    check_result_or_refusal(text)


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(max_size=300))
def test_any_text_at_all_gives_a_valid_result_or_appendix_error(text):
    check_result_or_refusal(text.replace("e", "").replace("E", "").replace("f", "").replace("F", ""))


# --- consistent tables ------------------------------------------------------------------------

ROMAN = ["I", "II", "III", "IV", "V", "VI"]
SYLLABLES = [
    "Vân",
    "Du",
    "Phù",
    "Ứng",
    "Hồng",
    "Quang",
    "Tân",
    "Hiệp",
    "Đa",
    "Lộc",
    "Bãi",
    "Sậy",
    "Hạ",
    "Lễ",
    "Kiên",
    "Lương",
    "Trường",
    "THPT",
    "Bệnh",
    "viện",
    "Hà",
    "Tiên",
    "Đặng",
    "Nguyễn",
    "Trãi",
]
UNIT_NAMES = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=4).map(" ".join)


@st.composite
def consistent_tables(draw, wrong_by=st.just(0)):
    """A month or round table whose rows and totals agree; `wrong_by` shifts only the written grand total."""
    kind = draw(st.sampled_from(["month", "round"]))
    if kind == "month":
        numbers = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=5)))
        headers = [f"Tháng {m}" for m in numbers]
        keys = [f"month:{m}" for m in numbers]
    else:
        count = draw(st.integers(1, 4))
        headers = [f"Đợt {ROMAN[i]}" + draw(st.sampled_from(["", f" ({i + 10}/{i + 3}/2024)"])) for i in range(count)]
        keys = [f"round:{i + 1}" for i in range(count)]
    units = draw(st.lists(UNIT_NAMES, min_size=1, max_size=12))
    values = [
        draw(
            st.lists(st.one_of(st.none(), st.integers(1, 5000)), min_size=len(keys), max_size=len(keys)).filter(
                lambda vs: any(vs)
            )
        )
        for _ in units
    ]
    dot = draw(st.sampled_from(["", "."]))
    total_first = draw(st.booleans())
    two_row_header = draw(st.booleans())

    def arrange(stt, name, cells, total):
        return [stt, name, total, *cells] if total_first else [stt, name, *cells, total]

    if two_row_header:
        group = ["THÁNG" if kind == "month" else "Các đợt trong năm"] + [""] * (len(keys) - 1)
        lines = [arrange("STT", "Đơn vị", group, "Tổng cộng"), arrange("", "", headers, "")]
    else:
        lines = [arrange("STT", "Đơn vị", headers, "Tổng cộng")]
    for index, (unit, row) in enumerate(zip(units, values), start=1):
        cells = ["" if v is None else vn(v) for v in row]
        lines.append(arrange(f"{index}{dot}", unit, cells, vn(sum(v or 0 for v in row))))
    column_sums = [sum(row[i] or 0 for row in values) for i in range(len(keys))]
    grand = sum(column_sums)
    lines.append(arrange("", "Tổng cộng", [vn(s) for s in column_sums], vn(grand + draw(wrong_by))))
    expected = [{k: v for k, v in zip(keys, row) if v is not None} for row in values]
    return tsv("PHỤ LỤC", *lines), units, expected, grand


@settings(FAST, max_examples=100)
@given(consistent_tables())
def test_consistent_tables_have_no_findings_and_stated_equals_computed(table):
    text, units, expected_buckets, grand = table
    result = analyse_text(text).appendix.result()
    assert_contract(result)
    assert result["findings"] == []
    assert result["totals"] == {"stated": grand, "computed": grand}
    assert [r["unit"] for r in result["rows"]] == units
    assert [r["buckets"] for r in result["rows"]] == expected_buckets
    assert [r["total"] for r in result["rows"]] == [sum(b.values()) for b in expected_buckets]


@settings(FAST, max_examples=100)
@given(consistent_tables(wrong_by=st.integers(-999, 999).filter(bool)))
def test_a_wrong_grand_total_is_always_a_total_mismatch(table):
    text, _, _, grand = table
    result = analyse_text(text).appendix.result()
    stated = result["totals"]["stated"]
    assert stated != grand and result["totals"]["computed"] == grand
    (finding,) = result["findings"]
    assert finding["code"] == "total_mismatch"
    assert str(stated) in finding["message"] and str(grand) in finding["message"]
