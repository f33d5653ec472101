"""An approved transfer request attaches the honours of old lists that waited on it."""

from __future__ import annotations

from hienmau.donors.registry import transfer_approved
from hienmau.honours.models import Honour, MatchStatus


def attach_waiting_honours(sender, transfer, user, **kwargs) -> None:
    Honour.objects.filter(transfer=transfer, match=MatchStatus.TRANSFER).update(
        donor=transfer.donor, match=MatchStatus.LINKED
    )


def connect() -> None:
    transfer_approved.connect(attach_waiting_honours, dispatch_uid="honours.attach_waiting_honours")
