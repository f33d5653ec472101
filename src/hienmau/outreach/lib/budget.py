"""A plan's budget, estimate against actual, as plain data (no Django).

Seed 000 funds its campaign from the state budget (Circular 182/2009/TT-BTC), sponsorship and gifts and
other lawful sources; seed 001 has the district Red Cross draw up the year's estimate. The estimate is a
set of lines (what for × which source × amount); the actual is the spending recorded against the same
categories, plus the gifts or cash given to donors under Circular 15/2023/TT-BYT, which are read from the
donations and always land on the donor-benefit line. Amounts are whole đồng.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BENEFITS = "donor_benefits"


@dataclass(frozen=True)
class Line:
    category: str
    source: str
    amount: int


@dataclass(frozen=True)
class Row:
    key: str
    estimate: int
    actual: int

    @property
    def difference(self) -> int:
        """Actual minus estimate: above zero is an overspend."""
        return self.actual - self.estimate

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.actual, self.estimate)


@dataclass(frozen=True)
class SourceRow:
    source: str
    estimate: int
    received: int  # sponsors' money and gifts recorded; the state budget is what it paid for
    spent: int


@dataclass(frozen=True)
class Comparison:
    by_category: list[Row]
    by_source: list[SourceRow]
    estimate: int
    actual: int
    benefits: int
    units: int

    @property
    def cost_per_unit(self) -> int | None:
        """Đồng spent per blood unit collected; none before the first unit."""
        if self.units <= 0:
            return None
        return int((Decimal(self.actual) / self.units).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.actual, self.estimate)

    @property
    def difference(self) -> int:
        return self.actual - self.estimate


def _percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _sums(lines: Iterable[Line], key) -> dict[str, int]:
    found: dict[str, int] = {}
    for line in lines:
        found[key(line)] = found.get(key(line), 0) + line.amount
    return found


def compare(
    estimate: Sequence[Line],
    spending: Sequence[Line],
    *,
    benefits: int,
    benefits_source: str,
    contributions: Iterable[tuple[str, int]],
    units: int,
    categories: Sequence[str],
    sources: Sequence[str],
) -> Comparison:
    """Estimate against actual by category (in `categories` order, only those with a figure) and by source;
    the donors' benefits are spending on the benefit line, from `benefits_source`."""
    actual_lines = [*spending, Line(BENEFITS, benefits_source, benefits)] if benefits else list(spending)
    planned, spent = _sums(estimate, lambda line: line.category), _sums(actual_lines, lambda line: line.category)
    by_category = [Row(c, planned.get(c, 0), spent.get(c, 0)) for c in categories if c in planned or c in spent]
    planned_src, spent_src = _sums(estimate, lambda line: line.source), _sums(actual_lines, lambda line: line.source)
    received: dict[str, int] = {}
    for source, amount in contributions:
        received[source] = received.get(source, 0) + amount
    by_source = [
        SourceRow(s, planned_src.get(s, 0), received.get(s, 0), spent_src.get(s, 0))
        for s in sources
        if s in planned_src or s in spent_src or s in received
    ]
    return Comparison(
        by_category=by_category,
        by_source=by_source,
        estimate=sum(planned.values()),
        actual=sum(spent.values()),
        benefits=benefits,
        units=units,
    )
