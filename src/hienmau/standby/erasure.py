"""The standby app's eraser: calls keep their outcome (answer rates stay true), notes about the person go."""

from __future__ import annotations

from hienmau.core.erasure import Identity, register_eraser
from hienmau.standby.models import Call


def erase_calls(identity: Identity) -> None:
    Call.objects.filter(donor_id__in=identity.donor_ids).update(note="")


def register() -> None:
    register_eraser(erase_calls, holds=["standby.Call"])
