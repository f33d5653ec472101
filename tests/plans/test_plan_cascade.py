import datetime

import pytest
from django.urls import reverse

from hienmau.orgs.models import Unit
from hienmau.plans import services
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.django_db


def test_lower_plan_shows_its_gap_against_the_allocation_it_received(tree, people, district_plan, client_for):
    received = district_plan.allocations.get(unit=tree.van_du)  # 54
    school = Unit.objects.create(name="Trường THCS Vân Du", kind="organisation", category="school", parent=tree.van_du)
    clinic = Unit.objects.create(
        name="Trạm Y tế xã Vân Du", kind="organisation", category="hospital", parent=tree.van_du
    )
    lower = make_plan(tree.van_du, "05", [(school, 30, [15, 15]), (clinic, 20, [10, 10])], received_allocation=received)
    gap = services.received_gap(services.grid_plan(lower.pk))
    assert (gap.expected, gap.actual, gap.difference) == (54, 50, -4)
    body = client_for(people.van_du_focal).get(reverse("plans:plan_detail", args=[lower.pk])).content.decode()
    assert "Kế hoạch này phân bổ so với chỉ tiêu được giao" in body and "50 / 54" in body
    upper = (
        client_for(people.district_officer).get(reverse("plans:plan_detail", args=[district_plan.pk])).content.decode()
    )
    assert "xã Vân Du đã lập kế hoạch riêng" in upper and "50 / 54" in upper


def test_allocations_that_do_not_add_up_to_the_target_are_shown(tree, people, district_plan):
    district_plan.targets.update(value=200)
    gap = services.target_gap(services.grid_plan(district_plan.pk))
    assert gap.difference == -25


def test_allocating_more_than_the_target_shows_as_a_margin_and_less_as_a_shortfall(
    tree, people, district_plan, client_for
):
    url = reverse("plans:plan_detail", args=[district_plan.pk])
    district_plan.targets.update(value=160)  # 175 allocated
    assert services.target_gap(services.grid_plan(district_plan.pk)).margin
    body = client_for(people.district_officer).get(url).content.decode()
    assert "175 / 160 (dư 15: mức dự phòng, không phải lỗi)" in body
    district_plan.targets.update(value=200)
    assert not services.target_gap(services.grid_plan(district_plan.pk)).margin
    body = client_for(people.district_officer).get(url).content.decode()
    assert "175 / 200 (thiếu 25)" in body and 'class="bad"' in body


def test_same_organisation_targeted_by_two_plans_for_the_same_year_is_an_overlap(
    tree, people, district_plan, client_for
):
    union = Unit.objects.create(
        name="Liên đoàn lao động huyện", kind="organisation", category="union", parent=tree.an_thi
    )
    federation_plan = make_plan(
        union, "02", [(tree.school, 20, [20, None])], buckets=("round:1", "round:2"), date=datetime.date(2024, 2, 1)
    )
    overlaps = services.overlaps_for(services.grid_plan(district_plan.pk))
    assert [(o.unit, o.second.plan) for o in overlaps] == [(tree.school, federation_plan)]
    body = (
        client_for(people.district_officer).get(reverse("plans:plan_detail", args=[district_plan.pk])).content.decode()
    )
    assert "Chồng chéo: Trường THPT Ân Thi" in body


def test_different_years_or_the_cascade_itself_are_not_overlaps(tree, district_plan):
    make_plan(tree.an_thi, "30", [(tree.school, 20, [20, None])], date=datetime.date(2023, 1, 5))
    received = district_plan.allocations.get(unit=tree.van_du)
    make_plan(tree.van_du, "05", [(tree.van_du, 54, [25, 29])], received_allocation=received)
    assert services.overlaps_for(services.grid_plan(district_plan.pk)) == []


def test_campaign_period_comes_from_its_months(tree):
    campaign = make_plan(
        tree.an_giang,
        "66",
        [],
        buckets=("month:5", "month:6", "month:7", "month:8"),
        date=datetime.date(2022, 4, 5),
        kind="campaign",
    )
    assert services.plan_period(campaign) == (datetime.date(2022, 5, 1), datetime.date(2022, 8, 31))
    annual = make_plan(tree.an_giang, "1", [], date=datetime.date(2024, 1, 17))
    assert services.plan_period(annual) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
