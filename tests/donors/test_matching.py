"""donors/lib/matching.py: a typed person is linked only by CCCD and only inside the scope."""

from hypothesis import given
from hypothesis import strategies as st

from hienmau.donors.lib.matching import NAME, PHONE, Decision, Record, decide

CCCDS = st.sampled_from(["033090012345", "089190001234", "001203012345"])
records = st.builds(Record, id=st.integers(1, 20), cccd=st.none() | CCCDS, in_scope=st.booleans())


@given(st.none() | CCCDS, st.none() | records, st.lists(records, max_size=5), st.lists(records, max_size=5))
def test_only_a_cccd_links_and_never_outside_the_scope(cccd, same_cccd, same_phone, same_name):
    decision = decide(cccd, same_cccd, same_phone, same_name)
    if decision.link is not None:
        assert cccd and same_cccd.id == decision.link and same_cccd.in_scope and same_cccd.cccd == cccd
    if decision.transfer is not None:
        assert cccd and same_cccd.id == decision.transfer and not same_cccd.in_scope
    assert decision.link is None or decision.transfer is None
    if decision.link is not None or decision.transfer is not None:
        assert decision.candidates == ()
    in_scope = {r.id for r in same_phone + same_name if r.in_scope}
    for record_id, reason in decision.candidates:
        assert record_id in in_scope and reason in (PHONE, NAME)
    assert len({record_id for record_id, _ in decision.candidates}) == len(decision.candidates)


@given(st.lists(records, max_size=5), st.lists(records, max_size=5))
def test_without_a_cccd_nothing_links_and_outsiders_are_never_proposed(same_phone, same_name):
    decision = decide(None, None, same_phone, same_name)
    assert decision.link is None and decision.transfer is None
    outsiders = {r.id for r in same_phone + same_name} - {r.id for r in same_phone + same_name if r.in_scope}
    assert not outsiders & {record_id for record_id, _ in decision.candidates}


def test_a_look_alike_with_another_cccd_is_another_person():
    other = Record(3, "089190001234", True)
    assert decide("033090012345", None, [], [other]) == Decision()
    assert decide(None, None, [], [other]) == Decision(candidates=((3, NAME),))


def test_the_same_cccd_in_and_out_of_the_scope():
    assert decide("033090012345", Record(1, "033090012345", True), [], []) == Decision(link=1)
    assert decide("033090012345", Record(1, "033090012345", False), [], []) == Decision(transfer=1)
