"""Two officers editing one allocation grid: each save sends the value the page showed (optimistic
locking, plans.services.set_cell / set_total). A save from a page that is stale for that cell is refused
(409) naming the cell and its unit, nothing is saved, and the answer carries the stored value; the
same number typed twice, or a cell nobody else touched, saves as usual."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from hienmau.plans import services
from hienmau.plans.models import Allocation, AllocationCell
from tests.plans.conftest import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(tree):
    return make_plan(tree.an_thi, "14", [(tree.van_du, 54, [25, 29]), (tree.phu_ung, 61, [31, 30])])


def save(client, plan, allocation, bucket, value, shown):
    return client.post(
        reverse("plans:grid_cell", args=[plan.pk]),
        {"allocation": allocation.pk, "bucket": bucket, "value": value, "shown": shown},
        HTTP_HX_REQUEST="true",
    )


def cell(allocation, key):
    return AllocationCell.objects.filter(allocation=allocation, bucket__key=key).values_list("value", flat=True).first()


def test_the_second_save_of_a_stale_cell_is_refused_naming_it_and_the_page_shows_the_fresh_value(
    tree, people, plan, client_for
):
    from django.test import Client

    officer_a, officer_b = Client(), Client()
    officer_a.force_login(people.district_officer)
    officer_b.force_login(people.district_officer)
    van_du = plan.allocations.get(unit=tree.van_du)
    round_1 = plan.buckets.get(key="round:1")
    for officer in (officer_a, officer_b):  # both open the grid while Vân Du's round I shows 25
        assert 'value="25"' in officer.get(reverse("plans:plan_grid", args=[plan.pk])).content.decode()

    assert save(officer_b, plan, van_du, round_1.pk, "30", "25").status_code == 200
    history = AllocationCell.history.count()
    refused = save(officer_a, plan, van_du, round_1.pk, "40", "25")

    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Ô “Đợt I” của xã Vân Du vừa được người khác sửa thành 30" in body
    assert "trang của bạn còn hiện 25" in body and "40 không được lưu" in body
    assert 'data-fresh="30"' in body  # the cell takes the stored value
    assert cell(van_du, "round:1") == 30 and AllocationCell.history.count() == history  # nothing saved
    assert 'value="30"' in officer_a.get(reverse("plans:plan_grid", args=[plan.pk])).content.decode()

    assert save(officer_a, plan, van_du, round_1.pk, "40", "30").status_code == 200  # seen, then changed
    assert cell(van_du, "round:1") == 40


def test_a_stale_total_and_a_cell_emptied_meanwhile_are_refused_too(tree, people, plan, client_for):
    client = client_for(people.district_officer)
    phu_ung = plan.allocations.get(unit=tree.phu_ung)
    services.set_total(phu_ung, 70)
    refused = save(client, plan, phu_ung, "total", "65", "61")
    assert (
        refused.status_code == 409
        and "Ô “Tổng” của xã Phù Ứng vừa được người khác sửa thành 70" in refused.content.decode()
    )
    assert Allocation.objects.get(pk=phu_ung.pk).total == 70

    round_2 = plan.buckets.get(key="round:2")
    services.set_cell(phu_ung, round_2, None)  # someone emptied it
    refused = save(client, plan, phu_ung, round_2.pk, "35", "30")
    assert refused.status_code == 409 and "sửa thành ô trống" in refused.content.decode()
    assert 'data-fresh=""' in refused.content.decode() and cell(phu_ung, "round:2") is None


def test_the_same_number_typed_by_both_or_another_cell_saves_as_usual(tree, people, plan, client_for):
    client = client_for(people.district_officer)
    van_du = plan.allocations.get(unit=tree.van_du)
    round_1, round_2 = plan.buckets.get(key="round:1"), plan.buckets.get(key="round:2")
    services.set_cell(van_du, round_1, 30)
    assert save(client, plan, van_du, round_1.pk, "30", "25").status_code == 200  # what was typed is stored
    assert save(client, plan, van_du, round_2.pk, "1.029", "29").status_code == 200  # untouched by others
    assert (cell(van_du, "round:1"), cell(van_du, "round:2")) == (30, 1029)
    answer = save(client, plan, van_du, round_2.pk, "abc", "1.029")
    assert answer.status_code == 422 and "không phải số nguyên" in answer.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises writes")
@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_the_same_stale_cell_at_once_save_exactly_one(tree, plan):
    van_du = plan.allocations.get(unit=tree.van_du)
    round_1 = plan.buckets.get(key="round:1")
    barrier = threading.Barrier(2)
    outcomes = {}

    def officer(value):
        try:
            barrier.wait(timeout=10)
            services.set_cell(van_du, round_1, value, shown=25)
            outcomes[value] = "saved"
        except services.StaleCell as exc:
            outcomes[value] = exc.current
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(value,)) for value in (30, 40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winner = next(value for value, outcome in outcomes.items() if outcome == "saved")
    loser = next(value for value in (30, 40) if value != winner)
    assert outcomes == {winner: "saved", loser: winner}  # the refused one is told the winner's value
    assert cell(van_du, "round:1") == winner
    assert AllocationCell.history.filter(allocation_id=van_du.pk, value__in=(30, 40)).count() == 1
