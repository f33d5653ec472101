"""The demo loads seed 000 and 001 as the importer reads them, then outreach's made-up work: seed 000's
volunteer target (300, from its text) and its news items (set without a figure) show progress, and both
plans' budgets compare estimate and actual."""

import pytest

from hienmau.donors.demo import load_demo as load_donors
from hienmau.orgs.demo import load_demo as load_units
from hienmau.outreach import budget, services
from hienmau.outreach.demo import load_demo
from hienmau.outreach.models import Activity, Volunteer
from hienmau.plans.demo import load_demo as load_plans
from hienmau.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_seed_000_shows_volunteer_and_media_progress_and_both_plans_a_budget():
    load_units()
    load_plans()
    load_donors()
    assert load_demo() > 0
    assert load_demo() == 0  # loading again adds nothing
    campaign = Plan.objects.get(number="66", issuing_unit__code="91")
    shown = {p.metric: (p.target, p.done) for p in services.plan_outreach(campaign).progress}
    assert shown["volunteers"][0] == 300 and shown["volunteers"][1] == 36
    assert shown["media_items"] == (None, 19)  # 4 news items, 10 broadcasts, 5 posts; no figure in the text
    assert Volunteer.objects.filter(unit__name="Trường Cao đẳng Y tế").count() == 16
    an_thi = Plan.objects.get(number="14", suffix="KH-UBND")
    assert Activity.objects.filter(plan=an_thi).count() == 7
    for plan, estimate in ((campaign, 120_000_000), (an_thi, 88_000_000)):
        comparison = budget.plan_budget(plan).comparison
        assert comparison.estimate == estimate and 0 < comparison.actual < estimate
