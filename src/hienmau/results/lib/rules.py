"""Which figures count, for whom, and in which column of a plan. Plain data in, plain data out.

- Per drive, the collecting facility's figure (its result sheet, or a tally imported from a spreadsheet)
  is the official result; donations recorded one by one count only where no facility figure exists.
- A result belongs to the unit that mobilised the donors: the registrant's unit when known, else the
  drive's organising unit.
- Walk-ins (blood given at a facility outside any drive: the donor page's entry, a facility's history)
  are grouped by facility and day, and that group is treated like a drive: the facility's own tally for
  the day is the official figure; the individual records count only where there is none, and only when
  the facility held no drive that day (a drive-less record on a drive day is taken as the drive's, whose
  official figure already counts it). Each counts for the unit that mobilised the donor, else the
  facility, else the donor's commune or workplace.
- A result belongs to a plan's bucket by its date: the month of a month bucket, or the round whose date
  is that day. A result dated outside the plan's period counts for its year and unit, not for the plan.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

VOLUMES = (250, 350, 450)


@dataclass
class Counts:
    """What one unit gave on one day (or any sum of such)."""

    collected: int = 0
    v250: int = 0
    v350: int = 0
    v450: int = 0
    registered: int = 0
    deferred: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __sub__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def is_zero(self) -> bool:
        return all(getattr(self, f.name) == 0 for f in fields(self))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def volumes(self) -> dict[str, int]:
        return {"250": self.v250, "350": self.v350, "450": self.v450}

    @property
    def equivalent_250(self) -> Decimal:
        return equivalent_250(self.v250, self.v350, self.v450)


def add_volume(counts: Counts, volume_ml: int | None) -> None:
    """Count one bag: 250/350/450 ml in its column; other volumes only in the total."""
    counts.collected += 1
    if volume_ml in VOLUMES:
        setattr(counts, f"v{volume_ml}", getattr(counts, f"v{volume_ml}") + 1)


def equivalent_250(v250: int, v350: int, v450: int) -> Decimal:
    """250 ml equivalents (350 ml = 1,4; 450 ml = 1,8), one decimal as reports write it."""
    value = Decimal(v250) + Decimal(v350) * Decimal("1.4") + Decimal(v450) * Decimal("1.8")
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(result: int | Decimal, target: int | Decimal | None) -> Decimal | None:
    """result / target in %, rounded half up to 0,1; None when there is no target to compare with."""
    if not target:
        return None
    return (Decimal(result) * 100 / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def official_figures(facility: dict[int, Counts], individual: dict[int, Counts]) -> tuple[str, dict[int, Counts]]:
    """A drive's result per unit: the facility's figures when it has any, else the individual records.

    Returns the source used ("sheet" or "checkin") and the figures; never both added together."""
    if facility:
        return "sheet", dict(facility)
    return "checkin", dict(individual)


def mobilising_unit(registrant_unit_id: int | None, organiser_id: int) -> int:
    return registrant_unit_id if registrant_unit_id is not None else organiser_id


@dataclass(frozen=True)
class WalkIn:
    """One drive-less visit as the results see it."""

    donated: bool
    volume_ml: int | None = None
    mobilised_by: int | None = None
    facility: int | None = None
    commune: int | None = None
    workplace: int | None = None


def walk_in_unit(visit: WalkIn) -> int | None:
    """Who a walk-in counts for: the mobilising unit, else the facility, else the donor's commune or
    workplace; None when nothing names a unit (the visit is not counted anywhere)."""
    for unit_id in (visit.mobilised_by, visit.facility, visit.commune, visit.workplace):
        if unit_id is not None:
            return unit_id
    return None


def walk_in_figures(visits: list[WalkIn], *, facility_reported: bool, drive_held: bool) -> dict[int, Counts]:
    """One facility's walk-ins of one day, per unit: nothing when the facility reported the day itself
    (its tally is the official figure) or held a drive that day (the drive's figure counts them);
    otherwise each visit once: a donation in its volume column, a deferral as deferred; every visit is
    also a registration (the person came and was seen)."""
    if facility_reported or drive_held:
        return {}
    figures: dict[int, Counts] = {}
    for visit in visits:
        unit_id = walk_in_unit(visit)
        if unit_id is None:
            continue
        counts = figures.setdefault(unit_id, Counts())
        counts.registered += 1
        if visit.donated:
            add_volume(counts, visit.volume_ml)
        else:
            counts.deferred += 1
    return figures


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def plan_period(
    start: datetime.date | None,
    end: datetime.date | None,
    issued: datetime.date | None,
    buckets: list[tuple[str, datetime.date | None]],
) -> Period | None:
    """The days a plan counts: its stated period; else its month buckets' months in its year (a summer
    campaign with months 5–8 runs 1/5–31/8); else its rounds' dates; else its whole year."""
    if start and end:
        return Period(start, end)
    year = (start or end or issued or _first_date(buckets) or datetime.date.min).year
    if year == 1:
        return None
    months = sorted(int(key.split(":")[1]) for key, _ in buckets if key.startswith("month:"))
    if months:
        first = start or datetime.date(year, months[0], 1)
        last_month = months[-1]
        last = end or datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return Period(first, last)
    dates = sorted(day for key, day in buckets if key.startswith("round:") and day)
    if dates:
        return Period(start or min(dates[0], datetime.date(year, 1, 1)), end or datetime.date(year, 12, 31))
    return Period(start or datetime.date(year, 1, 1), end or datetime.date(year, 12, 31))


def _first_date(buckets) -> datetime.date | None:
    dates = [day for _, day in buckets if day]
    return min(dates) if dates else None


@dataclass(frozen=True)
class Placement:
    counted: bool  # counts for the plan
    bucket: str | None  # the bucket key, None when no bucket takes that day
    reason: str = ""  # "outside_period" when not counted


def place(day: datetime.date, period: Period | None, buckets: list[tuple[str, datetime.date | None]]) -> Placement:
    """Where a result dated `day` goes in a plan: its month, or the round held that day."""
    if period is None or day not in period:
        return Placement(False, None, "outside_period")
    for key, bucket_day in buckets:
        if key.startswith("round:") and bucket_day == day:
            return Placement(True, key)
    month_key = f"month:{day.month}"
    if any(key == month_key for key, _ in buckets):
        return Placement(True, month_key)
    return Placement(True, None)


@dataclass
class Ledger:
    """Delta bookkeeping for the per unit × day table: old entries out, new entries in."""

    changes: dict[tuple, Counts] = field(default_factory=dict)

    def add(self, key: tuple, counts: Counts, sign: int = 1) -> None:
        current = self.changes.get(key, Counts())
        self.changes[key] = current + counts if sign > 0 else current - counts

    def nonzero(self) -> dict[tuple, Counts]:
        return {key: value for key, value in sorted(self.changes.items()) if not value.is_zero()}
