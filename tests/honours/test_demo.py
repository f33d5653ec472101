import pytest

from hienmau.donors.demo import load_demo as load_donors
from hienmau.honours.demo import load_demo
from hienmau.honours.models import Honour, HonourRound, LocalTier, MatchStatus
from hienmau.orgs.demo import load_demo as load_units

pytestmark = pytest.mark.django_db


def test_an_thi_has_an_old_list_an_approved_round_and_a_draft():
    load_units()
    load_donors()
    assert load_demo() == 1
    assert load_demo() == 0  # loading again adds nothing
    assert sorted(LocalTier.objects.values_list("count", flat=True)) == [5, 10, 15]
    old = Honour.objects.filter(past_import__isnull=False)
    assert old.filter(match=MatchStatus.LINKED).count() == 4 and old.filter(match=MatchStatus.REVIEW).count() == 2
    approved, draft = HonourRound.objects.order_by("cutoff")
    # Two people, the two demo families and the recruiter of the 2024 drives (no plans loaded here: no unit).
    subjects = sorted(approved.honours.values_list("subject", flat=True))
    assert not approved.is_draft and subjects == ["family", "family", "individual", "individual", "recruiter"]
    assert approved.honours.get(subject="recruiter").count >= 100
    assert draft.is_draft and draft.honours.count() == 2
    # Nobody approved at the year's end is proposed again on 14/6.
    assert not set(approved.honours.values_list("donor", flat=True)) & set(
        draft.honours.values_list("donor", flat=True)
    )
