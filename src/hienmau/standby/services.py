"""Calling donors for an emergency request in waves, through the notify app, and recording answers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from hienmau.core import clock
from hienmau.core.lib.dates import format_date
from hienmau.donors.lib.eligibility import Deferral, PastDonation, Person, eligibility, rules_on
from hienmau.donors.models import Donation, Donor, Outcome
from hienmau.donors.services import rule_sets
from hienmau.notify.services import send
from hienmau.notify.templates import render
from hienmau.orgs.scoping import Scope, unit_scope
from hienmau.standby.lib import matching as M
from hienmau.standby.matching import available_members, group_text, match
from hienmau.standby.models import (
    Call,
    CallOutcome,
    Club,
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


# --- club rosters --------------------------------------------------------------------------------


class RosterError(Exception):
    """A roster change refused, with the reason in Vietnamese."""


@dataclass
class RosterLine:
    member: ClubMember
    eligible_from: datetime.date | None  # None: cannot give (age, weight) or no birth date
    eligible_now: bool
    available: bool
    last_contact: datetime.datetime | None


def roster(club: Club, on: datetime.date) -> list[RosterLine]:
    """Every member with the next day they may give (the one eligibility rule, whole blood), whether they
    are available, and when they were last called: three queries for the whole roster."""
    rules = rules_on(rule_sets(), on)
    donated = Donation.objects.filter(donor=OuterRef("donor"), outcome=Outcome.DONATED, date__lte=on).order_by(
        "-date", "-pk"
    )
    members = list(
        club.members.select_related("donor")
        .annotate(
            last_date=Subquery(donated.values("date")[:1]),
            last_component=Subquery(donated.values("component")[:1]),
            last_contact=Subquery(Call.objects.filter(donor=OuterRef("donor")).order_by("-at").values("at")[:1]),
        )
        .order_by("donor__given_name_folded", "donor__name_folded", "pk")
    )
    deferrals: dict[int, list[Deferral]] = {}
    for donor_id, until, reason in Donation.objects.filter(
        donor__in=[m.donor_id for m in members], outcome=Outcome.DEFERRED, deferral_until__gt=on
    ).values_list("donor_id", "deferral_until", "deferral_reason"):
        if until is not None:  # the filter above excludes open-ended rows; this tells the type checker
            deferrals.setdefault(donor_id, []).append(Deferral(until=until, reason=reason))
    lines = []
    for member in members:
        donor = member.donor
        eligible_from, now_ok = None, False
        if donor.date_of_birth is not None:
            person = Person(
                sex=donor.sex or None,
                date_of_birth=donor.date_of_birth,
                weight_kg=float(donor.weight_kg) if donor.weight_kg is not None else None,
            )
            last = member.last_date
            past = PastDonation(last, member.last_component) if last else None
            verdict = eligibility(person, on, "whole_blood", None, past, deferrals.get(donor.pk, []), rules)
            now_ok = verdict.eligible
            eligible_from = on if verdict.eligible else verdict.eligible_from
        lines.append(RosterLine(member, eligible_from, now_ok, member.available_on(on), member.last_contact))
    return lines


def add_member(club: Club, donor: Donor, joined_on: datetime.date, channel: str) -> ClubMember:
    if donor.merged_into_id or donor.erased_at:
        raise RosterError("Hồ sơ người hiến này đã được gộp hoặc xoá, không thêm vào câu lạc bộ được.")
    member, created = ClubMember.objects.get_or_create(
        club=club, donor=donor, defaults={"joined_on": joined_on, "channel": channel}
    )
    if not created:
        raise RosterError(f"{donor.full_name} đã có trong danh sách câu lạc bộ.")
    return member


# --- reports -------------------------------------------------------------------------------------


@dataclass
class RequestFigures:
    request: EmergencyRequest
    calls: int
    accepted: int
    minutes_to_fill: int | None


@dataclass
class ClubFigures:
    club: Club
    calls: int
    answered: int
    accepted: int

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.calls if self.calls else None

    @property
    def accept_rate(self) -> float | None:
        return self.accepted / self.calls if self.calls else None


def request_figures(requests) -> list[RequestFigures]:
    """Calls, yeses and the time from raising to filled, per request (one query)."""
    rows = requests.annotate(
        n_calls=Count("calls"), n_accepted=Count("calls", filter=Q(calls__outcome__in=ANSWERED_YES))
    ).select_related("facility")
    figures = []
    for request in rows:
        minutes = None
        if request.filled_at:
            minutes = int((request.filled_at - request.created_at).total_seconds() // 60)
        figures.append(RequestFigures(request, request.n_calls, request.n_accepted, minutes))
    return figures


def club_figures(clubs, requests) -> list[ClubFigures]:
    """Per club: calls to its members for the given requests, how many answered at all, how many said yes."""
    calls = Call.objects.filter(request__in=requests)
    answered = ~Q(outcome__in=[CallOutcome.PENDING, CallOutcome.NO_ANSWER, CallOutcome.UNREACHABLE])
    figures = []
    counts = {
        row["donor__club_memberships__club"]: row
        for row in calls.filter(donor__club_memberships__club__in=clubs)
        .values("donor__club_memberships__club")
        .annotate(
            n=Count("pk"), answered=Count("pk", filter=answered), yes=Count("pk", filter=Q(outcome__in=ANSWERED_YES))
        )
    }
    for club in clubs:
        found = counts.get(club.pk)
        n, answered_n, yes = (found["n"], found["answered"], found["yes"]) if found else (0, 0, 0)
        figures.append(ClubFigures(club, n, answered_n, yes))
    return figures
