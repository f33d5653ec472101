"""Matching an emergency request against the registry: donors the requester's scope reaches
(orgs/scoping.py), of a compatible group, consenting to emergency contact, eligible on the day for the
component by the one eligibility module (donors/services.eligibility_for)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q

from hienmau.core.lib.dates import format_date
from hienmau.donors.lib.eligibility import COMPONENT_LABELS
from hienmau.donors.models import Donor
from hienmau.donors.services import eligibility_for
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope, visible_donors
from hienmau.standby.lib import matching as M

_NEARNESS = {0: "cùng xã, phường", 1: "cùng quận, huyện", 2: "cùng tỉnh, thành phố"}


@dataclass
class MatchResult:
    candidates: list[M.Candidate]
    wave: list[int]


def group_label(group: tuple[str, str]) -> str:
    return f"{group[0]}{group[1]}"


def match(
    scope: Scope,
    patient: tuple[str, str],
    component: str,
    units: int,
    on: datetime.date,
    near: Unit,
    urgent: bool = False,
) -> MatchResult:
    groups = M.compatible_groups(patient, component)
    query = _groups_filter(groups)
    donors = (
        visible_donors(Donor.objects.all(), scope)
        .filter(query, consent_emergency=True, merged_into__isnull=True, erased_at__isnull=True)
        .filter(date_of_birth__isnull=False)
        .select_related("commune", "workplace")
        .annotate(last_donation=Max("donations__date"))
        .prefetch_related("clubs")
    )
    candidates = []
    for donor in donors:
        verdict = eligibility_for(donor, on, component)
        if verdict is None or not verdict.eligible:
            continue
        paths = [unit.path for unit in (donor.commune, donor.workplace) if unit is not None]
        steps = M.distance(near.path, paths)
        clubs = list(donor.clubs.all())
        reasons = [f"nhóm máu {group_label((donor.abo, donor.rh))} phù hợp"]
        reasons.append(f"đủ điều kiện hiến {COMPONENT_LABELS[component]} ngày {format_date(on)}")
        if clubs:
            reasons.append("thành viên " + ", ".join(club.name for club in clubs))
        reasons.append(_NEARNESS.get(steps, "ở xa hơn"))
        if donor.last_donation:
            reasons.append(f"lần hiến gần nhất {format_date(donor.last_donation)}")
        else:
            reasons.append("chưa có lần hiến nào được ghi")
        candidates.append(
            M.Candidate(
                donor_id=donor.pk,
                name=donor.full_name,
                group=(donor.abo, donor.rh),
                eligible_from=_eligible_from(donor, on, component),
                distance=steps,
                club_member=bool(clubs),
                last_donation=donor.last_donation,
                reasons=reasons,
            )
        )
    ranked = M.rank(candidates, patient, on)
    return MatchResult(ranked, [c.donor_id for c in ranked[: M.first_wave_size(units, urgent)]])


def _groups_filter(groups: list[tuple[str, str]]) -> Q:
    query = Q(pk__in=[])
    for abo, rh in groups:
        query |= Q(abo=abo, rh=rh)
    return query


def _eligible_from(donor: Donor, on: datetime.date, component: str) -> datetime.date:
    """The first day, up to `on`, from which the donor has been eligible (the day after the last
    donation's waiting time): checked by the same eligibility rule."""
    last: datetime.date | None = getattr(donor, "last_donation", None)  # annotated by the candidate query
    if last is None:
        return on
    verdict = eligibility_for(donor, last + datetime.timedelta(days=1), component)
    return verdict.eligible_from if verdict and verdict.eligible_from and verdict.eligible_from <= on else on
