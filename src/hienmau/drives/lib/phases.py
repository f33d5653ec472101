"""Where a drive stands, from its date and the facts rather than a stored word: a 2021 drive is never
"being prepared". Stored are only what people decide (cancelled, closed); the rest follows the day.

- cancelled: the organiser cancelled it;
- closed: closed by the facility or the organiser, or held with results recorded;
- held: the day has passed and no result is recorded yet (awaiting results);
- open: not yet held and taking registrations (public self-registration, or lists not yet due);
- planned: not yet held, not taking registrations.
"""

from __future__ import annotations

import datetime

PLANNED, OPEN, HELD, CLOSED, CANCELLED = "planned", "open", "held", "closed", "cancelled"
PHASES = (PLANNED, OPEN, HELD, CLOSED, CANCELLED)


def is_open(
    day: datetime.date, today: datetime.date, *, public_registration: bool, list_deadline: datetime.date | None
) -> bool:
    return day >= today and (public_registration or (list_deadline is not None and list_deadline >= today))


def phase(
    stored: str,
    day: datetime.date,
    today: datetime.date,
    *,
    has_results: bool,
    public_registration: bool = False,
    list_deadline: datetime.date | None = None,
) -> str:
    if stored == CANCELLED:
        return CANCELLED
    if stored == CLOSED or (has_results and day <= today):
        return CLOSED
    if day < today:
        return HELD
    if is_open(day, today, public_registration=public_registration, list_deadline=list_deadline):
        return OPEN
    return PLANNED
