"""Every list and history page runs a fixed number of queries, however many rows it shows: each page is
measured with a few rows, then must stay within that count with many more (no query per row)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hienmau.donors.models import Donation, Donor
from hienmau.drives.models import Drive, TimeSlot
from hienmau.orgs.models import Unit
from hienmau.outreach import services as outreach
from hienmau.outreach.models import Activity
from tests.plans.conftest import make_plan


def count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def check_no_query_per_row(client, url, grow, django_assert_max_num_queries, params=None):
    budget = count(client, url, params)
    grow()
    with django_assert_max_num_queries(budget):
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def communes(parent, n, start=0):
    return [
        Unit.objects.create(name=f"Xã Thử {i}", kind="commune", category="xa", parent=parent)
        for i in range(start, start + n)
    ]


def donors_in(commune, n, start=0):
    return [
        Donor.objects.create(
            full_name=f"Người Hiến {i}", date_of_birth=datetime.date(1990, 1, 1), sex="M", commune=commune
        )
        for i in range(start, start + n)
    ]


def test_unit_tree(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_officer)
    communes(tree.an_thi, 2)
    body = check_no_query_per_row(
        client,
        reverse("orgs:unit_tree"),
        lambda: communes(tree.an_thi, 12, start=2),
        django_assert_max_num_queries,
        {"q": "Thử"},
    )
    assert "Xã Thử 13" in body


def test_unit_history(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_officer)
    unit = tree.van_du

    def edit(times, parent=None):
        for i in range(times):
            unit.population = 1000 + i
            unit.parent = parent or unit.parent
            unit.save()

    edit(2)
    body = check_no_query_per_row(
        client,
        reverse("orgs:unit_history", args=[unit.pk]),
        lambda: edit(12, parent=tree.an_thi),
        django_assert_max_num_queries,
    )
    assert "1.011" in body or "1011" in body


def test_plan_list(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_officer)

    def plans(numbers):
        for n in numbers:
            make_plan(tree.an_thi, str(n), [(tree.van_du, 10, [5, 5]), (tree.school, 4, [2, 2])])

    plans([1, 2])
    body = check_no_query_per_row(
        client, reverse("plans:plan_list"), lambda: plans(range(3, 15)), django_assert_max_num_queries
    )
    assert "14/KH-UBND" in body


def test_plan_history(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_officer)
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 10, [5, 5])])

    def edit(start, times):
        allocation = plan.allocations.get()
        for i in range(start, start + times):
            allocation.total = i
            allocation.save()
            plan.title = f"Kế hoạch sửa {i}"
            plan.save()

    edit(20, 2)
    body = check_no_query_per_row(
        client,
        reverse("plans:plan_history", args=[plan.pk]),
        lambda: edit(30, 12),
        django_assert_max_num_queries,
    )
    assert "Kế hoạch sửa 41" in body


def test_drive_calendar(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_officer)

    def drives(n, start=0):
        for i in range(start, start + n):
            drive = Drive.objects.create(
                organiser=tree.an_thi,
                title=f"Ngày hội {i}",
                date=datetime.date(2021, 7, 1 + i),
                start_time=datetime.time(7),
                end_time=datetime.time(11),
                site_name="Nhà văn hoá",
                target_units=10,
            )
            for unit in (tree.van_du, tree.school):
                TimeSlot.objects.create(
                    drive=drive, unit=unit, start_time=datetime.time(8), end_time=datetime.time(9), quota=5
                )

    drives(2)
    body = check_no_query_per_row(
        client,
        reverse("drives:drive_calendar"),
        lambda: drives(12, start=2),
        django_assert_max_num_queries,
        {"year": 2021, "month": 7},
    )
    assert "Ngày hội 13" in body


def test_donor_list(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_officer)
    donors_in(tree.van_du, 2)
    body = check_no_query_per_row(
        client,
        reverse("donors:donor_list"),
        lambda: donors_in(tree.phu_ung, 12, start=2),
        django_assert_max_num_queries,
    )
    assert "Người Hiến 13" in body


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(name="Trung tâm Y tế", kind="organisation", category="hospital", parent=tree.an_thi)


def test_donor_history(tree, people, client_for, hospital, django_assert_max_num_queries):
    client = client_for(people.district_officer)
    (donor,) = donors_in(tree.van_du, 1)

    def give(start, times):
        for i in range(start, start + times):
            donation = Donation.objects.create(
                donor=donor,
                date=datetime.date(2020, 1, 1) + datetime.timedelta(days=100 * i),
                facility=hospital,
                volume_ml=250,
            )
            donation.volume_ml = 350
            donation.save()
            donor.phone = ""
            donor.commune = tree.phu_ung if i % 2 else tree.van_du
            donor.save()

    give(0, 2)
    body = check_no_query_per_row(
        client,
        reverse("donors:donor_history", args=[donor.pk]),
        lambda: give(2, 12),
        django_assert_max_num_queries,
    )
    assert "xã Phù Ứng" in body


def test_outreach_plan_activities_and_volunteer_roster(tree, people, client_for, django_assert_max_num_queries):
    plan = make_plan(tree.an_thi, "14", [(tree.van_du, 10, [5, 5])])
    client = client_for(people.district_officer)

    def activities(n, start=0):
        for i in range(start, start + n):
            Activity.objects.create(
                plan=plan, unit=tree.van_du, kind="news", date=datetime.date(2024, 3, 1), title=f"Tin {i}"
            )

    def volunteers(n, start=0):
        for person in donors_in(tree.van_du, n, start):
            volunteer = outreach.add_volunteer(tree.van_du, person, datetime.date(2024, 3, 1))
            outreach.record_service(volunteer, date=datetime.date(2024, 3, 15), hours=Decimal(2), plan=plan)

    activities(2)
    body = check_no_query_per_row(
        client,
        reverse("outreach:plan_activities", args=[plan.pk]),
        lambda: activities(12, 2),
        django_assert_max_num_queries,
    )
    assert "Tin 13" in body
    volunteers(2)
    body = check_no_query_per_row(
        client, reverse("outreach:volunteer_list"), lambda: volunteers(12, 2), django_assert_max_num_queries
    )
    assert body.count("/outreach/volunteers/") >= 14
