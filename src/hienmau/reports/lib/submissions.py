"""The rules of a unit's report on a plan, as plain functions (no database).

- Which action may follow which state: a draft or a returned report is submitted; a submitted one is
  approved or returned; an approved one is locked until the issuing office reopens it.
- Why an edit is refused: approved (figures locked), period closed by the office, or waiting for the
  office's decision. A report may still be sent after the deadline while the period is open; it then
  counts as late.
- Timeliness: on time when first sent on or before the deadline, late when after, missing when the
  deadline has passed without a report, not yet due before that.
- Reminders: one some days before the deadline and one on the day, to units that have not sent.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"
SAVE, SUBMIT, RETURN, APPROVE, REOPEN = "saved", "submitted", "returned", "approved", "reopened"

# action → (states it may follow, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    SAVE: (frozenset({DRAFT, RETURNED}), DRAFT),
    SUBMIT: (frozenset({DRAFT, RETURNED}), SUBMITTED),
    RETURN: (frozenset({SUBMITTED}), RETURNED),
    APPROVE: (frozenset({SUBMITTED}), APPROVED),
    REOPEN: (frozenset({APPROVED}), RETURNED),
}
UNIT_ACTIONS = frozenset({SAVE, SUBMIT})  # the reporting unit's side
OFFICE_ACTIONS = frozenset({RETURN, APPROVE, REOPEN})  # the issuing office's side

# Why a change is refused (reports/submissions.py words each one for the page).
REFUSED_APPROVED, REFUSED_CLOSED, REFUSED_WAITING, REFUSED_STATE = "approved", "closed", "waiting", "state"

ON_TIME, LATE, MISSING, NOT_DUE, NO_DEADLINE = "on_time", "late", "missing", "not_due", "no_deadline"
TIMELINESS_ORDER = (ON_TIME, LATE, MISSING, NOT_DUE, NO_DEADLINE)

BEFORE, ON_THE_DAY = "before", "due"


def next_state(state: str, action: str) -> str | None:
    """The state an action leads to from `state`, or None when it may not follow."""
    allowed, target = TRANSITIONS[action]
    return target if state in allowed else None


def refusal(state: str, action: str, *, period_closed: bool) -> str | None:
    """Why `action` is refused on a report in `state`, or None when it may go ahead.

    A closed period refuses the unit's changes and the office's returns (nothing can be corrected any
    more) but not an approval; reopening the period comes first."""
    if period_closed and action in (SAVE, SUBMIT, RETURN, REOPEN):
        return REFUSED_CLOSED
    if next_state(state, action) is not None:
        return None
    if state == APPROVED and action in UNIT_ACTIONS | {RETURN}:
        return REFUSED_APPROVED
    if state == SUBMITTED and action in UNIT_ACTIONS:
        return REFUSED_WAITING
    return REFUSED_STATE


def timeliness(deadline: datetime.date | None, first_sent: datetime.date | None, today: datetime.date) -> str:
    if deadline is None:
        return NO_DEADLINE
    if first_sent is not None:
        return ON_TIME if first_sent <= deadline else LATE
    return MISSING if today > deadline else NOT_DUE


@dataclass(frozen=True)
class Tally:
    """How many units of one level reported on time, late, not at all, or are not due yet."""

    level: str
    counts: dict[str, int]

    @property
    def required(self) -> int:
        return sum(self.counts.values())

    @property
    def sent(self) -> int:
        return self.counts.get(ON_TIME, 0) + self.counts.get(LATE, 0)


def tally_by_level(rows: Iterable[tuple[str, str]]) -> list[Tally]:
    """(level, timeliness) pairs counted per level, levels in the order first seen."""
    per_level: dict[str, Counter[str]] = {}
    for level, status in rows:
        per_level.setdefault(level, Counter())[status] += 1
    return [Tally(level, {key: counts.get(key, 0) for key in TIMELINESS_ORDER}) for level, counts in per_level.items()]


def reminder_due(
    deadline: datetime.date | None, today: datetime.date, *, days_before: int, already_sent: bool
) -> str | None:
    """Which reminder a unit that has not sent its report gets today: `before` from `days_before` days
    ahead until the eve, `due` on the day, nothing after the day or once it has sent."""
    if deadline is None or already_sent:
        return None
    if today == deadline:
        return ON_THE_DAY
    if deadline - datetime.timedelta(days=days_before) <= today < deadline:
        return BEFORE
    return None
