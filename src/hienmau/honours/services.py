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
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.core.lib.text import vietnamese_name_key
from hienmau.donors.models import Donation, Donor, Outcome
from hienmau.honours.lib import candidates as C
from hienmau.honours.lib.tiers import Tier, merged, rules
from hienmau.honours.models import (
    Honour,
    HonourRound,
    HonourStatus,
    Level,
    LocalTier,
    Occasion,
    RoundStatus,
    Subject,
)
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope, scope_queryset, unit_scope

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
    """Per person, the count the honours they received give as of the cut-off (lib.candidates.stated_count:
    an honour's stated count plus the donations recorded after its year)."""
    stated: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for chunk in _chunks(sorted(donor_ids)):
        rows = (
            _honours_of(chunk)
            .filter(year__lte=cutoff.year)
            .values_list("donor_id", "donor__merged_into_id", "count", "year")
        )
        for donor_id, merged_into, count, year in rows:
            stated[merged_into or donor_id].append((count, year))
    days: dict[int, list[datetime.date]] = defaultdict(list)
    for chunk in _chunks(sorted(stated)):
        rows = (
            Donation.objects.filter(outcome=Outcome.DONATED, date__lte=cutoff)
            .filter(person_q(chunk))
            .annotate(person=Coalesce(F("donor__merged_into_id"), F("donor_id")))
            .values_list("person", "date")
        )
        for person, day in rows:
            days[person].append(day)
    return {person: C.stated_count(pairs, days.get(person, []), cutoff) for person, pairs in stated.items()}


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


# --- honour rounds -------------------------------------------------------------------------------


def default_title(occasion: str, cutoff: datetime.date, unit: Unit) -> str:
    if occasion == Occasion.JUNE_14:
        return f"Tôn vinh người hiến máu tình nguyện 14/6/{cutoff.year}, {unit.full_name}"
    if occasion == Occasion.YEAR_END:
        return f"Tôn vinh người hiến máu tình nguyện năm {cutoff.year}, {unit.full_name}"
    return f"Tôn vinh người hiến máu tình nguyện {cutoff:%d/%m/%Y}, {unit.full_name}"


def visible_rounds(scope: Scope):
    return scope_queryset(HonourRound.objects.all(), scope).select_related("unit")


def may_edit_round(scope: Scope, honour_round: HonourRound) -> bool:
    return scope.can_edit and scope.contains(honour_round.unit)


@transaction.atomic
def create_round(unit: Unit, occasion: str, cutoff: datetime.date, user, title: str = "") -> HonourRound:
    honour_round = HonourRound.objects.create(
        unit=unit,
        occasion=occasion,
        cutoff=cutoff,
        title=title.strip() or default_title(occasion, cutoff, unit),
        tiers=[t.count for t in tiers_for(unit)],
        created_by=user if getattr(user, "pk", None) else None,
    )
    refresh_round(honour_round)
    return honour_round


@dataclass
class RoundChanges:
    added: int = 0
    changed: int = 0
    removed: int = 0


def refresh_round(honour_round: HonourRound) -> RoundChanges:
    """Compute the round's proposals again (new donations, merges, imported lists since): people newly
    proposed are added, a changed count or tier is updated, people no longer proposed are removed; an
    officer's exclusion is kept."""
    if not honour_round.is_draft:
        raise ValidationError(_("Danh sách đã duyệt; không tính lại được."))
    tiers = tiers_for(honour_round.unit)
    by_count = {t.count: t for t in tiers}
    found = candidates_in_scope(
        unit_scope(honour_round.unit), honour_round.cutoff, tuple(honour_round.tiers), excluding_round=honour_round.pk
    )
    existing = {h.donor_id: h for h in honour_round.honours.filter(subject=Subject.INDIVIDUAL)}
    donors = Donor.objects.in_bulk([c.donor_id for c in found])
    changes = RoundChanges()
    wanted = set()
    for c in found:
        wanted.add(c.donor_id)
        award = by_count.get(c.tier)
        values = {
            "tier": c.tier,
            "count": c.count,
            "level": award.level if award else Level.LOCAL,
            "award": award.award if award else "",
            "name": c.name,
            "date_of_birth": donors[c.donor_id].date_of_birth,
            "place": _place(donors[c.donor_id]),
        }
        honour = existing.get(c.donor_id)
        if honour is None:
            Honour.objects.create(
                round=honour_round,
                owner=honour_round.unit,
                donor_id=c.donor_id,
                subject=Subject.INDIVIDUAL,
                year=honour_round.cutoff.year,
                status=HonourStatus.PROPOSED,
                **values,
            )
            changes.added += 1
        elif any(getattr(honour, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(honour, key, value)
            honour.save()
            changes.changed += 1
    stale = [h.pk for donor_id, h in existing.items() if donor_id not in wanted]
    changes.removed = Honour.objects.filter(pk__in=stale).delete()[0]
    return changes


def _place(donor: Donor) -> str:
    unit = donor.workplace or donor.commune
    return unit.full_name if unit else ""


def set_excluded(honour: Honour, excluded: bool, user) -> None:
    if honour.round is None or not honour.round.is_draft:
        raise ValidationError(_("Danh sách đã duyệt; không sửa được."))
    honour.status = HonourStatus.EXCLUDED if excluded else HonourStatus.PROPOSED
    honour.decided_by = user
    honour.decided_at = timezone.now()
    honour.save(update_fields=["status", "decided_by", "decided_at"])


def approve_round(honour_round: HonourRound, user, decision_number: str, decision_date: datetime.date | None) -> int:
    """The list approved: every proposed person is honoured (received from now on) and numbered."""
    with transaction.atomic():
        locked = HonourRound.objects.select_for_update().get(pk=honour_round.pk)
        if not locked.is_draft:
            raise ValidationError(_("Danh sách này đã được duyệt."))
        chosen = list(locked.honours.filter(status=HonourStatus.PROPOSED))
        chosen.sort(key=lambda h: (h.tier, vietnamese_name_key(h.name)))
        for number, honour in enumerate(chosen, start=1):
            honour.status = HonourStatus.APPROVED
            honour.certificate_number = f"{number:03d}/{locked.cutoff.year}"
            honour.decided_by, honour.decided_at = user, timezone.now()
        Honour.objects.bulk_update(chosen, ["status", "certificate_number", "decided_by", "decided_at"])
        locked.status = RoundStatus.APPROVED
        locked.decision_number = decision_number.strip()
        locked.decision_date = decision_date
        locked.approved_by, locked.approved_at = user, timezone.now()
        locked.save()
    honour_round.refresh_from_db()
    return len(chosen)


def donor_honours(donor: Donor) -> list[Honour]:
    """Honours the person received (their merged records' included), latest first."""
    return list(
        Honour.objects.filter(person_q([donor.pk]), status=HonourStatus.APPROVED)
        .select_related("round", "owner")
        .order_by("-year", "-tier")
    )
