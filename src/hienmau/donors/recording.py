"""Recording a donation outcome: the one place that writes a visit (blood given, or a deferral).

Every path goes through here: the check-in outcome (drives.services.record_outcome, walk-ins included,
since they are checked in like anyone else), the donor page's manual entry, the history import
(`record_imported`, the bulk variant) and the demo data. The rules are the same everywhere:

- nothing is recorded for a day after today;
- a "donated" visit must pass the eligibility rules (donors/lib/eligibility.py: age, weight, the gap
  after the last donation by component, a deferral still running) on its day, unless a physician
  allowed it with a written reason: who allowed it, who recorded that, when and why are kept on the
  donation and written into its audit trail;
- a donated visit gets the benefit amount in force when the kind is given without an amount, and a
  certificate number (live recordings only: an import records the past, certificates are issued when
  printed).

An import is a record of what happened, so it is not judged against the eligibility rules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.core.bulk import insert_with_history
from hienmau.core.clock import today
from hienmau.donors.models import Component, Donation, Donor, Outcome
from hienmau.donors.services import benefit_rate, eligibility_for, issue_certificate
from hienmau.donors.signals import visits_recorded
from hienmau.orgs.models import Unit


class NotEligible(ValidationError):
    """The rules refuse this donation; `reasons` says why (Vietnamese, with the article applied)."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(
            _("Chưa đủ điều kiện hiến máu: %(reasons)s Chỉ ghi nhận khi bác sĩ cho phép và ghi rõ lý do.")
            % {"reasons": " ".join(reasons)}
        )


class FutureVisit(ValidationError):
    """A visit dated after today."""


@dataclass(frozen=True)
class Visit:
    """What happened at one visit."""

    date: datetime.date
    outcome: str = Outcome.DONATED
    component: str = Component.WHOLE_BLOOD
    volume_ml: int | None = None
    bag_number: str = ""
    facility: Unit | None = None
    drive_name: str = ""
    mobilised_by: Unit | None = None
    deferral_reason: str = ""
    deferral_until: datetime.date | None = None
    benefit_kind: str = ""
    benefit_amount: int | None = None


@dataclass(frozen=True)
class Override:
    """A physician's permission to take blood although the rules refuse: their name and the reason."""

    physician: str
    reason: str

    @classmethod
    def given(cls, physician: str | None, reason: str | None) -> Override | None:
        """The override when both are written; None when neither is; ValidationError for half of one."""
        physician, reason = " ".join((physician or "").split()), " ".join((reason or "").split())
        if not physician and not reason:
            return None
        if not physician or not reason:
            raise ValidationError(_("Khi bác sĩ cho phép hiến, ghi cả tên bác sĩ và lý do cho phép."))
        return cls(physician, reason)


def record_donation(
    donor: Donor,
    visit: Visit,
    *,
    user=None,
    override: Override | None = None,
    replacing: Donation | None = None,
    why: str = "",
) -> Donation:
    """Record one visit of `donor` in one transaction and return it.

    `replacing`: a visit of the same person recorded earlier that this one corrects (a second deferral
    of one registration, or a deferral that was a mistake); it is updated in place, so the audit trail
    shows the change. `why` goes into the audit trail with the write.
    """
    if visit.date > today():
        raise FutureVisit(
            _("Ngày %(day)s chưa tới: chỉ ghi nhận lần hiến đã diễn ra.") % {"day": f"{visit.date:%d/%m/%Y}"}
        )
    with transaction.atomic():
        # One visit at a time per person: two devices cannot both pass the gap rule for one donor.
        donor = Donor.objects.select_for_update().get(pk=donor.pk)
        donation = replacing if replacing is not None else Donation(donor=donor)
        if donation.donor_id != donor.pk:
            raise ValueError("the corrected visit belongs to someone else")
        reasons = []
        if visit.outcome == Outcome.DONATED:
            reasons = refusal_reasons(donor, visit, ignore=replacing.pk if replacing is not None else None)
            if reasons and override is None:
                raise NotEligible(reasons)
        for name, value in _fields(visit).items():
            setattr(donation, name, value)
        notes = []
        if reasons and override is not None:
            donation.override_physician = override.physician
            donation.override_reason = override.reason
            donation.override_refusal = "\n".join(reasons)
            donation.override_by = user if user is not None and user.is_authenticated else None
            donation.override_at = timezone.now()
            notes.append(
                _("Bác sĩ %(physician)s cho phép hiến dù chưa đủ điều kiện. Lý do: %(reason)s")
                % {"physician": override.physician, "reason": override.reason}
            )
        notes += [why] if why else []
        if notes:
            donation._change_reason = " ".join(notes)[:100]  # type: ignore[attr-defined]  # simple_history: 100 chars
        if donation.outcome == Outcome.DONATED and not donation.volume_ml:
            raise ValidationError(_("Ghi thể tích máu đã hiến."))
        donation.save()
        if donation.outcome == Outcome.DONATED:
            donation = issue_certificate(donation)
    return donation


