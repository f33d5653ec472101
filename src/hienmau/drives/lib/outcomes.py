"""Which check-in outcome may follow which, for one registration (pure: no Django).

A registration starts "registered". Blood given is final: nothing follows "donated". Two "deferred"
outcomes are one deferral (the later one updates it). Anything else after "deferred" contradicts it, so
it needs the officer to say it corrects the deferral; the deferral is then replaced (by the donation)
or removed (the person did not come after all). "no_show" may be followed by anything: someone marked
absent can still turn up.
"""

from __future__ import annotations

import datetime
import enum

REGISTERED, DONATED, DEFERRED, NO_SHOW = "registered", "donated", "deferred", "no_show"
OUTCOMES = (DONATED, DEFERRED, NO_SHOW)


class Step(enum.Enum):
    RECORD = "record"  # write the outcome (a new visit for donated / deferred)
    UPDATE_DEFERRAL = "update_deferral"  # a second deferral: the one deferral is updated
    REPLACE_DEFERRAL = "replace_deferral"  # a corrected deferral becomes the donation
    REMOVE_DEFERRAL = "remove_deferral"  # a corrected deferral: the person did not come
    ALREADY_DONATED = "already_donated"  # refused: blood given is final
    NEEDS_CORRECTION = "needs_correction"  # refused unless the officer marks a correction
    TOO_EARLY = "too_early"  # refused: the drive's day has not come


def next_step(current: str, outcome: str, correction: bool, drive_day: datetime.date, today: datetime.date) -> Step:
    """What recording `outcome` on a registration whose status is `current` does."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    if drive_day > today:
        return Step.TOO_EARLY
    if current == DONATED:
        return Step.ALREADY_DONATED
    if current != DEFERRED:
        return Step.RECORD
    if outcome == DEFERRED:
        return Step.UPDATE_DEFERRAL
    if not correction:
        return Step.NEEDS_CORRECTION
    return Step.REPLACE_DEFERRAL if outcome == DONATED else Step.REMOVE_DEFERRAL
