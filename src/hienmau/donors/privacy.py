"""The privacy actions on a donor, in one place: masking, revealing a masked field (logged with who,
when and why), exporting the record (logged), and erasure on request (through core.erasure, so that
every app erases what it holds)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.core.erasure import Identity, erase_everywhere, register_eraser
from hienmau.core.lib.identity import mask_cccd, mask_phone
from hienmau.donors.models import Donation, Donor, DonorMerge, Household, RevealLog

REVEALABLE = ("cccd", "phone")
EXPORT = "export"
MASKS = {"cccd": mask_cccd, "phone": mask_phone}
ERASURE_REASON = "Xoá dữ liệu cá nhân theo yêu cầu của người hiến máu"


def masked(field: str, value: str | None) -> str:
    """The value as shown to anyone who has not revealed it ("" when blank)."""
    return MASKS[field](value) if value else ""


def subject_of(record: models.Model) -> dict:
    """How a reveal-log row names the person: a donor by its key, any other record (a humanitarian
    beneficiary, which masks the same fields) by its model label and id."""
    if isinstance(record, Donor):
        return {"donor": record}
    return {"subject": record._meta.label_lower, "subject_id": record.pk}


def reveals_of(record: models.Model):
    """The reveal-log rows about one person's record, newest first."""
    return RevealLog.objects.filter(**subject_of(record)).select_related("user")


