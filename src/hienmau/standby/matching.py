"""Matching an emergency request against the registry, as one set-based query and a pure check.

The query keeps the donors the requester's scope reaches (orgs/scoping.py) who are of a compatible group,
consent to emergency contact (on their record, or as an active club member), are available (no club
membership saying "not now" or paused on the day), alive in the registry (not merged or erased), about of
age on the day, under no deferral and who have not given within the shortest interval; it reads each
one's last donation, last call and club with subqueries for the rows it returns, so the database does the
filtering in one statement. The rows left are then judged by the one eligibility rule
(donors/lib/eligibility.py: the interval after the component given last, age to the day, weight),
without another query, and ranked (standby/lib/matching.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from hienmau.core.lib.dates import format_date
from hienmau.donors.lib.eligibility import COMPONENT_LABELS, PastDonation, Person, eligibility, rules_on
from hienmau.donors.models import BloodGroupSource, Donation, Donor, Outcome
from hienmau.donors.services import rule_sets
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope, visible_donors
from hienmau.standby.lib import matching as M
from hienmau.standby.models import Call, ClubMember, MemberStatus

_SOURCE_WORDS = {
    BloodGroupSource.FACILITY: "cơ sở y tế đã xác nhận",
    BloodGroupSource.CARD: "theo thẻ hiến máu",
    BloodGroupSource.SELF_DECLARED: "tự khai, cần xét nghiệm lại",
    "": "chưa rõ nguồn, cần xét nghiệm lại",
}
_NEARNESS = {0: "cùng xã, phường", 1: "cùng quận, huyện", 2: "cùng tỉnh, thành phố"}


@dataclass
class MatchResult:
    candidates: list[M.Candidate]
    wave: list[int]


def group_label(group: tuple[str, str]) -> str:
    return f"{group[0]}{group[1]}"


def group_text(group: tuple[str, str]) -> str:
    return f"{group[0]} Rh{'−' if group[1] == '-' else '+'}"


def available_members(on: datetime.date) -> QuerySet[ClubMember]:
    return ClubMember.objects.filter(status=MemberStatus.ACTIVE).filter(
        Q(unavailable_until__isnull=True) | Q(unavailable_until__lt=on)
    )


def candidate_rows(scope: Scope, patient: tuple[str, str], component: str, on: datetime.date) -> QuerySet:
    """The one query: every filter the database can apply, with the values the check and the ranking need."""
    rules = rules_on(rule_sets(), on)
    groups = Q(pk__in=[])
    for abo, rh in M.compatible_groups(patient, component):
        groups |= Q(abo=abo, rh=rh)
    donated = Donation.objects.filter(donor=OuterRef("pk"), outcome=Outcome.DONATED, date__lte=on).order_by(
        "-date", "-pk"
    )
    memberships = ClubMember.objects.filter(donor=OuterRef("pk"))
    not_now = memberships.filter(
        Q(status=MemberStatus.PAUSED) | Q(unavailable_until__gte=on), status__in=["active", "paused"]
    )
    deferred = Donation.objects.filter(
        donor=OuterRef("pk"), outcome=Outcome.DEFERRED, date__lte=on, deferral_until__gt=on
    )
    last_call = Call.objects.filter(donor=OuterRef("pk")).order_by("-at")
    rows = (
        visible_donors(Donor.objects.all(), scope)
        .filter(groups, merged_into__isnull=True, erased_at__isnull=True)
        .filter(
            Q(consent_emergency=True)
            | Exists(available_members(on).filter(donor=OuterRef("pk"), consent_emergency=True))
        )
        .filter(  # of age on the day: a bound a little wide, the rule below decides the edge days
            date_of_birth__lte=years_before(on, rules.min_age),
            date_of_birth__gte=years_before(on, rules.max_age + 1),
        )
        .exclude(Exists(not_now))
        .exclude(Exists(deferred))
        .annotate(
            last_date=Subquery(donated.values("date")[:1]),
            last_component=Subquery(donated.values("component")[:1]),
            last_call=Subquery(last_call.annotate(day=TruncDate("at")).values("day")[:1]),
            club_name=Subquery(
                available_members(on).filter(donor=OuterRef("pk")).order_by("joined_on", "pk").values("club__name")[:1]
            ),
        )
    )
    # Nobody who gave within the shortest interval can give: an anti-join the planner costs well. The
    # interval of the component given last is then applied exactly by the rule below, on the few rows left.
    shortest = min(rules.gap_days.values())
    recent = Donation.objects.filter(
        donor=OuterRef("pk"), outcome=Outcome.DONATED, date__lte=on, date__gt=on - datetime.timedelta(days=shortest)
    )
    rows = rows.exclude(Exists(recent))
    return rows.values(
        "pk",
        "full_name",
        "abo",
        "rh",
        "blood_group_source",
        "sex",
        "date_of_birth",
        "weight_kg",
        "commune__path",
        "workplace__path",
        "last_date",
        "last_component",
        "last_call",
        "club_name",
    )


def years_before(on: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return datetime.date(on.year - years, 2, 28)


def match(
    scope: Scope,
    patient: tuple[str, str],
    component: str,
    units: int,
    on: datetime.date,
    near: Unit,
    urgent: bool = False,
) -> MatchResult:
    rules = rules_on(rule_sets(), on)
    candidates = []
    for row in candidate_rows(scope, patient, component, on):
        past = PastDonation(row["last_date"], row["last_component"]) if row["last_date"] else None
        person = Person(
            sex=row["sex"] or None,
            date_of_birth=row["date_of_birth"],
            weight_kg=float(row["weight_kg"]) if row["weight_kg"] is not None else None,
        )
        verdict = eligibility(person, on, component, None, past, [], rules)
        if not verdict.eligible:
            continue
        steps = M.distance(near.path, [path for path in (row["commune__path"], row["workplace__path"]) if path])
        group = (row["abo"], row["rh"])
        source = row["blood_group_source"]
        confirmed = source in (BloodGroupSource.FACILITY, BloodGroupSource.CARD)
        reasons = [f"nhóm máu {group_text(group)} phù hợp ({_SOURCE_WORDS.get(source, _SOURCE_WORDS[''])})"]
        reasons.append(f"đủ điều kiện hiến {COMPONENT_LABELS[component]} ngày {format_date(on)}")
        if row["club_name"]:
            reasons.append(f"thành viên {row['club_name']}")
        reasons.append(_NEARNESS.get(steps, "ở xa hơn"))
        if row["last_date"]:
            reasons.append(f"lần hiến gần nhất {format_date(row['last_date'])}")
        else:
            reasons.append("chưa có lần hiến nào được ghi")
        if row["last_call"]:
            reasons.append(f"được gọi lần gần nhất {format_date(row['last_call'])}")
        candidates.append(
            M.Candidate(
                donor_id=row["pk"],
                name=row["full_name"],
                group=group,
                eligible_from=_eligible_from(person, past, on, component, rules),
                distance=steps,
                club_member=bool(row["club_name"]),
                last_donation=row["last_date"],
                last_call=row["last_call"],
                confirmed=confirmed,
                reasons=reasons,
            )
        )
    ranked = M.rank(candidates, patient, on)
    return MatchResult(ranked, [c.donor_id for c in ranked[: M.first_wave_size(units, urgent)]])


def _eligible_from(
    person: Person, past: PastDonation | None, on: datetime.date, component: str, rules
) -> datetime.date:
    """The first day, up to `on`, from which the donor has been eligible (the day after the last
    donation's waiting time): checked by the same eligibility rule."""
    if past is None:
        return on
    verdict = eligibility(person, past.date + datetime.timedelta(days=1), component, None, past, [], rules)
    return verdict.eligible_from if verdict.eligible_from and verdict.eligible_from <= on else on
