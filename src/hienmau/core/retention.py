"""Retention: what is kept only for a set period, and `hienmau purge`, which removes what has outlived it.

Each app registers what it keeps for a while (register_purger, from its AppConfig.ready), reading its
period from settings (HIENMAU_RETAIN_*, docs/security.md). Never purged: the access log of personal data
(donors.RevealLog, append-only) and the records themselves (erasure is core/erasure.py's).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from hienmau.core.uploads import purge_old_uploads


@dataclass(frozen=True)
class Purger:
    label: str  # Vietnamese: what is removed, e.g. "tin nhắn đã gửi"
    run: Callable[[datetime.datetime], int]  # removes what is due at `now`; returns how many


_PURGERS: dict[str, Purger] = {}


def register_purger(key: str, label: str, run: Callable[[datetime.datetime], int]) -> None:
    _PURGERS[key] = Purger(label, run)


def purge_all(now: datetime.datetime | None = None) -> list[tuple[str, str, int]]:
    """Run every registered purger; (key, label, how many removed) each, in registration order."""
    moment = now or timezone.now()
    return [(key, purger.label, purger.run(moment)) for key, purger in _PURGERS.items()]


# --- core's own -------------------------------------------------------------------------------------


def purge_uploads(now: datetime.datetime) -> int:
    """Uploaded files kept for a preview that nobody confirmed or cancelled."""
    max_age = datetime.timedelta(hours=settings.HIENMAU_RETAIN_UPLOAD_HOURS)
    return len(purge_old_uploads(max_age, now=now.timestamp()))


def purge_sessions(now: datetime.datetime) -> int:
    """Sessions past their expiry (signed out by the idle timeout or never signed out)."""
    count, _by_model = Session.objects.filter(expire_date__lt=now).delete()
    return count


def purge_login_records(now: datetime.datetime) -> int:
    """django-axes' records of logins and failed logins (username, address, browser)."""
    cutoff = now - datetime.timedelta(days=settings.HIENMAU_RETAIN_LOGIN_RECORDS_DAYS)
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _by_model = model.objects.filter(attempt_time__lt=cutoff).delete()
        removed += count
    return removed


def register() -> None:
    register_purger("core.uploads", "tệp tải lên chờ xác nhận", purge_uploads)
    register_purger("core.sessions", "phiên đăng nhập đã hết hạn", purge_sessions)
    register_purger("core.logins", "nhật ký đăng nhập", purge_login_records)
