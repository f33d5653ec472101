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

from hienmau.core.lib.text import fold, vietnamese_name_key
from hienmau.donors.models import Donation, Donor, Household, Outcome
from hienmau.drives.models import Registration
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
from hienmau.orgs.scoping import Scope, scope_queryset, scoped_units, unit_scope
from hienmau.reports.services import unit_year

BATCH = 5000
SUBJECT_ORDER: list[str] = [Subject.INDIVIDUAL, Subject.FAMILY, Subject.RECRUITER, Subject.UNIT]


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


def family_tiers_for(unit: Unit) -> tuple[Tier, ...]:
    """The family tiers in force for a unit (3rd, 5th, 10th, 15th, 20th family donation, and local ones)."""
    return merged(rules().family, local_tiers(unit, Subject.FAMILY))


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


# --- families, recruiters, units ------------------------------------------------------------------


@dataclass
class FamilyFound:
    proposal: C.Proposal
    household: Household
    members: list[tuple[Donor, int]]  # each member of the scope and their count


def family_candidates(
    scope: Scope, cutoff: datetime.date, tiers: tuple[int, ...], *, excluding_round: int | None = None
) -> list[FamilyFound]:
    """Households whose members of the scope gave together a family tier newly reached at the cut-off:
    each member counted as a person is (`people`: recorded and imported history, merged records once)."""
    members = list(
        Donor.objects.active()
        .visible_to(scope)
        .filter(household__isnull=False)
        .only("pk", "full_name", "sex", "household_id")
        .order_by("pk")
    )
    if not members:
        return []
    counts = {p.donor_id: C.count_of(p) for p in people(members, cutoff)}
    by_household: dict[int, list[Donor]] = defaultdict(list)
    for donor in members:
        assert donor.household_id is not None  # filtered above
        by_household[donor.household_id].append(donor)
    received: dict[int, set[int]] = defaultdict(set)
    honours = Honour.objects.filter(
        subject=Subject.FAMILY, status=HonourStatus.APPROVED, household_id__in=list(by_household)
    )
    if excluding_round is not None:
        honours = honours.exclude(round_id=excluding_round)
    for household_id, tier in honours.values_list("household_id", "tier"):
        received[household_id].add(tier)
    households = Household.objects.select_related("commune").in_bulk(list(by_household))
    found = []
    for household_id, group in by_household.items():
        total = C.family_count(counts.get(d.pk, 0) for d in group)
        proposed = C.family_tier(total, received.get(household_id, set()), tiers)
        if proposed is None:
            continue
        household = households[household_id]
        head = next((d for d in group if fold(d.full_name) in fold(household.name)), None)
        title = C.family_title(household.name, head.sex if head else "")
        found.append(
            FamilyFound(
                C.Proposal(household_id, title, total, proposed),
                household,
                sorted(((d, counts.get(d.pk, 0)) for d in group), key=lambda p: vietnamese_name_key(p[0].full_name)),
            )
        )
    return sorted(found, key=lambda f: vietnamese_name_key(f.household.name))


def members_note(members: list[tuple[Donor, int]]) -> str:
    """ "Thành viên: Nguyễn Văn An (12 lần), Trần Thị Bình (8 lần)", cut to the note's length."""
    text = "Thành viên: " + ", ".join(f"{donor.full_name} ({count} lần)" for donor, count in members)
    return text if len(text) <= 255 else text[:254] + "…"


def recruited_counts(cutoff: datetime.date, recruiter_ids: list[int] | None = None) -> dict[int, int]:
    """Donations given in the cut-off's year, up to the cut-off, by people registered as recruited by
    each recruiter (a recruiter's merged records count for them)."""
    rows = Registration.objects.filter(
        recruited_by__isnull=False,
        donation__outcome=Outcome.DONATED,
        donation__date__year=cutoff.year,
        donation__date__lte=cutoff,
    )
    if recruiter_ids is not None:
        rows = rows.filter(Q(recruited_by_id__in=recruiter_ids) | Q(recruited_by__merged_into_id__in=recruiter_ids))
    found = (
        rows.annotate(person=Coalesce(F("recruited_by__merged_into_id"), F("recruited_by_id")))
        .values("person")
        .annotate(n=Count("donation", distinct=True))
        .order_by()
    )
    return {row["person"]: row["n"] for row in found}


def recruiter_candidates(
    scope: Scope, cutoff: datetime.date, threshold: int, *, excluding_round: int | None = None
) -> list[C.Proposal]:
    """Recruiters of the scope whose recruits gave `threshold` donations or more in the cut-off's year
    (up to the cut-off), unless honoured as recruiters for that year already."""
    counts = {pk: n for pk, n in recruited_counts(cutoff).items() if n >= threshold}
    if not counts:
        return []
    recruiters = list(Donor.objects.active().visible_to(scope).filter(pk__in=list(counts)).only("pk", "full_name"))
    honoured = Honour.objects.filter(subject=Subject.RECRUITER, status=HonourStatus.APPROVED, year=cutoff.year).filter(
        person_q([d.pk for d in recruiters])
    )
    if excluding_round is not None:
        honoured = honoured.exclude(round_id=excluding_round)
    done = {merged or pk for pk, merged in honoured.values_list("donor_id", "donor__merged_into_id")}
    found = []
    for donor in recruiters:
        tier = C.yearly_tier(counts[donor.pk], threshold, donor.pk in done)
        if tier is not None:
            found.append(C.Proposal(donor.pk, donor.full_name, counts[donor.pk], tier))
    return sorted(found, key=lambda p: vietnamese_name_key(p.name))


def achievement_months(cutoff: datetime.date) -> tuple[int, int] | None:
    """The months of the cut-off's year that have ended by the cut-off (a year-end round: all twelve)."""
    last = cutoff.month if (cutoff + datetime.timedelta(days=1)).month != cutoff.month else cutoff.month - 1
    return (1, last) if last >= 1 else None


