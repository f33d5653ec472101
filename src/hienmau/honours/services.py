"""Counting what people gave as of a day, the tiers in force for a unit, and who a round proposes.

Every donor read here comes through the scope (`Donor.objects.visible_to`): a round of a unit sees only
the donors its scope reaches. Counts follow merges: a donation still held by a record merged into another
counts for the survivor, and a day counts once per person (two records of one person that both held the
same visit, merged, give one donation). Old honours lists count too: a person honoured in 2019 for 30
donations gave at least 30, whatever the registry kept of them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce

from hienmau.core.lib.text import vietnamese_name_key
from hienmau.donors.models import Donation, Donor, Outcome
from hienmau.honours.lib import candidates as C
from hienmau.honours.lib.tiers import Tier, merged, rules
from hienmau.honours.models import Honour, HonourStatus, LocalTier, Subject
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope, unit_scope

BATCH = 5000


def local_tiers(unit: Unit, subject: str = Subject.INDIVIDUAL) -> list[Tier]:
    """The tiers the unit and the units above it added."""
    ids = [*unit.ancestor_ids, unit.pk]
    return [
        Tier(t.count, "local", t.award)
        for t in LocalTier.objects.filter(unit_id__in=ids, subject=subject).order_by("count", "-unit__depth")
    ]


def tiers_for(unit: Unit) -> tuple[Tier, ...]:
    """The individual tiers in force for a unit: the national tiers and the local ones."""
    return merged(rules().individual, local_tiers(unit))


def tier_award(tiers: tuple[Tier, ...], count: int) -> Tier | None:
    return next((t for t in tiers if t.count == count), None)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def recorded_counts(donor_ids: list[int], cutoff: datetime.date) -> dict[int, int]:
    """Donation days up to the cut-off per person (donations of records merged into them included)."""
    counts: dict[int, int] = {}
    for chunk in _chunks(sorted(donor_ids)):
        rows = (
            Donation.objects.filter(outcome=Outcome.DONATED, date__lte=cutoff)
            .filter(person_q(chunk))
            .annotate(person=Coalesce(F("donor__merged_into_id"), F("donor_id")))
            .values("person")
            .annotate(n=Count("date", distinct=True))
        )
        for row in rows:
            counts[row["person"]] = row["n"]
    return counts


def person_q(ids: list[int]) -> Q:
    """Records of these people: theirs, and those of records merged into them."""
    return Q(donor_id__in=ids) | Q(donor__merged_into_id__in=ids)


def _honours_of(donor_ids: list[int]):
    return Honour.objects.filter(subject=Subject.INDIVIDUAL, status=HonourStatus.APPROVED).filter(person_q(donor_ids))


def received_tiers(donor_ids: list[int], *, excluding_round: int | None = None) -> dict[int, set[int]]:
    """Tiers each person already received (approved in a round, or from an old list)."""
    received: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(donor_ids)):
        honours = _honours_of(chunk)
        if excluding_round is not None:
            honours = honours.exclude(round_id=excluding_round)
        for donor_id, merged_into, tier in honours.values_list("donor_id", "donor__merged_into_id", "tier"):
            received[merged_into or donor_id].add(tier)
    return received


def stated_counts(donor_ids: list[int], cutoff: datetime.date) -> dict[int, int]:
    """The highest count an honour (an old list's, or an earlier round's) gave for each person, in a year up
    to the cut-off's."""
    stated: dict[int, int] = {}
    for chunk in _chunks(sorted(donor_ids)):
        rows = (
            _honours_of(chunk)
            .filter(year__lte=cutoff.year)
            .annotate(person=Coalesce(F("donor__merged_into_id"), F("donor_id")))
            .values("person")
            .annotate(n=Max("count"))
        )
        for row in rows:
            stated[row["person"]] = max(stated.get(row["person"], 0), row["n"])
    return stated


def people(donors: list[Donor], cutoff: datetime.date, *, excluding_round: int | None = None) -> list[C.Person]:
    ids = [d.pk for d in donors]
    recorded = recorded_counts(ids, cutoff)
    stated = stated_counts(ids, cutoff)
    received = received_tiers(ids, excluding_round=excluding_round)
    return [
        C.Person(d.pk, d.full_name, recorded.get(d.pk, 0), stated.get(d.pk, 0), frozenset(received.get(d.pk, ())))
        for d in donors
    ]


def candidates_in_scope(
    scope: Scope, cutoff: datetime.date, tiers: tuple[int, ...], *, excluding_round: int | None = None
) -> list[C.Candidate]:
    """The donors of the scope a round with this cut-off proposes, sorted the Vietnamese way."""
    first = min(tiers) if tiers else 1
    donors = Donor.objects.active().visible_to(scope)
    # Only people who may reach the first tier: enough donations recorded, or an old list's count.
    recorded = (
        Donation.objects.filter(outcome=Outcome.DONATED, date__lte=cutoff)
        .annotate(person=Coalesce(F("donor__merged_into_id"), F("donor_id")))
        .values("person")
        .annotate(n=Count("date", distinct=True))
        .filter(n__gte=first)
        .values("person")
    )
    listed = (
        Honour.objects.filter(subject=Subject.INDIVIDUAL, status=HonourStatus.APPROVED, donor__isnull=False)
        .annotate(person=Coalesce(F("donor__merged_into_id"), F("donor_id")))
        .values("person")
    )
    found = list(donors.filter(Q(pk__in=recorded) | Q(pk__in=listed)).only("pk", "full_name"))
    result = C.candidates(people(found, cutoff, excluding_round=excluding_round), tiers)
    return sorted(result, key=lambda c: vietnamese_name_key(c.name))


def candidates_for_unit(unit: Unit, cutoff: datetime.date, tiers: tuple[int, ...] | None = None) -> list[C.Candidate]:
    counts = tuple(t.count for t in tiers_for(unit)) if tiers is None else tiers
    return candidates_in_scope(unit_scope(unit), cutoff, counts)