def refusal_reasons(donor: Donor, visit: Visit, *, ignore: int | None = None) -> list[str]:
    """Why the rules refuse this donation on its day; empty when they allow it."""
    verdict = eligibility_for(donor, visit.date, visit.component, visit.volume_ml, ignore_donation=ignore)
    if verdict is None:
        return [_("Hồ sơ chưa có ngày sinh: không kiểm tra được tuổi người hiến.")]
    return list(verdict.blocking)


def record_imported(rows: list[tuple[int, Visit, str]]) -> int:
    """The bulk variant for imports: (donor id, visit, source key) rows written in a few inserts, with
    their history, in the caller's transaction. Same model writes as record_donation; no eligibility
    (an import records what happened) and no certificate (issued when printed)."""
    future = [visit.date for _, visit, _ in rows if visit.date > today()]
    if future:
        raise FutureVisit(
            _("Ngày %(day)s chưa tới: chỉ ghi nhận lần hiến đã diễn ra.") % {"day": f"{min(future):%d/%m/%Y}"}
        )
    rates: dict = {}

    def rate(component: str, volume_ml: int, day: datetime.date):
        key = (component, volume_ml, day)
        if key not in rates:
            rates[key] = benefit_rate(component, volume_ml, day)
        return rates[key]

    values = []
    for donor_id, visit, key in rows:
        fields = _fields(visit, rate)
        for name in ("facility", "mobilised_by"):
            unit = fields.pop(name)
            fields[f"{name}_id"] = unit.pk if unit is not None else None
        values.append({"donor_id": donor_id, **fields, "source_key": key})
    insert_with_history(Donation, values)
    groups = {(value["facility_id"], value["date"]) for value in values}
    if groups:
        visits_recorded.send(Donation, groups=groups)
    return len(values)


def _fields(visit: Visit, rate=benefit_rate) -> dict:
    """The donation's columns for a visit: a deferral carries no volume or certificate, a donation no
    deferral; a benefit kind without an amount gets the amount in force on the day."""
    if visit.outcome == Outcome.DEFERRED:
        visit = replace(visit, volume_ml=None, bag_number=visit.bag_number, benefit_kind="", benefit_amount=None)
    else:
        visit = replace(visit, deferral_reason="", deferral_until=None)
        if visit.benefit_kind and visit.benefit_amount is None and visit.volume_ml:
            found = rate(visit.component, visit.volume_ml, visit.date)
            visit = replace(visit, benefit_amount=found.amount if found else None)
    return {
        "date": visit.date,
        "outcome": visit.outcome,
        "component": visit.component,
        "volume_ml": visit.volume_ml,
        "bag_number": visit.bag_number,
        "facility": visit.facility,
        "drive_name": visit.drive_name,
        "mobilised_by": visit.mobilised_by,
        "deferral_reason": visit.deferral_reason,
        "deferral_until": visit.deferral_until,
        "benefit_kind": visit.benefit_kind,
        "benefit_amount": visit.benefit_amount,
    }
