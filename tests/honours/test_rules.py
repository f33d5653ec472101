"""The honours rules as plain functions: tiers, who is proposed, reading an old list's rows."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hienmau.honours.lib import candidates as C
from hienmau.honours.lib.past_list import parse_list
from hienmau.honours.lib.tiers import Tier, load_rules, merged, parse_tier_list, rules, tier_for, tier_from_text

TODAY = datetime.date(2026, 5, 1)
TIERS = (5, 10, 15, 20, 30, 40, 70)
tier_sets = st.lists(st.integers(1, 120), min_size=1, max_size=8, unique=True).map(lambda t: tuple(sorted(t)))


def test_the_national_tiers_come_from_the_rule_file_with_their_source():
    national = rules().individual
    assert [(t.count, t.level) for t in national] == [
        (20, "province"),
        (30, "red_cross_central"),
        (40, "medal"),
        (70, "prime_minister"),
    ]
    assert "122/QĐ-BCĐQG" in rules().source
    assert [t.count for t in rules().family] == [3, 5, 10, 15, 20]
    assert rules().recruiter.count == 100


def test_a_rule_file_with_falling_tiers_is_refused(tmp_path):
    bad = tmp_path / "tiers.json"
    bad.write_text(
        '{"source": "x", "citation": "y", "individual": [{"count": 30, "level": "province", "award": "a"},'
        '{"count": 20, "level": "province", "award": "b"}], "family": [{"count": 3, "level": "province", '
        '"award": "c"}], "recruiter": {"count": 100, "level": "province", "award": "d"},'
        '"unit": {"percent": 100, "level": "province", "award": "e"}}',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="tăng dần"):
        load_rules(bad)


def test_local_tiers_are_added_below_and_never_replace_a_national_one():
    national = rules().individual
    local = [Tier(5, "local", "Giấy khen 5"), Tier(20, "local", "Giấy khen 20"), Tier(10, "local", "Giấy khen 10")]
    tiers = merged(national, local)
    assert [t.count for t in tiers] == [5, 10, 20, 30, 40, 70]
    assert next(t for t in tiers if t.count == 20).level == "province"


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("20 lần", 20),
        ("Tôn vinh 30 lần", 30),
        ("40", 40),
        ("Bằng khen của Thủ tướng Chính phủ", 70),
        ("Bằng khen TW Hội CTĐ Việt Nam", 30),
        ("Bằng khen Chủ tịch UBND tỉnh", 20),
        ("Huy chương", 40),
        ("Giấy khen", None),
        ("", None),
    ],
)
def test_an_award_as_written_names_its_tier(text, tier):
    assert tier_from_text(text, rules().individual) == tier


def test_the_tiers_option_reads_a_list_and_refuses_words():
    assert parse_tier_list("30, 20;40 70") == (20, 30, 40, 70)
    with pytest.raises(ValueError, match="“hai”"):
        parse_tier_list("20,hai mươi")


@settings(deadline=None)
@given(count=st.integers(0, 200), received=st.sets(st.sampled_from(TIERS)), tiers=tier_sets)
def test_a_proposal_is_the_highest_tier_reached_above_everything_received(count, received, tiers):
    tier = C.proposed_tier(count, frozenset(received), tiers)
    if tier is None:
        top = tier_for(count, tiers)
        assert top is None or top in received or (received and top <= max(received))
    else:
        assert tier in tiers and tier <= count
        assert tier == max(t for t in tiers if t <= count)
        assert tier not in received and all(tier > r for r in received)


@settings(deadline=None)
@given(recorded=st.integers(0, 150), stated=st.integers(0, 150))
def test_the_count_is_the_larger_of_recorded_and_stated(recorded, stated):
    person = C.Person(1, "A", recorded, stated)
    assert C.count_of(person) == max(recorded, stated)


@settings(deadline=None)
@given(
    stated=st.lists(st.tuples(st.integers(1, 100), st.integers(2000, 2030)), max_size=4),
    days=st.lists(st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)), max_size=30),
    cutoff=st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
)
def test_a_stated_count_adds_only_the_donations_after_its_year(stated, days, cutoff):
    result = C.stated_count(stated, days, cutoff)
    in_force = [(c, y) for c, y in stated if y <= cutoff.year]
    if not in_force:
        assert result == 0
    else:
        assert (
            max(c for c, _ in in_force) <= result <= max(c for c, _ in in_force) + len({d for d in days if d <= cutoff})
        )
        # Each donation day counts once, and only after an honour's year.
        assert result == max(c + len({d for d in days if y < d.year and d <= cutoff}) for c, y in in_force)


@settings(deadline=None)
@given(count=st.integers(0, 200), tiers=tier_sets)
def test_once_honoured_at_the_proposed_tier_nobody_is_proposed_again(count, tiers):
    first = C.proposed_tier(count, frozenset(), tiers)
    if first is not None:
        assert C.proposed_tier(count, frozenset({first}), tiers) is None


def _lines(text: str):
    return [(n, line.split("\t")) for n, line in enumerate(text.splitlines(), start=1)]


def read(text: str, year=None):
    national = rules().individual
    return parse_list(
        _lines(text), merged(national, [Tier(5, "local", "GK"), Tier(10, "local", "GK")]), national, TODAY, year
    )


def test_an_untidy_list_is_read_with_sections_split_birth_columns_and_the_title_year(tmp_path):
    parsed = read(
        "DANH SÁCH NGƯỜI HIẾN MÁU ĐƯỢC TÔN VINH NĂM 2019\n\n"
        "STT\tHọ và tên\tNăm sinh\t\tĐịa chỉ\tSố lần hiến\n"
        "\t\tNam\tNữ\t\t\n"
        "(1)\t(2)\t(3)\t(4)\t(5)\t(6)\n"
        "I\tNGƯỜI HIẾN 20 LẦN\t\t\t\t\n"
        "1\tNguyễn Văn Hùng\t12/05/1980\t\tVân Du\t21\n"
        "2\tTrần Thị Hoa\t\t03/09/1985\tPhù Ứng\t20 lần\n"
        "II\tNGƯỜI HIẾN 30 LẦN\t\t\t\t\n"
        "STT\tHọ và tên\tNăm sinh\t\tĐịa chỉ\tSố lần hiến\n"
        "3\tLê Văn Tám\t1979\t\tVân Du\t\n"
        "\tTổng cộng: 3 người\t\t\t\t\n"
    )
    assert parsed.findings == []
    assert [(r.full_name, r.sex, r.date_of_birth, r.birth_year, r.count, r.tier, r.year) for r in parsed.rows] == [
        ("Nguyễn Văn Hùng", "M", datetime.date(1980, 5, 12), 1980, 21, 20, 2019),
        ("Trần Thị Hoa", "F", datetime.date(1985, 9, 3), 1985, 20, 20, 2019),
        ("Lê Văn Tám", "M", None, 1979, 30, 30, 2019),
    ]
    assert [r.line for r in parsed.rows] == [7, 8, 11]


def test_a_count_without_a_tier_column_takes_the_highest_tier_reached_local_ones_included():
    parsed = read("Họ và tên\tNgày sinh\tSố lần hiến\tNăm\nAn\t01/01/1990\t12\t2023\nBình\t02/02/1991\t34\t2024\n")
    assert [(r.count, r.tier, r.year) for r in parsed.rows] == [(12, 10, 2023), (34, 30, 2024)]


def test_bad_rows_are_findings_naming_line_and_column_and_warnings_keep_the_row():
    parsed = read(
        "Họ và tên\tNgày sinh\tSố lần hiến\tMức tôn vinh\n"
        "An\t31/02/1990\t21\t20 lần\n"
        "Bình\t02/02/1991\tnhiều\t\n"
        "Chi\t03/03/1992\t18\t20 lần\n"
        "Dũng\t04/04/1993\t3\t\n"
        "Chi\t03/03/1992\t18\t20 lần\n",
        year=2022,
    )
    found = {(f.line, f.column, f.code) for f in parsed.findings}
    assert (2, "Ngày sinh", "invalid_date") in found
    assert (3, "Số lần hiến", "invalid_value") in found
    assert (4, "Số lần hiến", "inconsistent") in found  # 18 donations listed under the 20 tier
    assert (5, "Số lần hiến", "invalid_value") in found  # 3 donations reach no tier
    assert (6, "Họ và tên", "duplicate") in found
    assert [r.full_name for r in parsed.rows] == ["Chi"]
    assert {f.code for f in parsed.blocking} == {"invalid_date", "invalid_value"}
    assert all(f.message and "Dòng" not in f.message for f in parsed.findings)


def test_a_list_without_a_year_anywhere_says_where_to_write_it():
    parsed = read("Họ và tên\tNgày sinh\tSố lần hiến\nAn\t01/01/1990\t21\n")
    assert [(f.line, f.column, f.code) for f in parsed.findings] == [(2, "Năm", "missing")]
    assert "tiêu đề" in parsed.findings[0].message


def test_a_year_after_today_is_refused():
    parsed = read("Họ và tên\tNgày sinh\tSố lần hiến\tNăm\nAn\t01/01/1990\t21\t2027\n")
    assert [(f.column, f.code) for f in parsed.findings] == [("Năm", "future_date")]


def test_a_table_without_the_columns_is_one_finding():
    parsed = read("Đơn vị\tChỉ tiêu\nVân Du\t20\n")
    assert [f.code for f in parsed.findings] == ["header"] and parsed.rows == []


@settings(deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=7), max_size=25))
def test_any_table_gives_rows_or_findings_never_an_exception(table):
    parsed = parse_list(
        [(n, row) for n, row in enumerate(table, start=1)], rules().individual, rules().individual, TODAY, 2020
    )
    assert all(r.tier > 0 and r.count > 0 and r.full_name for r in parsed.rows)
    assert all(f.message for f in parsed.findings)
