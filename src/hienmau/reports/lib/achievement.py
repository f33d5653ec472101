"""Achievement against a plan: target vs result per allocation × bucket, from per unit × day figures.

A unit's result is everything recorded in its subtree (paths are prefixes), so a district plan's results
feed the province's row for that district without being added a second time. The totals count each
figure once, however many allocations cover it (a unit allocated twice, nested allocations).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from hienmau.results.lib.rules import Counts, Period, percent, place


@dataclass(frozen=True)
class Figure:
    unit_path: str
    day: datetime.date
    counts: Counts


@dataclass
class AllocationInput:
    key: int
    name: str
    unit_path: str | None  # None: the plan's name matched no unit; it has no result
    target: int | None
    cells: dict[str, int] = field(default_factory=dict)


@dataclass
class Line:
    key: int
    name: str
    target: int | None
    result: Counts
    by_bucket: dict[str, int]
    cells: dict[str, int]
    due: int | None
    percent: Decimal | None

    @property
    def status(self) -> str:
        """'none' (no result at all), 'behind' or 'ahead' of the schedule to date, or '' (no schedule)."""
        if self.result.collected == 0:
            return "none"
        if self.due is None:
            return ""
        return "behind" if self.result.collected < self.due else "ahead"


@dataclass
class Report:
    lines: list[Line]
    total_target: int
    total: Counts
    outside: Counts  # recorded under the plan's units but outside its period
    unallocated: Counts  # inside the period and the issuer's area, under no allocated unit
    bucket_totals: dict[str, int]

    @property
    def percent(self) -> Decimal | None:
        return percent(self.total.collected, self.total_target)


def bucket_end(key: str, day: datetime.date | None, year: int) -> datetime.date | None:
    kind, _, number = key.partition(":")
    if kind == "month":
        month = int(number)
        return datetime.date(year, month, calendar.monthrange(year, month)[1])
    return day


def due_to_date(
    cells: dict[str, int], buckets: list[tuple[str, datetime.date | None]], year: int, as_of: datetime.date
) -> int | None:
    """What the schedule expects by `as_of`: the buckets that have ended (a month once its last day has
    passed, a round on its day). None when the allocation has no schedule."""
    if not cells:
        return None
    ends = {key: bucket_end(key, day, year) for key, day in buckets}
    return sum(value for key, value in cells.items() if (end := ends.get(key)) is not None and end <= as_of)


def _covers(path: str | None, unit_path: str) -> bool:
    return path is not None and unit_path.startswith(path)


def plan_report(
    allocations: list[AllocationInput],
    figures: list[Figure],
    period: Period | None,
    buckets: list[tuple[str, datetime.date | None]],
    as_of: datetime.date,
    issuer_path: str | None = None,
) -> Report:
    year = period.start.year if period else as_of.year
    lines = [
        Line(
            a.key,
            a.name,
            a.target,
            Counts(),
            {},
            dict(a.cells),
            due_to_date(a.cells, buckets, year, as_of),
            None,
        )
        for a in allocations
    ]
    total, outside, unallocated = Counts(), Counts(), Counts()
    bucket_totals: dict[str, int] = {}
    paths = [a.unit_path for a in allocations]
    for figure in figures:
        placement = place(figure.day, period, buckets)
        covered = [i for i, path in enumerate(paths) if _covers(path, figure.unit_path)]
        if not placement.counted:
            if covered:
                outside = outside + figure.counts
            continue
        if not covered:
            if issuer_path is None or figure.unit_path.startswith(issuer_path):
                unallocated = unallocated + figure.counts
            continue
        total = total + figure.counts
        if placement.bucket:
            bucket_totals[placement.bucket] = bucket_totals.get(placement.bucket, 0) + figure.counts.collected
        for index in covered:
            line = lines[index]
            line.result = line.result + figure.counts
            if placement.bucket:
                line.by_bucket[placement.bucket] = line.by_bucket.get(placement.bucket, 0) + figure.counts.collected
    for line in lines:
        line.percent = percent(line.result.collected, line.target)
    total_target = sum(a.target or 0 for a in allocations)
    return Report(lines, total_target, total, outside, unallocated, bucket_totals)
