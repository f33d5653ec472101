"""Waves through the notify app (the file backend in tests), answers, and the request closing as filled."""

import datetime

import pytest
from django.utils import timezone

from hienmau.notify.models import Message
from hienmau.orgs.scoping import unit_scope
from hienmau.standby.models import CallOutcome, EmergencyRequest, RequestStatus
from hienmau.standby.services import call_next_wave, record_answer

from .test_match_command import hospital, person  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 5, 4)


def test_waves_answers_and_filling(tree, hospital):  # noqa: F811
    donors = [
        person(f"Người Số {i}", tree.van_du, "O", "-", last=datetime.date(2025, 1, i + 1), facility=hospital)
        for i in range(6)
    ]
    for number, donor in enumerate(donors):
        donor.phone = f"+8491200000{number}"
        donor.save()
    request = EmergencyRequest.objects.create(
        facility=hospital, abo="O", rh="-", component="red_cells", units=2, urgency="urgent", needed_by=timezone.now()
    )
    first = call_next_wave(request, unit_scope(hospital), ON)
    assert len(first) == 4  # units + 2
    assert Message.objects.filter(purpose=f"standby:{request.pk}:{donors[0].pk}").count() == 1
    assert call_next_wave(request, unit_scope(hospital), ON) == []  # all four still pending
    for call in first:
        record_answer(call, CallOutcome.DECLINED if call.donor_id != donors[0].pk else CallOutcome.ACCEPTED)
    second = call_next_wave(request, unit_scope(hospital), ON)
    assert {c.donor_id for c in second}.isdisjoint({c.donor_id for c in first})  # nobody twice
    assert len(second) == 2  # the remaining candidates (1 missing + 2, only 2 left)
    assert {c.wave for c in second} == {2}
    record_answer(second[0], CallOutcome.ACCEPTED)
    request.refresh_from_db()
    assert request.status == RequestStatus.FILLED and request.filled_at
    assert call_next_wave(request, unit_scope(hospital), ON) == []
