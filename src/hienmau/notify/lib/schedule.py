"""When a message may go out (no database here): quiet hours, a per-person rate limit, retry backoff.

Emergencies skip quiet hours and the rate limit (the caller does not ask); everything else waits for the
end of the quiet hours and for a free place under the limit. Times are aware datetimes; quiet hours are
read on the local wall clock of the time given.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

RETRY_MINUTES = (1, 5, 15, 60, 240)


def in_quiet_hours(moment: datetime.datetime, quiet: tuple[int, int]) -> bool:
    """quiet = (start hour, end hour) on the local clock, e.g. (21, 7); equal hours mean no quiet hours."""
    start, end = quiet
    if start == end:
        return False
    hour = moment.hour
    return start <= hour < end if start < end else hour >= start or hour < end


def after_quiet_hours(moment: datetime.datetime, quiet: tuple[int, int]) -> datetime.datetime:
    """`moment` itself outside quiet hours, else the end of the quiet hours it falls in."""
    if not in_quiet_hours(moment, quiet):
        return moment
    end = moment.replace(hour=quiet[1], minute=0, second=0, microsecond=0)
    if end <= moment:
        end += datetime.timedelta(days=1)
    return end


def under_rate_limit(
    moment: datetime.datetime, others: Iterable[datetime.datetime], limit: int, window: datetime.timedelta
) -> datetime.datetime:
    """The first time from `moment` at which fewer than `limit` of the person's other messages fall in the
    window (t - window, t]. limit <= 0 means no limit."""
    if limit <= 0:
        return moment
    times = sorted(others)
    while True:
        inside = [t for t in times if moment - window < t <= moment]
        if len(inside) < limit:
            return moment
        moment = inside[len(inside) - limit] + window


def first_slot(
    moment: datetime.datetime,
    others: Iterable[datetime.datetime],
    quiet: tuple[int, int],
    limit: int,
    window: datetime.timedelta,
) -> datetime.datetime:
    """The first time from `moment` outside quiet hours and under the rate limit."""
    times = list(others)
    while True:
        later = under_rate_limit(after_quiet_hours(moment, quiet), times, limit, window)
        if later == moment:
            return moment
        moment = later


def retry_at(moment: datetime.datetime, attempts: int) -> datetime.datetime:
    """When to try again after `attempts` failed tries (1, 5, 15, 60, then every 240 minutes)."""
    minutes = RETRY_MINUTES[min(max(attempts, 1), len(RETRY_MINUTES)) - 1]
    return moment + datetime.timedelta(minutes=minutes)
