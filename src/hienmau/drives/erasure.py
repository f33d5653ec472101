"""The drives app's eraser: what it holds about a person being erased (core.erasure)."""

from __future__ import annotations

from django.db.models import Q

from hienmau.core.erasure import Identity, register_eraser
from hienmau.drives.models import CheckInEvent, RegistrantList, Registration


def erase_drive_records(identity: Identity) -> None:
    """Registrations (from lists, self-registration, walk-ins) keep their drive, unit and outcome for the
    counts; the name becomes the anonymous reference, in their history too. Check-in events lose the bag
    number; a list's file name that names the person is scrubbed."""
    registrations = Registration.objects.filter(donor__in=identity.donor_ids)
    ids = list(registrations.values_list("pk", flat=True))
    list_ids = set(registrations.exclude(registrant_list=None).values_list("registrant_list", flat=True))
    registrations.update(full_name=identity.reference)
    Registration.history.filter(Q(id__in=ids) | Q(donor_id__in=identity.donor_ids)).update(full_name=identity.reference)
    for event in CheckInEvent.objects.filter(registration__in=ids):
        event.bag_number = ""
        event.deferral_reason = identity.scrub(event.deferral_reason)
        event.save(update_fields=["bag_number", "deferral_reason"])
    for registrant_list in RegistrantList.objects.filter(pk__in=list_ids):
        if identity.mentioned_in(registrant_list.source_name):
            registrant_list.source_name = identity.scrub(registrant_list.source_name)[:255]
            registrant_list.save(update_fields=["source_name"])


def register() -> None:
    register_eraser(erase_drive_records, holds=["drives.Registration", "drives.CheckInEvent", "drives.RegistrantList"])
