"""Rate limits on what anyone can reach without an account, and the client address every limit counts by.

A fixed window per (bucket, address) in Django's cache: the count of requests in the current window of
`window` seconds. The cache is a file cache under var/ (settings.CACHES), shared by every gunicorn worker
on the machine. Limits are settings (HIENMAU_RATE_*: "count/seconds") so an office behind one NAT
address can raise them.

Login lock-out per account is django-axes' (settings.AXES_*); the per-address limit on failed logins is
counted here, from Django's `user_login_failed` signal, and checked before the login form is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind HIENMAU_PROXY_COUNT trusted reverse proxies the
    address the outermost of them saw (the N-th from the right of X-Forwarded-For; what a client writes
    itself further left is never trusted)."""
    proxies = getattr(settings, "HIENMAU_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def _who(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _key(bucket: str, who: str, window: int, now: float) -> str:
    return f"ratelimit:{bucket}:{who}:{int(now // window)}"


def count(bucket: str, who: str, window: int) -> int:
    """Requests already counted in the current window."""
    return int(cache.get(_key(bucket, who, window, time.time()), 0))


def hit(bucket: str, who: str, window: int) -> int:
    """Count one more request in the current window and return the new count."""
    key = _key(bucket, who, window, time.time())
    cache.add(key, 0, timeout=window + 1)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        return 1


def too_many(request: HttpRequest, window: int) -> HttpResponse:
    """429 in Vietnamese, with how long to wait."""
    minutes = max(1, round(window / 60))
    response = render(
        request,
        "429.html",
        {"message": _("Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(minutes)s phút.") % {"minutes": minutes}},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


def rate_limited(setting: str, methods: tuple[str, ...] = ("GET", "HEAD", "POST")) -> Callable:
    """Limit a view per client address to settings.<setting> = (count, seconds) requests of `methods`
    (a count of 0: no limit)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method in methods:
                limit, window = getattr(settings, setting)
                if limit and hit(setting, _who(request), window) > limit:
                    return too_many(request, window)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# --- failed logins per address --------------------------------------------------------------------

LOGIN_FAILURES = "HIENMAU_RATE_LOGIN_FAILURES"


def login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    """user_login_failed receiver: one more failure for the address."""
    if request is not None:
        _limit, window = settings.HIENMAU_RATE_LOGIN_FAILURES
        hit(LOGIN_FAILURES, _who(request), window)


def address_locked_out(request: HttpRequest) -> bool:
    limit, window = settings.HIENMAU_RATE_LOGIN_FAILURES
    return bool(limit) and count(LOGIN_FAILURES, _who(request), window) >= limit
