"""Matching with clubs: availability is not eligibility, consent through a club, club members first,
incompatible groups and deferrals left out, a confirmed group before a declared one, a constant number of
queries however many donors; waves through each member's channel, widening after the acceptance window."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hienmau.core.clock import frozen
from hienmau.donors.models import Donation
from hienmau.notify.models import Message
from hienmau.orgs.scoping import unit_scope
from hienmau.standby.matching import match
from hienmau.standby.models import CallOutcome, Club, ClubMember, EmergencyRequest, RequestStatus
from hienmau.standby.services import call_next_wave, record_answer, widen_overdue

from .test_match_command import hospital, person  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 5, 4)
NOW = datetime.datetime(2026, 5, 4, 22, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture
def club(tree):
    return Club.objects.create(name="CLB Rh âm Ân Thi", kind="rare", unit=tree.an_thi)


def ids(result):
    return [c.donor_id for c in result.candidates]


def run(tree, hospital, group=("O", "-"), component="red_cells", units=1, urgent=True):  # noqa: F811
    return match(unit_scope(tree.an_thi), group, component, units, ON, hospital, urgent)


def test_an_unavailable_member_is_left_out_though_eligible(tree, hospital, club):  # noqa: F811
    busy = person("Trần Văn Bận", tree.van_du, "O", "-")
    paused = person("Lê Thị Nghỉ", tree.van_du, "O", "-")
    ready = person("Phạm Văn Sẵn", tree.van_du, "O", "-")
    ClubMember.objects.create(club=club, donor=busy, joined_on=ON, unavailable_until=ON)
    ClubMember.objects.create(club=club, donor=paused, joined_on=ON, status="paused")
    ClubMember.objects.create(club=club, donor=ready, joined_on=ON, unavailable_until=ON - datetime.timedelta(days=1))
    assert ids(run(tree, hospital)) == [ready.pk]


def test_consent_can_come_from_the_club_roster(tree, hospital, club):  # noqa: F811
    listed = person("Võ Văn Hội", tree.van_du, "O", "-", consent=False)
    unlisted = person("Võ Văn Không", tree.van_du, "O", "-", consent=False)
    ClubMember.objects.create(club=club, donor=listed, joined_on=ON, consent_emergency=True)
    ClubMember.objects.create(club=club, donor=unlisted, joined_on=ON, consent_emergency=False)
    assert ids(run(tree, hospital)) == [listed.pk]


def test_club_members_come_first_with_the_club_named(tree, hospital, club):  # noqa: F811
    near = person("Ngô Văn Gần", tree.van_du, "O", "-")
    member = person("Đỗ Thị Hội", tree.phu_ung, "O", "-")
    ClubMember.objects.create(club=club, donor=member, joined_on=ON)
    result = run(tree, hospital)
    assert ids(result) == [member.pk, near.pk]
    assert "thành viên CLB Rh âm Ân Thi" in result.candidates[0].reasons


def test_incompatible_groups_never_match(tree, hospital):  # noqa: F811
    donors = {
        g: person(f"Người Nhóm {g[0]}{'Âm' if g[1] == '-' else 'Dương'}", tree.van_du, *g)
        for g in [("O", "-"), ("O", "+"), ("A", "-"), ("A", "+"), ("B", "+"), ("AB", "+"), ("AB", "-")]
    }
    assert set(ids(run(tree, hospital, ("A", "-")))) == {donors["O", "-"].pk, donors["A", "-"].pk}
    assert set(ids(run(tree, hospital, ("A", "-"), "whole_blood"))) == {donors["A", "-"].pk}
    plasma = set(ids(run(tree, hospital, ("A", "+"), "plasma")))
    assert plasma == {donors["A", "-"].pk, donors["A", "+"].pk, donors["AB", "+"].pk, donors["AB", "-"].pk}
    platelets = ids(run(tree, hospital, ("B", "+"), "platelets", units=9))
    assert platelets[0] == donors["B", "+"].pk and len(platelets) == len(donors)  # any ABO, own group first


def test_deferred_too_young_too_old_and_too_light_are_left_out(tree, hospital):  # noqa: F811
    fine = person("Hà Văn Được", tree.van_du, "O", "-")
    deferred = person("Hà Văn Hoãn", tree.van_du, "O", "-")
    Donation.objects.create(
        donor=deferred,
        date=ON - datetime.timedelta(days=10),
        outcome="deferred",
        deferral_until=ON + datetime.timedelta(days=1),
    )
    ended = person("Hà Văn Hết", tree.van_du, "O", "-")
    Donation.objects.create(donor=ended, date=ON - datetime.timedelta(days=200), outcome="deferred", deferral_until=ON)
    young = person("Hà Văn Trẻ", tree.van_du, "O", "-")
    young.date_of_birth = datetime.date(2008, 5, 5)  # 18 tomorrow
    young.save()
    old = person("Hà Văn Già", tree.van_du, "O", "-")
    old.date_of_birth = datetime.date(1965, 5, 4)  # 61 today
    old.save()
    light = person("Hà Thị Nhẹ", tree.van_du, "O", "-")
    light.weight_kg, light.sex = 41, "F"
    light.save()
    assert set(ids(run(tree, hospital))) == {fine.pk, ended.pk}


def test_a_facility_confirmed_group_ranks_before_a_declared_one(tree, hospital):  # noqa: F811
    declared = person("Lý Văn Khai", tree.van_du, "O", "-")
    declared.blood_group_source = "self"
    declared.save()
    confirmed = person("Lý Văn Xác", tree.van_du, "O", "-")
    confirmed.blood_group_source = "facility"
    confirmed.save()
    result = run(tree, hospital)
    assert ids(result) == [confirmed.pk, declared.pk]
    assert "tự khai, cần xét nghiệm lại" in result.candidates[1].reasons[0]


def test_matching_takes_the_same_queries_for_three_donors_or_thirty(tree, hospital, club):  # noqa: F811
    def count():
        with CaptureQueriesContext(connection) as queries:
            run(tree, hospital)
        return len(queries)

    for n in range(3):
        ClubMember.objects.create(club=club, donor=person(f"Người Thứ {n}", tree.van_du, "O", "-"), joined_on=ON)
    few = count()
    for n in range(3, 30):
        d = person(f"Người Thứ {n}", tree.van_du, "O", "-", last=datetime.date(2025, 1, 1), facility=hospital)
        ClubMember.objects.create(club=club, donor=d, joined_on=ON)
    assert count() == few and len(run(tree, hospital).candidates) == 30


def test_waves_use_the_members_channel_and_widen_after_the_window(tree, hospital, club, settings):  # noqa: F811
    settings.HIENMAU_QUIET_HOURS = (21, 7)  # emergencies go out at night all the same
    zalo = person("Châu Văn Zalo", tree.van_du, "O", "-")
    ClubMember.objects.create(club=club, donor=zalo, joined_on=ON, channel="zalo", zalo_user_id="8412345")
    others = [person(f"Người Gọi {n}", tree.van_du, "O", "-") for n in range(5)]
    for n, donor in enumerate(others):
        donor.phone = f"+8491200001{n}"
        donor.save()
    others[4].phone = ""
    others[4].save()
    request = EmergencyRequest.objects.create(
        facility=hospital, office=tree.an_thi, abo="O", rh="-", component="red_cells", units=1, urgency="normal", needed_by=NOW,
        answer_minutes=20,
    )  # fmt: skip
    with frozen(NOW):
        first = call_next_wave(request, unit_scope(tree.an_thi), ON)
    assert len(first) == 2 and first[0].donor_id == zalo.pk and first[0].channel == "zalo"
    message = Message.objects.get(purpose=f"standby:{request.pk}:{zalo.pk}")
    assert message.channel == "zalo" and message.recipient == "8412345" and message.urgent
    assert message.next_attempt_at == NOW  # not held by quiet hours
    assert "O Rh−" in message.body and "CÓ" in message.body
    with frozen(NOW + datetime.timedelta(minutes=10)):
        assert widen_overdue(ON) == []  # still inside the window
    with frozen(NOW + datetime.timedelta(minutes=21)):
        [(widened, second)] = widen_overdue(ON)
    assert widened.pk == request.pk and len(second) == 2 and {c.wave for c in second} == {2}
    with frozen(NOW + datetime.timedelta(minutes=50)):
        third = call_next_wave(request, unit_scope(tree.an_thi), ON)
    assert len(third) == 2  # the second wave went unanswered too: 1 missing + 1, the last two left
    no_phone = next(c for c in third if c.donor_id == others[4].pk)
    assert no_phone.outcome == CallOutcome.UNREACHABLE
    called = [c.donor_id for c in request.calls.all()]
    assert len(called) == len(set(called)) == 6
    with frozen(NOW + datetime.timedelta(minutes=90)):
        assert call_next_wave(request, unit_scope(tree.an_thi), ON) == []  # nobody left to call
    record_answer(second[0], CallOutcome.ACCEPTED)
    request.refresh_from_db()
    assert request.status == RequestStatus.FILLED


def test_an_unknown_outcome_is_refused(tree, hospital):  # noqa: F811
    person("Người Một", tree.van_du, "O", "-")
    request = EmergencyRequest.objects.create(
        facility=hospital, abo="O", rh="-", component="red_cells", units=1, needed_by=timezone.now()
    )
    [call, *_rest] = call_next_wave(request, unit_scope(tree.an_thi), ON)
    with pytest.raises(ValueError):
        record_answer(call, "maybe")
