"""A facility-confirmed group wins over a declared one; a disagreement is flagged, never overwritten by an
equal or weaker source."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from hienmau.donors.lib.blood_group import STRENGTH, GroupRecord, reconcile

groups = st.builds(
    GroupRecord,
    abo=st.sampled_from(["", "O", "A", "B", "AB"]),
    rh=st.sampled_from(["", "+", "-"]),
    source=st.sampled_from(["", "self", "card", "facility"]),
    on=st.one_of(st.none(), st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 1, 1))),
)
D = datetime.date(2026, 3, 1)


def test_a_facility_result_replaces_a_declared_group_and_flags_it():
    decision = reconcile(GroupRecord("A", "+", "self"), GroupRecord("O", "-", "facility", D))
    assert decision.record == GroupRecord("O", "-", "facility", D)
    assert "O Rh− (cơ sở y tế xác nhận, 01/03/2026) thay cho A Rh+ (tự khai)" in decision.conflict


def test_a_declared_group_never_overwrites_a_facility_result():
    current = GroupRecord("O", "-", "facility", D)
    decision = reconcile(current, GroupRecord("B", "+", "self"))
    assert decision.record == current and "chưa sửa" in decision.conflict


def test_two_facilities_disagreeing_keep_the_first_and_flag():
    current = GroupRecord("O", "-", "facility", D)
    decision = reconcile(current, GroupRecord("O", "+", "facility", D + datetime.timedelta(days=90)))
    assert decision.record == current and decision.conflict


def test_agreement_upgrades_the_source_and_keeps_the_latest_date():
    decision = reconcile(GroupRecord("O", "-", "self", D), GroupRecord("O", "-", "facility", D.replace(year=2027)))
    assert decision.record == GroupRecord("O", "-", "facility", D.replace(year=2027)) and decision.conflict == ""


@given(groups, groups)
def test_properties(current, incoming):
    decision = reconcile(current, incoming)
    kept = decision.record
    # Never weaker than what was known, never an unknown group when one was known.
    if current.abo:
        assert kept.abo and STRENGTH[kept.source] >= STRENGTH[current.source]
    # A group differing from the record is only taken from a stronger source, and then flagged.
    if kept.abo != current.abo and current.abo:
        assert STRENGTH[incoming.source] > STRENGTH[current.source] and decision.conflict
    # Whatever the record holds came from one of the two.
    assert kept.abo in (current.abo, incoming.abo)
    # A disagreement is always flagged.
    if current.abo and incoming.abo and current.abo != incoming.abo:
        assert decision.conflict
