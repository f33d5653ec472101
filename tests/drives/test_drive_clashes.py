"""Overlapping drives (issue 12): the same site or the same collecting facility, the same day, hours that
overlap. The drive form warns, names the drives the officer may see, counts the others, and saves only
when the officer confirms."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from hienmau.drives.lib.clashes import SAME_FACILITY, SAME_SITE, Booking, clash, times_overlap
from hienmau.drives.models import Drive, DriveStatus
from hienmau.orgs.models import Unit

DAY = datetime.date(2021, 7, 20)
T = datetime.time


def booking(start, end, site="Nhà văn hoá huyện", facility=1, day=DAY):
    return Booking(day, start, end, site, facility)


times = st.integers(0, 23 * 60).map(lambda m: T(m // 60, m % 60))


@given(times, times, times, times)
def test_overlap_is_symmetric_and_matches_the_minutes(a1, a2, b1, b2):
    assume(a1 != a2 and b1 != b2)  # the form refuses a drive that ends when it starts
    a, b = booking(min(a1, a2), max(a1, a2)), booking(min(b1, b2), max(b1, b2))
    assert times_overlap(a, b) == times_overlap(b, a)
    minutes = lambda t: t.hour * 60 + t.minute  # noqa: E731
    shared = min(minutes(a.end), minutes(b.end)) - max(minutes(a.start), minutes(b.start))
    assert times_overlap(a, b) == (shared > 0)


def test_what_clashes_and_what_does_not():
    morning = booking(T(7), T(11, 30))
    assert clash(morning, booking(T(11, 30), T(14))) == []  # one after the other
    assert clash(morning, booking(T(9), T(10), site="NHÀ VĂN HOÁ  HUYỆN")) == [SAME_SITE, SAME_FACILITY]
    assert clash(morning, booking(T(9), T(10), site="Nha van hoa huyen", facility=2)) == [SAME_SITE]
    assert clash(morning, booking(T(9), T(10), site="Trường THCS", facility=1)) == [SAME_FACILITY]
    assert clash(morning, booking(T(9), T(10), site="Trường THCS", facility=None)) == []
    assert clash(morning, booking(T(9), T(10), day=DAY + datetime.timedelta(days=1))) == []
    assert clash(morning, booking(T(13), None)) == []  # an unknown end is the rest of the day, after 11:30
    assert clash(booking(T(13), None), booking(T(20), T(21))) == [SAME_SITE, SAME_FACILITY]


def _post(tree, facility, **extra):
    return {
        "title": "Ngày hội mới",
        "organiser": tree.an_thi.pk,
        "date": "20/07/2021",
        "start_time": "09:00",
        "end_time": "10:30",
        "site_name": "Trường THCS Ân Thi",
        "facility": facility.pk,
        "expected_direct": "10",
        "expected_reserve": "0",
        **extra,
    }


@pytest.fixture
def hospital(tree):
    return Unit.objects.create(
        name="Bệnh viện Đa khoa tỉnh Hưng Yên", kind="organisation", category="hospital", parent=tree.hung_yen
    )


def _drive(organiser, hospital, title, start, end, site="Nhà văn hoá xã", status=DriveStatus.PLANNED):
    return Drive.objects.create(
        organiser=organiser,
        title=title,
        date=DAY,
        start_time=start,
        end_time=end,
        site_name=site,
        facility=hospital,
        status=status,
    )


@pytest.mark.django_db
def test_the_form_warns_then_saves_when_confirmed(tree, people, hospital, client_for):
    _drive(tree.an_thi, hospital, "Ngày hội xã Vân Du", T(7), T(11))
    _drive(tree.an_thi, hospital, "Đợt đã huỷ", T(9), T(10), status=DriveStatus.CANCELLED)
    other_province = Unit.objects.create(name="Kim Động", kind="district", category="huyen", parent=tree.hung_yen)
    _drive(other_province, hospital, "Ngày hội huyện Kim Động", T(8), T(9, 30))
    client = client_for(people.district_officer)
    warned = client.post(reverse("drives:drive_create"), _post(tree, hospital))
    body = warned.content.decode()
    assert warned.status_code == 200 and not Drive.objects.filter(title="Ngày hội mới").exists()
    assert "Trùng giờ với đợt hiến máu khác" in body and "Ngày hội xã Vân Du" in body
    assert "cùng cơ sở tiếp nhận" in body and "Đợt đã huỷ" not in body
    # Kim Động's drive is outside the officer's scope: counted, not named.
    assert "Ngày hội huyện Kim Động" not in body and "còn 1 đợt khác" in body
    saved = client.post(reverse("drives:drive_create"), {**_post(tree, hospital), "confirm_clash": "1"})
    assert saved.status_code == 302 and Drive.objects.filter(title="Ngày hội mới").exists()


@pytest.mark.django_db
def test_no_warning_without_a_clash_and_an_edit_does_not_clash_with_itself(tree, people, hospital, client_for):
    _drive(tree.an_thi, hospital, "Ngày hội xã Vân Du", T(7), T(9))
    client = client_for(people.district_officer)
    assert client.post(reverse("drives:drive_create"), _post(tree, hospital)).status_code == 302  # 9:00 after 7–9
    mine = Drive.objects.get(title="Ngày hội mới")
    edit = client.post(reverse("drives:drive_edit", args=[mine.pk]), _post(tree, hospital, title="Ngày hội mới (sửa)"))
    assert edit.status_code == 302
    moved = client.post(reverse("drives:drive_edit", args=[mine.pk]), _post(tree, hospital, start_time="08:00"))
    assert moved.status_code == 200 and "Ngày hội xã Vân Du" in moved.content.decode()
