import datetime

from hypothesis import given
from hypothesis import strategies as st

from hienmau.standby.lib import matching as M

GROUPS = st.tuples(st.sampled_from(M.ABO), st.sampled_from(("+", "-")))
COMPONENT = st.sampled_from(M.COMPONENTS)


def test_o_negative_red_cells_only_from_o_negative():
    assert M.compatible_groups(("O", "-"), "red_cells") == [("O", "-")]
    assert ("O", "+") not in M.compatible_groups(("A", "-"), "red_cells")
    assert set(M.compatible_groups(("AB", "+"), "red_cells")) == {(a, r) for a in M.ABO for r in "+-"}


def test_plasma_follows_the_reverse_rule():
    assert {a for a, _ in M.compatible_groups(("O", "+"), "plasma")} == {"O", "A", "B", "AB"}
    assert {a for a, _ in M.compatible_groups(("AB", "-"), "plasma")} == {"AB"}


def test_whole_blood_needs_the_same_abo():
    assert {a for a, _ in M.compatible_groups(("A", "+"), "whole_blood")} == {"A"}


@given(GROUPS, COMPONENT)
def test_own_group_is_always_compatible(group, component):
    assert M.compatible(group, group, component)


@given(GROUPS, GROUPS)
def test_red_cells_and_plasma_are_mirror_images_for_abo(donor, patient):
    assert M.abo_compatible(donor[0], patient[0], "red_cells") == M.abo_compatible(patient[0], donor[0], "plasma")


@given(st.integers(1, 50), st.booleans())
def test_first_wave(units, urgent):
    assert M.first_wave_size(units, urgent) == units + (2 if urgent else 1)


def test_parse_group():
    assert M.parse_group("O-") == ("O", "-")
    assert M.parse_group("ab Rh(+)") == ("AB", "+")
    assert M.parse_group("C+") is None and M.parse_group("O") is None


def test_rank_prefers_same_group_club_and_near():
    on = datetime.date(2026, 5, 1)
    far = M.Candidate(1, "a", ("O", "-"), on, distance=2)
    near = M.Candidate(2, "b", ("O", "-"), on, distance=0)
    club = M.Candidate(3, "c", ("O", "-"), on, distance=2, club_member=True)
    other = M.Candidate(4, "d", ("O", "+"), on, distance=0, club_member=True)
    assert [c.donor_id for c in M.rank([far, near, club, other], ("O", "+"), on)] == [4, 3, 2, 1]


def test_distance():
    assert M.distance("/1/2/3/", ["/1/2/3/"]) == 0
    assert M.distance("/1/2/3/", ["/1/2/9/"]) == 1
    assert M.distance("/1/2/3/", ["/1/7/9/", "/1/2/5/"]) == 1