def reveal(record: models.Model, field: str, user, reason: str) -> str:
    """The full value of a masked field of a donor (or of another record holding CCCD and phone, such as a
    humanitarian beneficiary), after logging who asked, when and why."""
    if field not in REVEALABLE:
        raise ValidationError(_("Trường này không thể hiển thị."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Ghi lý do cần xem số đầy đủ."), code="reason")
    RevealLog.objects.create(user=user, field=field, reason=reason[:500], **subject_of(record))
    return getattr(record, field) or ""


def export_donor(donor: Donor, user) -> bytes:
    """The donor's own record, as a file they can take away (personal data portability); logged."""
    RevealLog.objects.create(user=user, donor=donor, field=EXPORT, reason=_("Xuất dữ liệu cho người hiến máu"))
    data = {
        "ho_ten": donor.full_name,
        "ngay_sinh": donor.date_of_birth.isoformat() if donor.date_of_birth else None,
        "gioi_tinh": donor.get_sex_display() if donor.sex else None,
        "cccd": donor.cccd,
        "dien_thoai": donor.phone,
        "dia_chi": donor.address,
        "xa_phuong": donor.commune.full_name if donor.commune else None,
        "noi_lam_viec": donor.workplace.full_name if donor.workplace else None,
        "nhom_mau": donor.blood_group or None,
        "dong_y_lien_he": donor.consent_contact,
        "dong_y_lien_he_khi_can_mau_gap": donor.consent_emergency,
        "dong_y_xu_ly_du_lieu": donor.consent_processing,
        "cac_lan_hien_mau": [
            {
                "ngay": d.date.isoformat(),
                "ket_qua": d.get_outcome_display(),
                "thanh_phan": d.get_component_display(),
                "the_tich_ml": d.volume_ml,
                "co_so": d.facility.full_name if d.facility else d.drive_name,
                "giay_chung_nhan": d.certificate_number,
            }
            for d in donor.donations.select_related("facility").order_by("date")
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# --- erasure -------------------------------------------------------------------------------------


def person_records(donor: Donor) -> list[Donor]:
    """The donor and every record merged into them (at any depth): one person."""
    root = donor
    while root.merged_into is not None:
        root = root.merged_into
    found, frontier = [root], [root.pk]
    while frontier:
        children = list(Donor.objects.filter(merged_into__in=frontier))
        found += children
        frontier = [child.pk for child in children]
    return found


def identity_of(donor: Donor, user=None) -> Identity:
    records = person_records(donor)
    root = records[0]
    merges = DonorMerge.objects.filter(Q(survivor__in=records) | Q(merged__in=records))
    cccds = {r.cccd for r in records if r.cccd} | {
        m.filled_fields.get("cccd") for m in merges if m.filled_fields.get("cccd")
    }
    # Values the merged records gave up to the survivor (their CCCD moved) are in their history rows.
    history = Donor.history.filter(id__in=[r.pk for r in records])
    return Identity(
        donor_ids=frozenset(r.pk for r in records),
        reference=_("Người hiến máu đã xoá dữ liệu #%(id)s") % {"id": root.pk},
        names=frozenset({r.full_name for r in records} | set(history.values_list("full_name", flat=True))),
        cccds=frozenset(cccds | {c for c in history.values_list("cccd", flat=True) if c}),
        phones=frozenset(
            {r.phone for r in records if r.phone} | {p for p in history.values_list("phone", flat=True) if p}
        ),
        dates_of_birth=frozenset(
            {r.date_of_birth for r in records if r.date_of_birth}
            | {d for d in history.values_list("date_of_birth", flat=True) if d}
        ),
        user=user,
    )


def erase_donor(donor: Donor, user) -> Identity:
    """Erase a person on request, in every app: identity gone (history included), donations kept as
    anonymous counts, the access log kept with the person replaced by an anonymous reference."""
    with transaction.atomic():
        donor = Donor.objects.select_for_update().get(pk=donor.pk)  # as stored now (merged since read?)
        identity = identity_of(donor, user)
        erase_everywhere(identity)
    return identity


# Donor fields that identify the person, and what they become.
ERASED_DONOR_VALUES = {
    "date_of_birth": None,
    "cccd": None,
    "phone": "",
    "address": "",
    "household": None,
    "weight_kg": None,
    "consent_contact": False,
    "consent_emergency": False,
    "consent_processing": False,
    "consent_date": None,
}


def reset_value(field: models.Field):
    if field.has_default():
        return field.get_default()
    return None if field.null else ""


def erase_donor_records(identity: Identity) -> None:
    """The donors app's eraser: donor records (and their merged duplicates), donations' bag numbers and
    certificate tokens, merge records' copied values, households named after them, history rows of all
    of them, and the reason text of reveal-log rows (the rows themselves stay)."""
    ids = identity.donor_ids
    households = list(Household.objects.filter(members__in=ids).distinct())
    now = timezone.now()
    values = {**ERASED_DONOR_VALUES, "full_name": identity.reference}
    Donor.history.filter(id__in=ids).update(**values)
    for donor in Donor.objects.filter(pk__in=ids):
        for name, value in values.items():
            setattr(donor, name, value)
        donor.erased_at = donor.erased_at or now
        donor._change_reason = ERASURE_REASON  # type: ignore[attr-defined]  # simple_history's, read on save
        if identity.user is not None:
            donor._history_user = identity.user  # type: ignore[attr-defined]  # simple_history's, read on save
        donor.save()
        donor.clubs.clear()
    donation_ids = list(Donation.objects.filter(donor__in=ids).values_list("pk", flat=True))
    merges = DonorMerge.objects.filter(Q(survivor__in=ids) | Q(merged__in=ids))
    for merge in merges:
        donation_ids += list(merge.moved_donation_ids or [])
        for field in DonorMerge._meta.concrete_fields:
            if field.name == "moved_donation_ids" or field.is_relation or field.primary_key:
                continue
            if (
                isinstance(field, (models.JSONField, models.CharField, models.TextField))
                or type(field) is models.DateField
            ):
                setattr(merge, field.attname, reset_value(field))
        merge.save()  # services.undo_merge refuses a merge of an erased person: nothing left to restore
    for donation in Donation.objects.filter(pk__in=donation_ids).exclude(deferral_reason=""):
        if identity.mentioned_in(donation.deferral_reason):
            Donation.objects.filter(pk=donation.pk).update(deferral_reason=identity.scrub(donation.deferral_reason))
    # A physician override's refusal names the birth date; its reason may describe the person's health.
    forgotten = {"bag_number": "", "certificate_token": None, "override_refusal": "", "override_reason": ""}
    Donation.objects.filter(pk__in=donation_ids).update(**forgotten)
    # By donation id (indexed in the history table), which also reaches rows written before a merge.
    Donation.history.filter(Q(id__in=donation_ids) | Q(donor_id__in=ids)).update(**forgotten)
    for household in households:
        household.name = identity.scrub(household.name)
        household.note = identity.scrub(household.note)
        household.save()
        for row in Household.history.filter(id=household.pk):
            Household.history.filter(history_id=row.history_id).update(
                name=identity.scrub(row.name), note=identity.scrub(row.note)
            )
    # Other records of the person (identity.extra["subjects"]: {"humanitarian.beneficiary": {ids}}).
    about = Q(donor__in=ids)
    for label, subject_ids in identity.extra.get("subjects", {}).items():
        about |= Q(subject=label, subject_id__in=subject_ids)
    for log in RevealLog.objects.filter(about):
        if identity.mentioned_in(log.reason):
            RevealLog.objects.filter(pk=log.pk).update(reason=identity.scrub(log.reason))


def erase_admin_log(identity: Identity) -> None:
    """Django admin's log names the object it changed (its str(): the donor's or a registration's name)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    donor_type = ContentType.objects.get_for_model(Donor)
    entries = LogEntry.objects.filter(
        Q(content_type=donor_type, object_id__in=[str(pk) for pk in identity.donor_ids])
        | Q(object_repr__in=identity.names)
    )
    for entry in entries:
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=identity.reference[:200], change_message=identity.scrub(entry.change_message)
        )


def register() -> None:
    register_eraser(
        erase_donor_records,
        holds=["donors.Donor", "donors.Donation", "donors.DonorMerge", "donors.Household", "donors.RevealLog"],
    )
    register_eraser(erase_admin_log, holds=["admin.LogEntry"])
