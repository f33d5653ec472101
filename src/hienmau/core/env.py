"""Environment helpers that reject values they do not understand instead of guessing."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of {sorted(_TRUE | _FALSE - {''})}.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number.") from None


def env_map(name: str, default: dict[str, str]) -> dict[str, str]:
    """ "sms=sms_http,zalo=zalo" → {"sms": "sms_http", "zalo": "zalo"}."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    result = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}={raw!r}: expected key=value pairs separated by commas.")
        result[key.strip()] = value.strip()
    return result


def env_hours(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """ "21-7" → (21, 7): hours of the day, start and end."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    start, sep, end = raw.strip().partition("-")
    if sep and start.strip().isdecimal() and end.strip().isdecimal() and int(start) < 24 and int(end) < 24:
        return int(start), int(end)
    raise ImproperlyConfigured(f"{name}={raw!r}: expected two hours like 21-7.")


def env_rate(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """ "3/24" → (3, 24): at most 3 in 24 periods (hours for the notify limit, seconds for the request
    limits of core/ratelimit.py); "0/24" for no limit."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    count, sep, hours = raw.strip().partition("/")
    if sep and count.strip().isdecimal() and hours.strip().isdecimal() and int(hours) > 0:
        return int(count), int(hours)
    raise ImproperlyConfigured(f"{name}={raw!r}: expected a count and a period like 3/24.")
