"""Keeping the ledger and the per unit × day table in step with what drives and tallies record.

`refresh_drive` is the one function every save path calls (through the drives.signals.results_changed
signal): check-in outcomes, walk-ins at a drive, registrant lists and result sheets. `refresh_walk_ins`
does the same for blood given at a facility outside any drive, per facility and day (receivers.py calls
it when a visit, a drive or a tally row of that facility and day changes). It runs inside the caller's
transaction, locks the drive, replaces the drive's ledger entries and applies the difference to
UnitDayResult, so the pre-aggregate never disagrees with the ledger."""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F

from hienmau.donors.models import Donation, Outcome
from hienmau.drives.models import AggregateResult, Drive, Registration, RegistrationStatus
from hienmau.results.lib import rules
from hienmau.results.models import ResultEntry, SheetDetail, Source, UnitDayResult

FIELDS = ("collected", "v250", "v350", "v450", "registered", "deferred")


def _counts(obj) -> rules.Counts:
    return rules.Counts(**{name: getattr(obj, name) for name in FIELDS})


def facility_figures(drive: Drive) -> dict[int, rules.Counts]:
    """The drive's result sheet per unit, with the volume split and registrations where a tally gave them."""
    details = {d.unit_id: d for d in SheetDetail.objects.filter(drive=drive)}
    figures: dict[int, rules.Counts] = {}
    for aggregate in AggregateResult.objects.filter(drive=drive):
        detail = details.get(aggregate.unit_id)
        counts = _counts(detail) if detail else rules.Counts()
        counts.collected = aggregate.donated
        counts.deferred = aggregate.deferred
        figures[aggregate.unit_id] = counts
    return figures


def individual_figures(drive: Drive) -> dict[int, rules.Counts]:
    """Donations recorded one by one, attributed to the registrant's unit (else the organiser)."""
    figures: dict[int, rules.Counts] = defaultdict(rules.Counts)
    registrations = (
        Registration.objects.filter(drive=drive)
        .select_related("donation")
        .only("unit_id", "status", "donation__volume_ml")
    )
    for registration in registrations:
        counts = figures[rules.mobilising_unit(registration.unit_id, drive.organiser_id)]
        counts.registered += 1
        if registration.status == RegistrationStatus.DONATED:
            donation = registration.donation
            rules.add_volume(counts, donation.volume_ml if donation is not None else None)
        elif registration.status == RegistrationStatus.DEFERRED:
            counts.deferred += 1
    return dict(figures)


def refresh_drive(drive: Drive) -> None:
    """Replace the drive's figures in the ledger by its official ones and update the pre-aggregate."""
    with transaction.atomic():
        drive = Drive.objects.select_for_update().get(pk=drive.pk)
        source, figures = rules.official_figures(facility_figures(drive), individual_figures(drive))
        ledger = rules.Ledger()
        for entry in ResultEntry.objects.filter(drive=drive):
            ledger.add((entry.unit_id, entry.day, entry.source), _counts(entry), -1)
        ResultEntry.objects.filter(drive=drive).delete()
        entries = []
        for unit_id, counts in figures.items():
            if counts.is_zero():
                continue
            entries.append(ResultEntry(source=source, drive=drive, unit_id=unit_id, day=drive.date, **counts.as_dict()))
            ledger.add((unit_id, drive.date, source), counts)
        ResultEntry.objects.bulk_create(entries)
        apply_changes(ledger)


def forget_drive(drive: Drive) -> None:
    """Take a drive that is being deleted out of the pre-aggregate."""
    with transaction.atomic():
        ledger = rules.Ledger()
        for entry in ResultEntry.objects.filter(drive=drive):
            ledger.add((entry.unit_id, entry.day, entry.source), _counts(entry), -1)
        ResultEntry.objects.filter(drive=drive).delete()
        apply_changes(ledger)


