"""A beneficiary's personal data, protected as a donor's is: CCCD and phone masked until a logged reveal
(donors.privacy.reveal, which logs any record), and erasure on request through core.erasure, so every app
erases what it holds about the person (the reveal log's reasons, kept uploads, the admin log)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.core.erasure import Identity, erase_everywhere, register_eraser
from hienmau.core.lib.text import fold
from hienmau.donors.models import RevealLog
from hienmau.humanitarian.models import Beneficiary, BeneficiaryDocument, Delivery, Pledge, Sponsor

SUBJECT = "humanitarian.beneficiary"
ERASURE_REASON = "Xoá dữ liệu cá nhân theo yêu cầu của người được hỗ trợ"
ERASED_VALUES = {"date_of_birth": None, "cccd": "", "phone": "", "address": "", "situation": ""}


def identity_of(beneficiary: Beneficiary, user=None) -> Identity:
    history = Beneficiary.history.filter(id=beneficiary.pk)
    return Identity(
        donor_ids=frozenset(),
        reference=_("Người được hỗ trợ đã xoá dữ liệu #%(id)s") % {"id": beneficiary.pk},
        names=frozenset({beneficiary.full_name} | set(history.values_list("full_name", flat=True))),
        cccds=frozenset({c for c in [beneficiary.cccd, *history.values_list("cccd", flat=True)] if c}),
        phones=frozenset({p for p in [beneficiary.phone, *history.values_list("phone", flat=True)] if p}),
        dates_of_birth=frozenset(
            {d for d in [beneficiary.date_of_birth, *history.values_list("date_of_birth", flat=True)] if d}
        ),
        user=user,
        extra={"subjects": {SUBJECT: frozenset({beneficiary.pk})}},
    )


def erase_beneficiary(beneficiary: Beneficiary, user) -> Identity:
    """Erase a beneficiary on request, in every app. The address stays as an anonymous count (its commune,
    status, pledges and deliveries), its documents go."""
    with transaction.atomic():
        beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        identity = identity_of(beneficiary, user)
        erase_everywhere(identity)
    return identity


def erase_beneficiary_records(identity: Identity) -> None:
    """The humanitarian app's eraser: the beneficiary named in the identity (or holding its CCCD, when a
    donor is erased), its history and documents; sponsors who are the person; notes that name them."""
    ids = set(identity.extra.get("subjects", {}).get(SUBJECT, ()))
    if identity.cccds:
        ids |= set(Beneficiary.objects.filter(cccd__in=identity.cccds).values_list("pk", flat=True))
    now = timezone.now()
    for beneficiary in Beneficiary.objects.filter(pk__in=ids):
        reference = _("Người được hỗ trợ đã xoá dữ liệu #%(id)s") % {"id": beneficiary.pk}
        values = {**ERASED_VALUES, "full_name": reference, "name_folded": fold(reference)}
        Beneficiary.history.filter(id=beneficiary.pk).update(**values)
        for name, value in values.items():
            setattr(beneficiary, name, value)
        beneficiary.erased_at = beneficiary.erased_at or now
        beneficiary._change_reason = ERASURE_REASON  # type: ignore[attr-defined]  # simple_history's
        if identity.user is not None:
            beneficiary._history_user = identity.user  # type: ignore[attr-defined]  # simple_history's
        beneficiary.save()
        documents = list(BeneficiaryDocument.objects.filter(beneficiary=beneficiary))
        for document in documents:
            transaction.on_commit(partial(document.file.delete, save=False))
        BeneficiaryDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()
    # Reveal-log reasons about these records (a donor's erasure reaches them by CCCD, not by subject).
    for log in RevealLog.objects.filter(subject=SUBJECT, subject_id__in=ids):
        if identity.mentioned_in(log.reason):
            RevealLog.objects.filter(pk=log.pk).update(reason=identity.scrub(log.reason))
    # Sponsors who are the person (by name or phone), and notes anywhere in the drive that name them.
    phones = identity.phone_forms()
    for sponsor in Sponsor.objects.filter(
        Q(name__in=identity.names) | Q(phone__in=phones) | Q(contact__in=identity.names)
    ):
        Sponsor.history.filter(id=sponsor.pk).update(name=identity.reference, contact="", phone="", note="")
        Sponsor.objects.filter(pk=sponsor.pk).update(name=identity.reference, contact="", phone="", note="")
    for model in (Sponsor, Pledge, Delivery):
        for row in model.objects.exclude(note=""):
            if identity.mentioned_in(row.note):
                model.objects.filter(pk=row.pk).update(note=identity.scrub(row.note))
        for row in model.history.exclude(note=""):
            if identity.mentioned_in(row.note):
                model.history.filter(history_id=row.history_id).update(note=identity.scrub(row.note))


def register() -> None:
    register_eraser(
        erase_beneficiary_records,
        holds=[
            "humanitarian.Beneficiary",
            "humanitarian.BeneficiaryDocument",
            "humanitarian.Sponsor",
            "humanitarian.Pledge",
            "humanitarian.Delivery",
        ],
    )
