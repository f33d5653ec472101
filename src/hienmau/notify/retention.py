"""What the outbox keeps only for a while: messages that are done (sent, given up, refused by an opt-out)
and their copies under var/outbox (the file backend), after HIENMAU_RETAIN_OUTBOX_DAYS. Messages still
waiting or being retried are never purged."""

from __future__ import annotations

import datetime

from django.conf import settings

from hienmau.core.retention import register_purger
from hienmau.notify.backends import outbox_dir
from hienmau.notify.models import Message, Status

DONE = (Status.SENT, Status.FAILED, Status.OPTED_OUT)


def purge_outbox(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=settings.HIENMAU_RETAIN_OUTBOX_DAYS)
    count, _by_model = Message.objects.filter(status__in=DONE, created_at__lt=cutoff).delete()
    folder = outbox_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                count += 1
    return count


def register() -> None:
    register_purger("notify.outbox", "tin nhắn đã xong và bản lưu của chúng", purge_outbox)