def unit_candidates(
    unit: Unit, cutoff: datetime.date, threshold: int, *, excluding_round: int | None = None
) -> list[C.Proposal]:
    """The units one level below `unit` whose achievement (the reports' figure: results over the target
    due for the months of the year ended by the cut-off) reaches `threshold` %, once a year."""
    months = achievement_months(cutoff)
    if months is None:
        return []
    report = unit_year(unit, cutoff.year, by="unit", period=months)
    reached = {
        pk: row["percent"]
        for row, pk in zip(report.rows, report.unit_ids or [], strict=True)
        if pk != unit.pk and row["percent"] is not None and row["percent"] >= threshold
    }
    if not reached:
        return []
    honoured = Honour.objects.filter(
        subject=Subject.UNIT, status=HonourStatus.APPROVED, year=cutoff.year, honoured_unit_id__in=list(reached)
    )
    if excluding_round is not None:
        honoured = honoured.exclude(round_id=excluding_round)
    done = set(honoured.values_list("honoured_unit_id", flat=True))
    units = scoped_units(unit_scope(unit)).filter(pk__in=list(reached))
    found = []
    for found_unit in units:
        percent = reached[found_unit.pk]
        tier = C.yearly_tier(percent, threshold, found_unit.pk in done)
        if tier is not None:
            found.append(C.Proposal(found_unit.pk, found_unit.full_name, int(percent), tier))
    return sorted(found, key=lambda p: vietnamese_name_key(p.name))


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
    """Compute the round's proposals again (new donations, merges, imported lists since): people, families,
    recruiters and units newly proposed are added, a changed count or tier is updated, those no longer
    proposed are removed; an officer's exclusion is kept."""
    if not honour_round.is_draft:
        raise ValidationError(_("Danh sách đã duyệt; không tính lại được."))
    wanted = _wanted(honour_round)
    existing = {_key(h): h for h in honour_round.honours.all()}
    changes = RoundChanges()
    for key, values in wanted.items():
        honour = existing.get(key)
        if honour is None:
            subject, pk = key
            Honour.objects.create(
                round=honour_round,
                owner=honour_round.unit,
                subject=subject,
                **{_TARGET[subject]: pk},
                year=honour_round.cutoff.year,
                status=HonourStatus.PROPOSED,
                **values,
            )
            changes.added += 1
        elif any(getattr(honour, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(honour, name, value)
            honour.save()
            changes.changed += 1
    stale = [h.pk for key, h in existing.items() if key not in wanted]
    changes.removed = Honour.objects.filter(pk__in=stale).delete()[0]
    return changes


_TARGET: dict[str, str] = {
    Subject.INDIVIDUAL: "donor_id",
    Subject.RECRUITER: "donor_id",
    Subject.FAMILY: "household_id",
    Subject.UNIT: "honoured_unit_id",
}


def _key(honour: Honour) -> tuple[str, int | None]:
    return honour.subject, getattr(honour, _TARGET[honour.subject])


def _award(tier: Tier | None) -> dict:
    return {"level": tier.level if tier else Level.LOCAL, "award": tier.award if tier else ""}


def _wanted(honour_round: HonourRound) -> dict[tuple[str, int], dict]:
    """What the round should propose, by (subject, id of the person, household or unit): its values."""
    unit, cutoff, pk = honour_round.unit, honour_round.cutoff, honour_round.pk
    scope = unit_scope(unit)
    wanted: dict[tuple[str, int], dict] = {}
    by_count = {t.count: t for t in tiers_for(unit)}
    found = candidates_in_scope(scope, cutoff, tuple(honour_round.tiers), excluding_round=pk)
    donors = Donor.objects.select_related("workplace", "commune").in_bulk([c.donor_id for c in found])
    for c in found:
        donor = donors[c.donor_id]
        wanted[(Subject.INDIVIDUAL, c.donor_id)] = {
            "tier": c.tier,
            "count": c.count,
            **_award(by_count.get(c.tier)),
            "name": c.name,
            "date_of_birth": donor.date_of_birth,
            "place": _place(donor),
        }
    family = family_tiers_for(unit)
    family_by_count = {t.count: t for t in family}
    for f in family_candidates(scope, cutoff, tuple(t.count for t in family), excluding_round=pk):
        wanted[(Subject.FAMILY, f.proposal.key)] = {
            "tier": f.proposal.tier,
            "count": f.proposal.count,
            **_award(family_by_count.get(f.proposal.tier)),
            "name": f.proposal.name,
            "date_of_birth": None,
            "place": f.household.commune.full_name if f.household.commune else "",
            "note": members_note(f.members),
        }
    recruiter = rules().recruiter
    recruiters = recruiter_candidates(scope, cutoff, recruiter.count, excluding_round=pk)
    donors = Donor.objects.select_related("workplace", "commune").in_bulk([p.key for p in recruiters])
    for p in recruiters:
        wanted[(Subject.RECRUITER, p.key)] = {
            "tier": p.tier,
            "count": p.count,
            **_award(recruiter),
            "name": p.name,
            "date_of_birth": donors[p.key].date_of_birth,
            "place": _place(donors[p.key]),
        }
    unit_tier = rules().unit
    for p in unit_candidates(unit, cutoff, unit_tier.count, excluding_round=pk):
        wanted[(Subject.UNIT, p.key)] = {
            "tier": p.tier,
            "count": p.count,
            **_award(unit_tier),
            "name": p.name,
            "date_of_birth": None,
            "place": "",
        }
    return wanted


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
        chosen.sort(key=lambda h: (SUBJECT_ORDER.index(h.subject), h.tier, vietnamese_name_key(h.name)))
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
