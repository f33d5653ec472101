"""Calling donors for an emergency request in waves, through the notify app, and recording answers."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from hienmau.core.lib.dates import format_date
from hienmau.notify.services import send
from hienmau.orgs.scoping import Scope
from hienmau.standby.lib import matching as M
from hienmau.standby.matching import match
from hienmau.standby.models import Call, CallOutcome, EmergencyRequest, RequestStatus, Urgency

ANSWERED_YES = (CallOutcome.ACCEPTED, CallOutcome.CAME, CallOutcome.DONATED)


def accepted(request: EmergencyRequest) -> int:
    return request.calls.filter(outcome__in=ANSWERED_YES).count()


@transaction.atomic
def call_next_wave(request: EmergencyRequest, scope: Scope, on: datetime.date) -> list[Call]:
    """The next people to call: the first wave is units + 2 when urgent (+ 1 otherwise); a later wave
    covers what is still missing with the same margin. Nobody is called twice in one request."""
    if request.status != RequestStatus.OPEN:
        return []
    urgent = request.urgency == Urgency.URGENT
    called = set(request.calls.values_list("donor_id", flat=True))
    pending = request.calls.filter(outcome="").count()
    missing = request.units - accepted(request)
    size = M.first_wave_size(missing, urgent) - pending
    if size <= 0:
        return []
    result = match(scope, (request.abo, request.rh), request.component, request.units, on, request.facility, urgent)
    fresh = [c for c in result.candidates if c.donor_id not in called][:size]
    wave = (max(request.calls.values_list("wave", flat=True), default=0) or 0) + 1
    calls = []
    for candidate in fresh:
        call = Call.objects.create(request=request, donor_id=candidate.donor_id, wave=wave, channel="sms")
        donor = call.donor
        body = (
            f"{request.facility.name} đang cần gấp máu nhóm {request.abo}{request.rh} "
            f"({request.get_component_display()}) trước {format_date(timezone.localtime(request.needed_by).date())}. "
            "Nếu bạn có thể đến hiến, xin trả lời CÓ. Xin cảm ơn!"
        )
        if donor.phone:
            send("sms", donor.phone, body, f"standby:{request.pk}:{donor.pk}", urgent=True)
        else:
            call.outcome = CallOutcome.UNREACHABLE
            call.save(update_fields=["outcome"])
        calls.append(call)
    return calls


@transaction.atomic
def record_answer(call: Call, outcome: str) -> EmergencyRequest:
    """The person's answer; the request closes as filled when enough have accepted."""
    call.outcome = outcome
    call.answered_at = timezone.now()
    call.save(update_fields=["outcome", "answered_at"])
    request = call.request
    if request.status == RequestStatus.OPEN and accepted(request) >= request.units:
        request.status = RequestStatus.FILLED
        request.filled_at = timezone.now()
        request.save(update_fields=["status", "filled_at"])
    return request
