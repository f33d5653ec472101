"""The notify app's eraser: messages sent to a person being erased, and their copies in var/outbox."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from hienmau.core.erasure import Identity, register_eraser
from hienmau.notify.backends import outbox_path
from hienmau.notify.models import Message, OptOut, Status


def erase_messages(identity: Identity) -> None:
    """Messages to one of the person's numbers, or quoting their CCCD or number, keep their purpose (so
    they are never sent again) and when they were sent; recipient and text are emptied, and those still
    waiting are never sent."""
    numbers = identity.phone_forms() | set(identity.cccds)
    if not numbers:
        return
    condition = Q(recipient__in=numbers)
    for value in numbers:
        condition |= Q(body__contains=value)
    messages = list(Message.objects.filter(condition))
    paths = [outbox_path(message) for message in messages]
    pending = [Status.QUEUED, Status.RETRYING, Status.SENDING]
    Message.objects.filter(pk__in=[m.pk for m in messages], status__in=pending).update(
        status=Status.FAILED, next_attempt_at=None, error="Người nhận đã được xoá theo yêu cầu."
    )
    Message.objects.filter(pk__in=[m.pk for m in messages]).update(recipient="", body="")
    # Nothing is sent to an erased person any more, so their opt-out goes with the rest.
    OptOut.objects.filter(recipient__in=numbers).delete()

    def remove() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    transaction.on_commit(remove)


def register() -> None:
    register_eraser(erase_messages, holds=["notify.Message", "notify.OptOut"])
