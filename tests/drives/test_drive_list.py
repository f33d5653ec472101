"""Drives easy to find: the list with search, filters, sorting and pages; the calendar jumping to any month
(?month=2021-07), by week and as a list; a drive's phase from its date and its results."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from hienmau.core.clock import frozen
from hienmau.drives.lib import phases
from hienmau.drives.models import AggregateResult, Drive, DriveStatus, TimeSlot
from hienmau.orgs.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 6, 1)


def _drive(organiser, title, day, **extra):
    return Drive.objects.create(
        organiser=organiser,
        title=title,
        date=day,
        start_time=datetime.time(7),
        site_name=extra.pop("site", "Nhà văn hoá"),
        **extra,
    )


@pytest.fixture
def drives(tree):
    held = _drive(tree.an_thi, "Ngày hội hè 2021", datetime.date(2021, 7, 9), site="Sân vận động huyện")
    AggregateResult.objects.create(drive=held, unit=tree.van_du, donated=40)
    waiting = _drive(tree.an_thi, "Đợt tháng Năm", datetime.date(2024, 5, 20))
    open_ = _drive(tree.van_du, "Đợt xã Vân Du", datetime.date(2024, 6, 15), public_registration=True)
    TimeSlot.objects.create(
        drive=open_, unit=tree.phu_ung, start_time=datetime.time(7), end_time=datetime.time(9), quota=5
    )
    planned = _drive(tree.an_thi, "Đợt cuối năm", datetime.date(2024, 12, 1))
    cancelled = _drive(tree.an_thi, "Đợt bị huỷ", datetime.date(2024, 7, 1), status=DriveStatus.CANCELLED)
    other = _drive(tree.an_giang, "Đợt An Giang", datetime.date(2024, 6, 2))
    return {"held": held, "waiting": waiting, "open": open_, "planned": planned, "cancelled": cancelled, "other": other}


def _titles(response):
    return [d.title for d in response.context["page"]]


def test_the_list_searches_filters_and_sorts_inside_the_scope(tree, people, drives, client_for):
    client = client_for(people.district_officer)
    url = reverse("drives:drive_list")
    with frozen(TODAY):
        everything = _titles(client.get(url))
        assert "Đợt An Giang" not in everything and len(everything) == 5
        assert everything[0] == "Đợt cuối năm"  # newest first
        assert _titles(client.get(url, {"q": "Sân vận động"})) == ["Ngày hội hè 2021"]
        assert _titles(client.get(url, {"q": "phu ung"})) == ["Đợt xã Vân Du"]  # a participating unit, no accents
        assert _titles(client.get(url, {"unit": tree.van_du.pk})) == ["Đợt xã Vân Du"]
        period = {"start": "01/05/2024", "end": "30/06/2024", "sort": "date"}
        assert _titles(client.get(url, period)) == ["Đợt tháng Năm", "Đợt xã Vân Du"]
        by_phase = {phase: _titles(client.get(url, {"phase": phase})) for phase in phases.PHASES}
    assert by_phase == {
        "planned": ["Đợt cuối năm"],
        "open": ["Đợt xã Vân Du"],
        "held": ["Đợt tháng Năm"],
        "closed": ["Ngày hội hè 2021"],
        "cancelled": ["Đợt bị huỷ"],
    }
    wrong = client.get(url, {"start": "31/02/2024", "phase": "nonsense"})
    assert wrong.status_code == 200 and set(wrong.context["form"].errors) == {"start", "phase"}
    assert len(_titles(wrong)) == 5  # a wrong filter filters nothing and says so


def test_a_2021_drive_is_never_being_prepared(tree, people, drives, client_for):
    unfinished = _drive(tree.an_thi, "Đợt 2021 chưa có kết quả", datetime.date(2021, 8, 1))
    with frozen(TODAY):
        assert drives["held"].phase == phases.CLOSED and unfinished.phase == phases.HELD
        page = client_for(people.district_officer).get(reverse("drives:drive_detail", args=[unfinished.pk]))
    body = page.content.decode()
    assert "Đã tổ chức, chờ kết quả" in body and "Đang chuẩn bị" not in body


def test_the_calendar_jumps_to_july_2021_and_has_week_and_list_views(tree, people, drives, client_for):
    client = client_for(people.district_officer)
    url = reverse("drives:drive_calendar")
    july = client.get(url, {"month": "2021-07"})
    assert july.status_code == 200 and "Tháng 07/2021" in july.content.decode()
    assert [d.title for d in july.context["drives"]] == ["Ngày hội hè 2021"]
    week = client.get(url, {"view": "week", "week": "2021-07-07"})
    assert [d.title for d in week.context["drives"]] == ["Ngày hội hè 2021"]
    assert week.context["first"] == datetime.date(2021, 7, 5)
    listed = client.get(url, {"month": "7", "year": "2021", "view": "list"})
    assert "calendar-card" not in listed.content.decode() and "Ngày hội hè 2021" in listed.content.decode()
    for bad in ({"month": "2021-13"}, {"month": "abc"}, {"year": "2020", "month": "2021-07"}):
        assert client.get(url, bad).status_code == 400


def test_facility_staff_find_the_drives_their_facility_collects(tree, people, drives, client_for):
    hospital = type(tree.an_thi).objects.create(
        name="Bệnh viện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi
    )
    collected = _drive(tree.an_giang, "Đợt bệnh viện lấy máu", datetime.date(2024, 6, 20), facility=hospital)
    staff = member("bv.anthi", hospital, Role.FACILITY_STAFF)
    client = client_for(staff)
    with frozen(TODAY):
        assert _titles(client.get(reverse("drives:drive_list"))) == ["Đợt bệnh viện lấy máu"]
        june = client.get(reverse("drives:drive_calendar"), {"month": "2024-06"})
    assert [d.pk for d in june.context["drives"]] == [collected.pk]
    assert client.get(reverse("plans:plan_create")).status_code == 403  # facility staff do not make plans
    assert client.get(reverse("plans:plan_import")).status_code == 403
    assert "Tạo kế hoạch" not in client.get(reverse("plans:plan_list")).content.decode()


@given(
    st.sampled_from([DriveStatus.PLANNED, DriveStatus.CLOSED, DriveStatus.CANCELLED]),
    st.dates(),
    st.dates(),
    st.booleans(),
    st.booleans(),
    st.none() | st.dates(),
)
def test_a_phase_never_contradicts_the_date(stored, day, today, has_results, public, deadline):
    phase = phases.phase(
        stored, day, today, has_results=has_results, public_registration=public, list_deadline=deadline
    )
    if day < today:
        assert phase in (phases.HELD, phases.CLOSED, phases.CANCELLED)
    if phase in (phases.PLANNED, phases.OPEN):
        assert day >= today and stored == DriveStatus.PLANNED
    if stored == DriveStatus.CANCELLED:
        assert phase == phases.CANCELLED
