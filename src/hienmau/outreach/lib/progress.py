"""Outreach counted against a plan's targets, as plain data (no Django).

A plan states its volunteer and media targets in its text (plans/lib/targets.py reads them; seed 000:
"ít nhất 300 tình nguyện viên", and news items without a figure). What counts:
- media items ("tin, bài"): the news articles, radio or loudspeaker broadcasts and social-media posts
  recorded under the plan, each by its quantity (one activity may be "3 bài");
- volunteers: the distinct people on a volunteer roster who gave hours to the plan (at its drives, on
  its activities or other work), each once however many units or days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MEDIA_KINDS = frozenset({"news", "radio", "social"})
COUNTED_METRICS = ("volunteers", "media_items")


@dataclass(frozen=True)
class Progress:
    metric: str
    target: Decimal | None  # None: the plan sets the target without a figure
    done: int

    @property
    def percent(self) -> Decimal | None:
        if self.target is None or self.target <= 0:
            return None
        return (Decimal(self.done) * 100 / self.target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def reached(self) -> bool | None:
        """True once the figure is reached; None when there is no figure to reach."""
        if self.target is None:
            return None
        return self.done >= self.target

    @property
    def bar(self) -> int:
        """Width of a progress bar in percent, capped at 100."""
        percent = self.percent
        return 0 if percent is None else min(100, int(percent))


def media_items(activities: Iterable[tuple[str, int]]) -> int:
    """(kind, quantity) pairs → the number of news items they make."""
    return sum(quantity for kind, quantity in activities if kind in MEDIA_KINDS)


def distinct_people(services: Iterable[tuple[int, object]]) -> int:
    """(person id, anything) pairs → how many different people."""
    return len({person for person, _rest in services})


def target_progress(targets: Mapping[str, Decimal | None], done: Mapping[str, int]) -> list[Progress]:
    """Progress for each counted metric the plan has a target for (with or without a figure)."""
    return [Progress(metric, targets[metric], done.get(metric, 0)) for metric in COUNTED_METRICS if metric in targets]


@dataclass(frozen=True)
class KindTotal:
    kind: str
    activities: int
    quantity: int
    reach: int


def totals_by_kind(rows: Iterable[tuple[str, int, int | None]], order: Iterable[str]) -> list[KindTotal]:
    """(kind, quantity, reach) rows → one total per kind, in `order`, kinds with nothing left out."""
    found: dict[str, list[int]] = {}
    for kind, quantity, reach in rows:
        entry = found.setdefault(kind, [0, 0, 0])
        entry[0] += 1
        entry[1] += quantity
        entry[2] += reach or 0
    return [KindTotal(kind, *found[kind]) for kind in order if kind in found]