def apply_changes(ledger: rules.Ledger) -> None:
    """Add the ledger's differences to UnitDayResult, keys in order (no deadlock between two writers);
    each row is changed by one UPDATE … SET x = x + d, so two writers never lose each other's figures."""
    for (unit_id, day, source), delta in ledger.nonzero().items():
        updates = {name: F(name) + getattr(delta, name) for name in FIELDS}
        if not UnitDayResult.objects.filter(unit_id=unit_id, day=day, source=source).update(**updates):
            try:
                with transaction.atomic():
                    UnitDayResult.objects.create(unit_id=unit_id, day=day, source=source, **delta.as_dict())
            except IntegrityError:
                UnitDayResult.objects.filter(unit_id=unit_id, day=day, source=source).update(**updates)
        UnitDayResult.objects.filter(
            unit_id=unit_id, day=day, source=source, collected=0, registered=0, deferred=0, v250=0, v350=0, v450=0
        ).delete()


def _walk_in_visits(facility_id: int | None, day) -> list[rules.WalkIn]:
    donations = Donation.objects.filter(date=day, facility_id=facility_id, registration__isnull=True)
    if facility_id is None:  # a drive with no facility writes its title on the visits it records
        donations = donations.filter(drive_name="")
    return [
        rules.WalkIn(
            donated=row["outcome"] == Outcome.DONATED,
            volume_ml=row["volume_ml"],
            mobilised_by=row["mobilised_by_id"],
            facility=row["facility_id"],
            commune=row["donor__commune_id"],
            workplace=row["donor__workplace_id"],
        )
        for row in donations.values(
            "outcome", "volume_ml", "mobilised_by_id", "facility_id", "donor__commune_id", "donor__workplace_id"
        )
    ]


def refresh_walk_ins(groups) -> None:
    """Recount the walk-ins of each (facility id or None, day) group into the ledger and the pre-aggregate
    (rules.walk_in_figures: the facility's own tally of the day, or a drive it held, takes precedence)."""
    with transaction.atomic():
        ledger = rules.Ledger()
        for facility_id, day in sorted(groups, key=lambda group: (group[1], group[0] or 0)):
            old = ResultEntry.objects.filter(source=Source.WALKIN, drive__isnull=True, facility_id=facility_id, day=day)
            for entry in old:
                ledger.add((entry.unit_id, day, Source.WALKIN), _counts(entry), -1)
            old.delete()
            reported = facility_id is not None and (
                ResultEntry.objects.filter(
                    source=Source.TALLY, drive__isnull=True, unit_id=facility_id, day=day
                ).exists()
            )
            held = facility_id is not None and Drive.objects.filter(facility_id=facility_id, date=day).exists()
            figures = rules.walk_in_figures(
                _walk_in_visits(facility_id, day), facility_reported=reported, drive_held=held
            )
            entries = []
            for unit_id, counts in sorted(figures.items()):
                entries.append(
                    ResultEntry(
                        source=Source.WALKIN, facility_id=facility_id, unit_id=unit_id, day=day, **counts.as_dict()
                    )
                )
                ledger.add((unit_id, day, Source.WALKIN), counts)
            ResultEntry.objects.bulk_create(entries)
        apply_changes(ledger)


def set_tally_entry(unit_id: int, day, counts: rules.Counts, *, result_import=None, line=None, note="") -> bool:
    """Store one tally row that matches no drive (one per unit and day; a corrected file replaces it).
    Returns True when something changed."""
    with transaction.atomic():
        ledger = rules.Ledger()
        entry = (
            ResultEntry.objects.select_for_update()
            .filter(unit_id=unit_id, day=day, drive__isnull=True, source=Source.TALLY)
            .first()
        )
        if entry is not None:
            if _counts(entry) == counts:
                return False
            ledger.add((unit_id, day, entry.source), _counts(entry), -1)
            for name, value in counts.as_dict().items():
                setattr(entry, name, value)
            entry.result_import, entry.line, entry.note = result_import, line, note[:255]
            entry.save()
        else:
            ResultEntry.objects.create(
                source=Source.TALLY,
                unit_id=unit_id,
                day=day,
                result_import=result_import,
                line=line,
                note=note[:255],
                **counts.as_dict(),
            )
        ledger.add((unit_id, day, Source.TALLY), counts)
        apply_changes(ledger)
        if entry is None:  # the facility's own tally of the day replaces its walk-ins counted one by one
            refresh_walk_ins({(unit_id, day)})
        return True
