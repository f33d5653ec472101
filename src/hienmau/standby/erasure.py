"""The standby app's eraser: calls keep their outcome (answer rates stay true), notes about the person go;
the person leaves every club roster."""

from __future__ import annotations

from hienmau.core.erasure import Identity, register_eraser
from hienmau.standby.models import Call, ClubMember


def erase_calls(identity: Identity) -> None:
    Call.objects.filter(donor_id__in=identity.donor_ids).update(note="")
    ClubMember.objects.filter(donor_id__in=identity.donor_ids).delete()


def register() -> None:
    register_eraser(erase_calls, holds=["standby.Call", "standby.ClubMember"])
