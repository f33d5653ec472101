"""Donor workflows: duplicates and reversible merges, eligibility of a stored donor, benefits and
certificates. Revealing masked fields, export and erasure live in donors/privacy.py."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.core.clock import today
from hienmau.donors.lib.eligibility import (
    Deferral,
    PastDonation,
    Person,
    default_rule_sets,
    eligibility,
    rule_set_from_dict,
    rules_on,
)
from hienmau.donors.models import (
    BenefitRate,
    CertificateCounter,
    Component,
    Donation,
    Donor,
    DonorMerge,
    EligibilityRuleSet,
    Outcome,
)
from hienmau.orgs.scoping import Scope

MERGE_FIELDS = (
    "date_of_birth",
    "sex",
    "cccd",
    "phone",
    "address",
    "commune",
    "workplace",
    "abo",
    "rh",
    "blood_group_source",
    "blood_group_date",
    "weight_kg",
    "household",
    "consent_date",
)


# --- duplicates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateCandidate:
    donor: Donor
    reason: str


def duplicates_of(
    *,
    scope: Scope,
    cccd: str | None = None,
    phone: str = "",
    date_of_birth=None,
    name_folded: str = "",
    exclude: int | None = None,
) -> list[DuplicateCandidate]:
    """Likely the same person, among the records the scope reaches (nothing outside it is ever shown):
    the same CCCD; the same phone and date of birth; the same name and date of birth."""
    found: dict[int, DuplicateCandidate] = {}
    base = Donor.objects.active().visible_to(scope)
    if exclude:
        base = base.exclude(pk=exclude)
    checks = []
    if cccd:
        checks.append((Q(cccd=cccd), _("trùng số CCCD")))
    if phone and date_of_birth:
        checks.append((Q(phone=phone, date_of_birth=date_of_birth), _("trùng số điện thoại và ngày sinh")))
    if name_folded and date_of_birth:
        checks.append((Q(name_folded=name_folded, date_of_birth=date_of_birth), _("trùng họ tên và ngày sinh")))
    for condition, reason in checks:
        for donor in base.filter(condition)[:10]:
            found.setdefault(donor.pk, DuplicateCandidate(donor, reason))
    return list(found.values())


def duplicates_for(donor: Donor, scope: Scope) -> list[DuplicateCandidate]:
    return duplicates_of(
        scope=scope,
        cccd=donor.cccd,
        phone=donor.phone,
        date_of_birth=donor.date_of_birth,
        name_folded=donor.name_folded,
        exclude=donor.pk,
    )


def merge_donors(survivor: Donor, merged: Donor, user) -> DonorMerge:
    """Keep `survivor`, move every donation of `merged` to it, fill the survivor's blanks from `merged`.

    The merged record stays (pointing at the survivor) so the merge can be undone; both records' own
    values are stored as they were, and undo_merge puts them back.
    """
    if survivor.pk == merged.pk:
        raise ValidationError(_("Không thể gộp một hồ sơ với chính nó."))
    with transaction.atomic():
        survivor = Donor.objects.select_for_update().get(pk=survivor.pk)
        merged = Donor.objects.select_for_update().get(pk=merged.pk)
        if survivor.merged_into_id or merged.merged_into_id:
            raise ValidationError(_("Một trong hai hồ sơ đã được gộp trước đó."))
        survivor_before, merged_before = _merge_values(survivor), _merge_values(merged)
        moved = list(merged.donations.values_list("pk", flat=True))
        filled = {
            attname: value
            for attname, value in merged_before.items()
            if survivor_before[attname] in (None, "") and value not in (None, "")
        }
        merged.merged_into = survivor
        merged.cccd = None  # the unique CCCD moves to the survivor (or waits in merged_before)
        merged.save()
        for attname, value in filled.items():
            setattr(survivor, attname, _from_json(attname, value))
        survivor.save()
        Donation.objects.filter(pk__in=moved).update(donor=survivor)
        return DonorMerge.objects.create(
            survivor=survivor,
            merged=merged,
            moved_donation_ids=moved,
            filled_fields=filled,
            survivor_before=survivor_before,
            merged_before=merged_before,
            by=user,
        )


def undo_merge(merge: DonorMerge, user) -> None:
    """Split the two records again: the donations that moved go back, the survivor's fields that the
    merge filled get their own values back (unless edited since: a later edit stands), and the merged
    record gets its own values back, CCCD included."""
    with transaction.atomic():
        merge = DonorMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise ValidationError(_("Việc gộp này đã được hoàn tác."))
        if merge.survivor.erased_at or merge.merged.erased_at:
            raise ValidationError(_("Dữ liệu cá nhân của người này đã được xoá; không thể tách lại hai hồ sơ."))
        survivor = Donor.objects.select_for_update().get(pk=merge.survivor_id)
        merged = Donor.objects.select_for_update().get(pk=merge.merged_id)
        for attname, value in merge.filled_fields.items():
            if _jsonable(getattr(survivor, attname)) == value:
                # A merge stored before the originals were kept: those fields were blank.
                before = merge.survivor_before.get(attname, None if attname in _NULLABLE else "")
                setattr(survivor, attname, _from_json(attname, before))
        survivor.save()
        Donation.objects.filter(pk__in=merge.moved_donation_ids).update(donor=merged)
        merged.merged_into = None
        for attname, value in merge.merged_before.items():
            setattr(merged, attname, _from_json(attname, value))
        if not merge.merged_before and "cccd" in merge.filled_fields:  # stored before the originals were kept
            merged.cccd = merge.filled_fields["cccd"]
        if merged.cccd and Donor.objects.filter(cccd=merged.cccd).exclude(pk=merged.pk).exists():
            raise ValidationError(
                _("Không thể tách: số CCCD của hồ sơ đã gộp nay thuộc một hồ sơ khác; hãy kiểm tra hồ sơ đó trước.")
            )
        merged.save()
        merge.undone_at = timezone.now()
        merge.undone_by = user
        merge.save()


_NULLABLE = {"cccd", "date_of_birth", "weight_kg", "consent_date", "commune_id", "workplace_id", "household_id"}


def _merge_values(donor: Donor) -> dict:
    """The merge fields of a record, as JSON values (by attname: foreign keys as ids)."""
    attnames = [_attname(field) for field in MERGE_FIELDS]
    return {attname: _jsonable(getattr(donor, attname)) for attname in attnames}


def _attname(name: str) -> str:
    field = Donor._meta.get_field(name)
    assert isinstance(field, models.Field)  # the merge fields are the donor's own columns
    return field.attname


def _jsonable(value):
    if isinstance(value, (datetime.date,)):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def _from_json(attname: str, value):
    if attname in ("date_of_birth", "consent_date") and value:
        return datetime.date.fromisoformat(value)
    if attname == "weight_kg" and value not in (None, ""):
        return Decimal(value)
    return value


# --- eligibility ---------------------------------------------------------------------------------


def rule_sets():
    """Dated rule versions: those shipped in donors/data/eligibility_rules.json, plus versions entered
    in the admin when a new circular comes out (a stored version replaces a shipped one of the same date)."""
    versions = {rules.effective_from: rules for rules in default_rule_sets()}
    for row in EligibilityRuleSet.objects.all():
        versions[row.effective_from] = rule_set_from_dict(
            {**row.values, "effective_from": row.effective_from.isoformat(), "citation": row.citation},
            where=f"EligibilityRuleSet #{row.pk}",
        )
    return sorted(versions.values(), key=lambda rules: rules.effective_from)


def eligibility_for(
    donor: Donor,
    on: datetime.date | None = None,
    component: str = Component.WHOLE_BLOOD,
    volume_ml: int | None = None,
    *,
    ignore_donation: int | None = None,
):
    """The verdict for a stored donor, or None when the record lacks a date of birth (cannot be judged).
    `ignore_donation`: a visit being corrected, which must not count against itself."""
    if donor.date_of_birth is None:
        return None
    on = on or today()
    visits = donor.donations.exclude(pk=ignore_donation) if ignore_donation else donor.donations.all()
    last = visits.donated().filter(date__lte=on).order_by("-date", "-pk").first()
    deferrals = [
        Deferral(until=d.deferral_until, reason=d.deferral_reason)
        for d in visits.filter(outcome=Outcome.DEFERRED, deferral_until__gt=on)
        if d.deferral_until is not None  # the filter has excluded the empty ones; this narrows it
    ]
    person = Person(
        sex=donor.sex or None,
        date_of_birth=donor.date_of_birth,
        weight_kg=float(donor.weight_kg) if donor.weight_kg is not None else None,
    )
    return eligibility(
        person,
        on,
        component,
        volume_ml,
        PastDonation(last.date, last.component) if last else None,
        deferrals,
        rules_on(rule_sets(), on),
    )


# --- benefits and certificates -------------------------------------------------------------------


def benefit_rate(component: str, volume_ml: int, on: datetime.date) -> BenefitRate | None:
    group = "whole_blood" if component == Component.WHOLE_BLOOD else "apheresis"
    latest = BenefitRate.objects.filter(effective_from__lte=on, component_group=group).aggregate(
        d=Max("effective_from")
    )["d"]
    if latest is None:
        return None
    return BenefitRate.objects.filter(
        effective_from=latest, component_group=group, volume_min_ml__lte=volume_ml, volume_max_ml__gte=volume_ml
    ).first()


def issue_certificate(donation: Donation) -> Donation:
    """Give a donated visit its certificate number and the secret token its QR code carries."""
    if donation.outcome != Outcome.DONATED:
        raise ValidationError(_("Chỉ cấp giấy chứng nhận cho lần đã hiến máu."))
    with transaction.atomic():
        donation = Donation.objects.select_for_update(of=("self",)).select_related("facility").get(pk=donation.pk)
        if donation.certificate_number:
            return donation
        prefix = f"{donation.facility.code or donation.facility_id}" if donation.facility is not None else "HM"
        donation.certificate_number = next_certificate_number(
            donation.facility_id, donation.date.year, f"{prefix}-{donation.date:%Y}-"
        )
        donation.ensure_certificate_token()
        donation.save(update_fields=["certificate_number", "certificate_token"])
    return donation


def next_certificate_number(facility_id: int | None, year: int, stem: str) -> str:
    """The next number of a facility's (or no facility's) year, from its counter row, locked until the
    caller's transaction ends. A number already taken (typed in, imported) is skipped."""
    counter = _locked_counter(facility_id, year, stem)
    while True:
        counter.last += 1
        number = f"{stem}{counter.last:06d}"
        if not Donation.objects.filter(certificate_number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


def _locked_counter(facility_id: int | None, year: int, stem: str) -> CertificateCounter:
    counters = CertificateCounter.objects.select_for_update()
    counter = counters.filter(facility_id=facility_id, year=year).first()
    if counter is not None:
        return counter
    # The first number of the year: start after the highest one already given (numbers issued before
    # the counter existed). Two devices may both get here; one insert wins, both then lock that row.
    highest = (
        Donation.objects.filter(certificate_number__regex=rf"^{re.escape(stem)}[0-9]{{6}}$")
        .order_by("-certificate_number")
        .values_list("certificate_number", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            CertificateCounter.objects.create(
                facility_id=facility_id, year=year, last=int(highest[-6:]) if highest else 0
            )
    except IntegrityError:
        pass
    return counters.get(facility_id=facility_id, year=year)
