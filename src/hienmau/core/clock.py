"""The one place that says what day it is.

Eligibility gaps, deadlines, validity of units and reminders all read this; tests freeze it with
`hienmau.core.clock.frozen`, and background jobs receive the date explicitly.
"""

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone

_frozen: datetime.datetime | None = None


def now() -> datetime.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(moment: datetime.datetime | datetime.date) -> Iterator[None]:
    global _frozen
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time(12, 0), tzinfo=timezone.get_current_timezone())
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
