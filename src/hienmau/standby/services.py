"""Calling donors for an emergency request in waves, through the notify app, and recording answers."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hienmau.core import clock
from hienmau.core.lib.dates import format_date
from hienmau.donors.models import Donor
from hienmau.notify.services import send
from hienmau.notify.templates import render
from hienmau.orgs.scoping import Scope, unit_scope
from hienmau.standby.lib import matching as M
from hienmau.standby.matching import available_members, group_text, match
from hienmau.standby.models import (
    Call,
    CallOutcome,
    ClubMember,
    ContactChannel,
    EmergencyRequest,
    RequestStatus,
    Urgency,
)

ANSWERED_YES = (CallOutcome.ACCEPTED, CallOutcome.CAME, CallOutcome.DONATED)


def accepted(request: EmergencyRequest) -> int:
    return request.calls.filter(outcome__in=ANSWERED_YES).count()


def _channel(donor: Donor, members: list[ClubMember]) -> tuple[str, str]:
    """The member's preferred channel when it has an address, else SMS to the donor's phone."""
    for member in members:
        if member.channel == ContactChannel.ZALO and member.zalo_user_id:
            return ContactChannel.ZALO, member.zalo_user_id
        if member.channel == ContactChannel.EMAIL and member.email:
            return ContactChannel.EMAIL, member.email
    return ContactChannel.SMS, donor.phone


def waiting(request: EmergencyRequest, now: datetime.datetime):
    """Calls still inside the acceptance window with no answer."""
    since = now - datetime.timedelta(minutes=request.answer_minutes)
    return request.calls.filter(outcome=CallOutcome.PENDING, at__gt=since)


@transaction.atomic
def call_next_wave(request: EmergencyRequest, scope: Scope, on: datetime.date) -> list[Call]:
    """The next people to call: the first wave is units + 2 when urgent (+ 1 otherwise); a later wave
    covers what is still missing with the same margin, counting only calls still inside the acceptance
    window. Nobody is called twice in one request; the request row is locked so two officers pressing at
    once make one wave."""
    request = EmergencyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.OPEN:
        return []
    now = clock.now()
    urgent = request.urgency == Urgency.URGENT
    missing = request.units - accepted(request)
    size = M.first_wave_size(missing, urgent) - waiting(request, now).count()
    if missing <= 0 or size <= 0:
        return []
    called = set(request.calls.values_list("donor_id", flat=True))
    result = match(scope, (request.abo, request.rh), request.component, request.units, on, request.facility, urgent)
    fresh = [c.donor_id for c in result.candidates if c.donor_id not in called][:size]
    wave = (request.calls.aggregate(n=Max("wave"))["n"] or 0) + 1
    donors = Donor.objects.in_bulk(fresh)
    members: dict[int, list[ClubMember]] = {}
    for member in available_members(on).filter(donor_id__in=fresh).order_by("joined_on", "pk"):
        members.setdefault(member.donor_id, []).append(member)
    needed_by = timezone.localtime(request.needed_by)
    body = render(
        "emergency_call",
        facility=request.facility.name,
        group=group_text((request.abo, request.rh)),
        component=request.get_component_display(),
        needed_by=f"{needed_by:%H:%M} ngày {format_date(needed_by.date())}",
        place=request.place or request.facility.name,
        contact=request.contact_phone or request.facility.name,
    )
    calls = []
    for donor_id in fresh:
        donor = donors[donor_id]
        channel, address = _channel(donor, members.get(donor_id, []))
        call = Call.objects.create(request=request, donor=donor, wave=wave, channel=channel, at=now)
        if address:
            send(channel, address, body, f"standby:{request.pk}:{donor.pk}", urgent=True)
        else:
            call.outcome = CallOutcome.UNREACHABLE
            call.answered_at = now
            call.save(update_fields=["outcome", "answered_at"])
        calls.append(call)
    return calls


@transaction.atomic
def record_answer(call: Call, outcome: str) -> EmergencyRequest:
    """The person's answer (or what happened: came, donated); the request closes as filled when enough
    have accepted. The request row is locked, so two answers recorded at once close it once."""
    if outcome not in CallOutcome.values or outcome == CallOutcome.PENDING:
        raise ValueError(f"unknown outcome {outcome!r}")
    request = EmergencyRequest.objects.select_for_update().get(pk=call.request_id)
    Call.objects.filter(pk=call.pk).update(outcome=outcome, answered_at=clock.now())
    call.refresh_from_db()
    if request.status == RequestStatus.OPEN and accepted(request) >= request.units:
        request.status = RequestStatus.FILLED
        request.filled_at = clock.now()
        request.save(update_fields=["status", "filled_at"])
    return request


@transaction.atomic
def cancel(request: EmergencyRequest) -> None:
    EmergencyRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(status=RequestStatus.CANCELLED)


def widen_overdue(on: datetime.date) -> list[tuple[EmergencyRequest, list[Call]]]:
    """Every open request whose calls have gone past the acceptance window without enough yeses gets its
    next wave (in the scope of the office that raised it); what `hienmau standby widen` runs every minute."""
    done = []
    for request in EmergencyRequest.objects.filter(status=RequestStatus.OPEN).select_related("facility"):
        if not request.calls.exists():
            continue
        calls = call_next_wave(request, unit_scope(request.office or request.facility), on)
        if calls:
            done.append((request, calls))
    return done
