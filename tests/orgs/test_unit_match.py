"""Matching the names an appendix writes to known units (plain data, no database)."""

import pytest

from hienmau.orgs.lib.unit_match import Candidate, core_name, match_unit

KIEN_GIANG = [
    Candidate(1, "Rạch Giá", "thành phố Rạch Giá"),
    Candidate(2, "Hà Tiên", "thành phố Hà Tiên"),
    Candidate(3, "Tân Hiệp", "huyện Tân Hiệp"),
    Candidate(4, "Công an tỉnh", "Công an tỉnh Kiên Giang"),
]
DISTRICT = Candidate(10, "Ân Thi", "huyện Ân Thi")
TOWNSHIP = Candidate(11, "Ân Thi", "thị trấn Ân Thi")
VAN_DU = Candidate(12, "Vân Du", "xã Vân Du")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("BCĐ. thành phố Rạch Giá", "rach gia"),
        ("Ban Chỉ đạo vận động hiến máu tình nguyện huyện Tân Hiệp", "tan hiep"),
        ("Thị trấn Ân Thi", "an thi"),
        ("Trường THPT Ân Thi", "truong thpt an thi"),
    ],
)
def test_core_name_drops_committee_and_category_words(written, expected):
    assert core_name(written) == expected


def test_committee_prefix_and_category_match_the_city():
    assert match_unit("BCĐ. thành phố Rạch Giá", KIEN_GIANG).unit_id == 1


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("BCĐ. huyện Tân Hiệp", 3),
        ("Rạch Giá", 1),
        ("rach gia", 1),
        ("TP. Hà Tiên", 2),
        ("Công an tỉnh", 4),
    ],
)
def test_written_variants_match_one_unit(written, unit_id):
    match = match_unit(written, KIEN_GIANG)
    assert (match.unit_id, match.ambiguous) == (unit_id, False)


@pytest.mark.parametrize("order", [1, -1])
def test_township_is_picked_over_the_district_of_the_same_name(order):
    match = match_unit("Thị trấn Ân Thi", [DISTRICT, TOWNSHIP, VAN_DU][::order])
    assert match.unit_id == 11


def test_district_is_picked_when_the_document_says_huyen():
    assert match_unit("Huyện Ân Thi", [DISTRICT, TOWNSHIP, VAN_DU]).unit_id == 10


def test_bare_shared_name_is_ambiguous_and_suggests_both():
    match = match_unit("Ân Thi", [DISTRICT, TOWNSHIP, VAN_DU])
    assert match.unit_id is None and match.ambiguous
    assert set(match.suggestions) == {"huyện Ân Thi", "thị trấn Ân Thi"}


@pytest.mark.parametrize(("written", "unit_id"), [("BCĐ. huyện Ân Thi", 10), ("TT Ân Thi", 11)])
def test_category_after_a_prefix_still_tells_district_from_township(written, unit_id):
    assert match_unit(written, [DISTRICT, TOWNSHIP, VAN_DU]).unit_id == unit_id


def test_unknown_name_returns_no_unit_and_close_suggestions():
    match = match_unit("Xã Vân Duu", [DISTRICT, TOWNSHIP, VAN_DU])
    assert match.unit_id is None and not match.ambiguous
    assert match.suggestions == ("xã Vân Du",)


def test_name_containing_a_known_unit_suggests_it():
    match = match_unit("Vân Du mới", [DISTRICT, TOWNSHIP, VAN_DU])
    assert match.unit_id is None
    assert "xã Vân Du" in match.suggestions


def test_name_far_from_every_unit_has_no_suggestion():
    match = match_unit("Tập đoàn Hoàng Quân", [DISTRICT, TOWNSHIP, VAN_DU])
    assert match == type(match)(None, (), False)


def test_no_candidates_means_no_match():
    assert match_unit("Vân Du", []).unit_id is None
