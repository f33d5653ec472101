"""The honours app's eraser: an erased person's honours stay as anonymous counts (a round's list keeps
how many were honoured at each tier), their name and birth date as written go; a family's honour keeps
the family, without their name."""

from __future__ import annotations

from django.db.models import Q

from hienmau.core.erasure import Identity, register_eraser
from hienmau.core.lib.text import fold
from hienmau.honours.models import Honour, HonourRound, Subject


def erase_honours(identity: Identity) -> None:
    about = Q(donor_id__in=identity.donor_ids)
    folded = {fold(name) for name in identity.names if name.strip()}
    if folded and identity.dates_of_birth:
        # Rows of old lists not attached to anyone yet that name the person (name and birth date).
        for honour in Honour.objects.filter(donor__isnull=True, date_of_birth__in=identity.dates_of_birth):
            if fold(honour.name) in folded:
                about |= Q(pk=honour.pk)
    Honour.objects.filter(about).update(
        name=identity.reference, date_of_birth=None, birth_year=None, place="", note="", certificate_number=""
    )

    # A family's honour is named after its household and lists its members: the person's name goes from
    # both, the family's honour stays.
    for honour in Honour.objects.filter(subject=Subject.FAMILY).only("pk", "name", "note"):
        if identity.mentioned_in(honour.name) or identity.mentioned_in(honour.note):
            Honour.objects.filter(pk=honour.pk).update(
                name=identity.scrub(honour.name)[:255], note=identity.scrub(honour.note)[:255]
            )

    for honour_round in HonourRound.objects.all().only("pk", "title"):
        if identity.mentioned_in(honour_round.title):  # a round named after the person
            HonourRound.objects.filter(pk=honour_round.pk).update(title=identity.scrub(honour_round.title))


def register() -> None:
    register_eraser(erase_honours, holds=["honours.Honour", "honours.HonourRound"])
