"""The draft pages: preview beside last year's figures, edits kept and checked, saving a draft plan, and
who may draft what."""

import datetime

import pytest
from django.urls import reverse

from hienmau.core.clock import frozen
from hienmau.orgs.models import Unit, UnitCategory, UnitKind
from hienmau.orgs.services import link_successor
from hienmau.plans.models import Plan, PlanStatus
from hienmau.results.lib.rules import Counts
from hienmau.results.services import set_tally_entry
from tests.conftest import DISTRICTS_END

pytestmark = pytest.mark.django_db

SETTINGS = {"year": "2025", "total": "200", "method": "actual", "step": "5"}


@pytest.fixture
def with_results(tree, district_plan):
    district_plan.status = PlanStatus.ISSUED
    district_plan.save()
    set_tally_entry(tree.van_du.pk, datetime.date(2024, 3, 2), Counts(collected=60, v350=60))
    set_tally_entry(tree.phu_ung.pk, datetime.date(2024, 4, 2), Counts(collected=30, v350=30))
    return district_plan


def url(plan):
    return reverse("plans:plan_draft", args=[plan.pk])


def test_the_plan_page_offers_the_draft_and_the_preview_shows_last_year_beside_the_proposal(
    with_results, people, client_for
):
    client = client_for(people.district_officer)
    assert "Lập kế hoạch năm sau" in client.get(reverse("plans:plan_detail", args=[with_results.pk])).content.decode()
    form = client.get(url(with_results))
    assert form.status_code == 200 and form.context["draft"] is None
    assert form.context["form"].initial == {"year": 2025, "total": 175}
    with frozen(datetime.date(2024, 12, 1)):
        response = client.get(url(with_results), SETTINGS)
    assert response.status_code == 200
    lines = response.context["lines"]
    # Results 60 and 30; the school counted nothing and keeps its target's weight (60): 200 × 60/150 …
    assert [(line["row"].name, line["row"].last_result, line["value"]) for line in lines] == [
        ("xã Vân Du", 60, 80),
        ("xã Phù Ứng", 30, 40),
        ("Trường THPT Ân Thi", 0, 80),
    ]
    body = response.content.decode()
    assert "Năm 2024" in body and "Năm 2025" in body and "Chưa có kết quả: giữ tỉ trọng chỉ tiêu năm trước" in body
    assert 'name="part-0-round:1"' in body


def test_saving_keeps_the_officers_edits_as_a_draft_plan(with_results, people, client_for):
    client = client_for(people.district_officer)
    edits = {
        **SETTINGS,
        "proposed-0": "90", "part-0-round:1": "40", "part-0-round:2": "50",
        "proposed-1": "30", "part-1-round:1": "15", "part-1-round:2": "15",
        "proposed-2": "80", "part-2-round:1": "0", "part-2-round:2": "80",
    }  # fmt: skip
    with frozen(datetime.date(2024, 12, 1)):
        response = client.post(url(with_results), edits)
    plan = Plan.objects.get(previous_plan=with_results)
    assert response.status_code == 302 and response.url == reverse("plans:plan_detail", args=[plan.pk])
    assert plan.status == PlanStatus.DRAFT and plan.issuing_unit == with_results.issuing_unit
    rows = [(a.unit_name, a.total, a.prior_plan, a.prior_actual) for a in plan.allocations.order_by("position")]
    assert rows == [("xã Vân Du", 90, 54, 60), ("xã Phù Ứng", 30, 61, 30), ("Trường THPT Ân Thi", 80, 60, 0)]
    first = plan.allocations.order_by("position").first()
    assert {c.bucket.key: c.value for c in first.cells.select_related("bucket")} == {"round:1": 40, "round:2": 50}
    detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Lập từ kế hoạch năm trước" in detail and "Ban hành kế hoạch" in detail


def test_a_row_whose_rounds_do_not_add_up_is_refused_by_name_and_nothing_is_saved(with_results, people, client_for):
    client = client_for(people.district_officer)
    with frozen(datetime.date(2024, 12, 1)):
        response = client.post(url(with_results), {**SETTINGS, "proposed-0": "95"})
    assert response.status_code == 400, response.context["error"]
    assert "xã Vân Du: các tháng/đợt cộng lại 80, khác chỉ tiêu của đơn vị (95)." in response.content.decode()
    assert response.context["lines"][0]["value"] == 95  # what was typed stays on the page
    assert not Plan.objects.filter(previous_plan=with_results).exists()


def test_bad_settings_are_messages_beside_the_fields(with_results, people, client_for):
    client = client_for(people.district_officer)
    response = client.get(url(with_results), {**SETTINGS, "total": "0"})
    assert response.context["draft"] is None and response.context["form"].errors["total"]
    response = client.get(url(with_results), {**SETTINGS, "year": "2024"})
    assert "phải sau năm của kế hoạch gốc" in response.content.decode()


def test_a_leader_cannot_draft_and_a_commune_cannot_either(with_results, people, client_for):
    assert client_for(people.province_leader).get(url(with_results)).status_code == 403
    assert client_for(people.van_du_focal).get(url(with_results)).status_code == 403


def test_a_draft_another_unit_would_issue_is_refused(tree, with_results, people, client_for):
    """Ân Thi was abolished: its 2026 plan would be issued by Hưng Yên, outside the district's reach."""
    new = Unit.objects.create(
        name="Xuân Trúc", kind=UnitKind.COMMUNE, category=UnitCategory.RURAL_COMMUNE, parent=tree.hung_yen,
        valid_from=DISTRICTS_END,
    )  # fmt: skip
    link_successor(tree.van_du, new)
    link_successor(tree.phu_ung, new)
    with frozen(datetime.date(2025, 12, 1)):
        response = client_for(people.district_officer).get(url(with_results), {**SETTINGS, "year": "2026"})
    assert response.status_code == 403
    assert not Plan.objects.filter(previous_plan=with_results).exists()
