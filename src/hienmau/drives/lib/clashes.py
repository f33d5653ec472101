"""Two drives that cannot both happen as planned: the same day, hours that overlap, and the same site (its
name written with or without accents, case or extra spaces) or the same collecting facility (one team
cannot be in two places). Plain functions; the drive form warns with them (drives/services.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hienmau.core.lib.text import fold_words

END_OF_DAY = datetime.time(23, 59, 59)
SAME_SITE, SAME_FACILITY = "site", "facility"


@dataclass(frozen=True)
class Booking:
    day: datetime.date
    start: datetime.time
    end: datetime.time | None  # not yet known: taken as the rest of the day
    site: str
    facility_id: int | None


def times_overlap(a: Booking, b: Booking) -> bool:
    """Half-open intervals: a drive ending at 11:00 and another starting at 11:00 do not overlap."""
    a_end, b_end = a.end or END_OF_DAY, b.end or END_OF_DAY
    return a.start < b_end and b.start < a_end


def site_key(name: str) -> str:
    return fold_words(name or "")


def clash(a: Booking, b: Booking) -> list[str]:
    """Why the two bookings clash ([] when they do not): the same site, the same facility, or both."""
    if a.day != b.day or not times_overlap(a, b):
        return []
    reasons = []
    if site_key(a.site) and site_key(a.site) == site_key(b.site):
        reasons.append(SAME_SITE)
    if a.facility_id is not None and a.facility_id == b.facility_id:
        reasons.append(SAME_FACILITY)
    return reasons
