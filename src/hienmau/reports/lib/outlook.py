"""The supply outlook's model: what a unit can expect to collect in the coming months, with a range, and
how it compares with what the facilities need. Pure functions over monthly figures (first day of the
month → blood units); the service (reports/outlook.py) reads them from the database.

The model (docs/outlook.md), each step shown on the outlook page:

1. **Seasonal profile.** For each complete calendar year of history, each month's share of the year.
   Tết moves between January and February with the lunar calendar, so the share of a January or
   February is kept apart by whether Tết fell in it (`tet_month`, from the `holidays` package's Vietnam
   calendar): the profile of a month is the mean of its shares in years where it had the same Tết
   status. A month never seen with that status borrows the other status's share times the Tết ratio
   measured on the other month (a Tết February is to a plain February what a Tết January is to a plain
   January). A year's twelve shares are scaled to sum to 1.
2. **Level and trend.** The last twelve complete months' total is the annual level; the trend is that
   total over the twelve before it (clipped to ±20 %), applied for the time between the middle of the
   last twelve months and the month forecast.
3. **Expected** = annual level × trend × the month's share. With under twelve months of history the
   mean month of what there is stands in (no season, no trend); with none, zero.
4. **Bookings are a floor**: registrations already made for drives in the month × the unit's show-up
   rate on its past drives. Expected and low never fall below it.
5. **Range** from the model's own past errors: the 10th and 90th percentiles of actual ÷ forecast over
   every month it could have forecast one month ahead; ±25 % until there are six such months.

The backtest makes the same forecast a month ahead for each of the twelve months before the as-of day,
with only what was known then, and sets its mean absolute percentage error (MAPE) beside that of the
naive forecast, last year's same month.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import holidays

Month = datetime.date  # always the first day of a month
History = Mapping[Month, int]

TET_BEFORE_DAYS = 10  # people travel home, offices wind down
TET_AFTER_DAYS = 15  # schools and offices reopen
GROWTH_LIMIT = (0.8, 1.2)
DEFAULT_SPREAD = (0.75, 1.25)
MIN_ERRORS_FOR_RANGE = 6
LOW_QUANTILE, HIGH_QUANTILE = 0.1, 0.9
BACKTEST_MONTHS = 12
DEFAULT_THRESHOLD = 10  # percent


def month_of(day: datetime.date) -> Month:
    return day.replace(day=1)


def add_months(month: Month, count: int) -> Month:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: Month, second: Month) -> int:
    """second − first in months."""
    return (second.year - first.year) * 12 + second.month - first.month


@functools.lru_cache(maxsize=256)
def tet_day(year: int) -> datetime.date:
    """The first day of the lunar new year (Tết Nguyên Đán), from the `holidays` Vietnam calendar."""
    calendar = holidays.country_holidays("VN", years=[year], language="en_US")
    days = calendar.get_named("Lunar New Year", lookup="exact")
    if not days:
        raise ValueError(f"no Lunar New Year in the Vietnam calendar for {year}")
    return min(days)


@functools.lru_cache(maxsize=256)
def tet_month(year: int) -> int:
    """The month holding most of the Tết period (TET_BEFORE_DAYS before to TET_AFTER_DAYS after)."""
    first = tet_day(year)
    days: dict[int, int] = {}
    for offset in range(-TET_BEFORE_DAYS, TET_AFTER_DAYS + 1):
        day = first + datetime.timedelta(days=offset)
        if day.year == year:
            days[day.month] = days.get(day.month, 0) + 1
    return max(sorted(days), key=lambda month: days[month])


def is_tet(month: Month) -> bool:
    return month.month == tet_month(month.year)


# --- the seasonal profile ------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """Mean share of the year per (calendar month, whether Tết fell in it), and the years it came from."""

    shares: Mapping[tuple[int, bool], float]
    years: tuple[int, ...]

    def raw_share(self, month: Month) -> tuple[float, str]:
        """The month's share before scaling, and how it was found."""
        key = (month.month, is_tet(month))
        if key in self.shares:
            return self.shares[key], "same"
        other = (month.month, not key[1])
        if other in self.shares:
            ratio = self.tet_ratio()
            if ratio is None:
                return self.shares[other], "other"
            return self.shares[other] * (ratio if key[1] else 1 / ratio), "ratio"
        return 1 / 12, "flat"

    def tet_ratio(self) -> float | None:
        """How a month with Tết compares with the same month without it, where history has both."""
        ratios = [
            self.shares[(m, True)] / self.shares[(m, False)]
            for m in range(1, 13)
            if (m, True) in self.shares and (m, False) in self.shares and self.shares[(m, False)] > 0
        ]
        return sum(ratios) / len(ratios) if ratios else None

    def share(self, month: Month) -> float:
        """The month's share of its calendar year, the year's twelve shares scaled to sum to 1."""
        year = [self.raw_share(datetime.date(month.year, m, 1))[0] for m in range(1, 13)]
        total = sum(year)
        if total <= 0:
            return 1 / 12
        return self.raw_share(month)[0] / total


def complete_years(history: History) -> list[int]:
    """Calendar years whose twelve months are all in the history and collected something."""
    years = sorted({month.year for month in history})
    return [
        year
        for year in years
        if all(datetime.date(year, m, 1) in history for m in range(1, 13))
        and sum(history[datetime.date(year, m, 1)] for m in range(1, 13)) > 0
    ]


def seasonal_profile(history: History) -> Profile:
    samples: dict[tuple[int, bool], list[float]] = {}
    years = complete_years(history)
    for year in years:
        total = sum(history[datetime.date(year, m, 1)] for m in range(1, 13))
        for m in range(1, 13):
            month = datetime.date(year, m, 1)
            samples.setdefault((m, is_tet(month)), []).append(history[month] / total)
    return Profile({key: sum(values) / len(values) for key, values in samples.items()}, tuple(years))


# --- one forecast ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """One month's forecast and how it was made."""

    month: Month
    value: float  # the model's figure, before the bookings' floor
    method: str  # "seasonal", "mean" (under a year of history), "none"
    annual_level: int = 0  # the last twelve complete months' total
    growth: float = 1.0  # yearly trend applied
    trend_factor: float = 1.0  # growth over the time to the month
    share: float = 1 / 12
    share_source: str = "flat"  # "same", "ratio", "other", "flat"
    tet: bool = False
    history_months: int = 0


def known_history(history: History, origin: datetime.date) -> dict[Month, int]:
    """What was known on `origin`: the complete months before its month."""
    start = month_of(origin)
    return {month: value for month, value in history.items() if month < start}


def forecast(history: History, origin: datetime.date, month: Month) -> Forecast:
    """The forecast for `month` made on `origin` from the complete months before origin's month."""
    known = known_history(history, origin)
    tet = is_tet(month)
    if not known:
        return Forecast(month, 0.0, "none", tet=tet)
    last = max(known)
    window = [add_months(last, -offset) for offset in range(12)]
    if len(known) < 12 or any(m not in known for m in window):
        values = list(known.values())
        return Forecast(month, sum(values) / len(values), "mean", tet=tet, history_months=len(known))
    level = sum(known[m] for m in window)
    before = [add_months(last, -offset) for offset in range(12, 24)]
    growth = 1.0
    if all(m in known for m in before):
        previous = sum(known[m] for m in before)
        if previous > 0 and level > 0:
            growth = min(max(level / previous, GROWTH_LIMIT[0]), GROWTH_LIMIT[1])
    # The level is centred 5.5 months before the last known month's middle.
    years_ahead = (months_between(last, month) + 5.5) / 12
    trend = growth**years_ahead
    profile = seasonal_profile(known)
    if profile.years:
        share = profile.share(month)
        source = profile.raw_share(month)[1]
    else:
        share, source = 1 / 12, "flat"
    return Forecast(
        month,
        level * trend * share,
        "seasonal",
        annual_level=level,
        growth=growth,
        trend_factor=trend,
        share=share,
        share_source=source,
        tet=tet,
        history_months=len(known),
    )


def one_month_ahead(history: History, month: Month) -> Forecast:
    """The forecast for `month` made on the first day of the month before it."""
    return forecast(history, add_months(month, -1), month)


# --- the range --------------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(history: History, origin: datetime.date) -> tuple[float, float, int]:
    """(low factor, high factor, months used): actual ÷ forecast over every month known on `origin`
    that the model could forecast a month ahead."""
    known = known_history(history, origin)
    ratios = []
    for month in sorted(known):
        made = one_month_ahead(known, month)
        if made.method == "seasonal" and made.value > 0:
            ratios.append(known[month] / made.value)
    if len(ratios) < MIN_ERRORS_FOR_RANGE:
        return DEFAULT_SPREAD[0], DEFAULT_SPREAD[1], len(ratios)
    return min(quantile(ratios, LOW_QUANTILE), 1.0), max(quantile(ratios, HIGH_QUANTILE), 1.0), len(ratios)


# --- the month's outlook ------------------------------------------------------------------------------


def whole(value: float | Fraction) -> int:
    """Blood units are whole: half up."""
    return int(math.floor(value + 0.5)) if value >= 0 else -int(math.floor(-value + 0.5))


def show_up_rate(drives: Iterable[tuple[int, int]]) -> float | None:
    """Donated ÷ registered over past drives given as (registered, donated); None without any."""
    registered = donated = 0
    for booked, came in drives:
        registered += booked
        donated += came
    if registered <= 0:
        return None
    return min(donated / registered, 1.0)


def is_short(expected: int, demand: int, threshold: float) -> bool:
    """Expected below demand by more than `threshold` percent of demand."""
    if demand <= 0:
        return False
    return (demand - expected) * 100 > Fraction(str(threshold)) * demand


@dataclass(frozen=True)
class MonthOutlook:
    month: Month
    forecast: Forecast
    expected: int
    low: int
    high: int
    planned: int
    booked: int
    floor: int
    show_up: float
    demand: int
    threshold: float

    @property
    def gap(self) -> int:
        return self.expected - self.demand

    @property
    def flag(self) -> bool:
        return is_short(self.expected, self.demand, self.threshold)

    @property
    def from_bookings(self) -> bool:
        return self.floor > whole(self.forecast.value)

    def as_json(self) -> dict:
        return {
            "month": self.month.strftime("%Y-%m"),
            "expected": self.expected,
            "low": self.low,
            "high": self.high,
            "planned": self.planned,
            "booked": self.booked,
            "demand": self.demand,
            "gap": self.gap,
            "flag": self.flag,
        }


def month_outlook(
    made: Forecast,
    factors: tuple[float, float],
    *,
    planned: int = 0,
    booked: int = 0,
    show_up: float,
    demand: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
) -> MonthOutlook:
    floor = whole(booked * show_up)
    expected = max(whole(made.value), floor)
    low = max(whole(made.value * factors[0]), floor)
    high = max(whole(made.value * factors[1]), expected)
    low = min(low, expected)
    return MonthOutlook(made.month, made, expected, low, high, planned, booked, floor, show_up, demand, threshold)


# --- the backtest -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BacktestMonth:
    month: Month
    actual: int
    forecast: int
    naive: int


@dataclass(frozen=True)
class Backtest:
    months: list[BacktestMonth] = field(default_factory=list)

    @property
    def mape(self) -> float:
        return _mape((m.forecast, m.actual) for m in self.months)

    @property
    def naive_mape(self) -> float:
        return _mape((m.naive, m.actual) for m in self.months)

    def as_json(self) -> dict:
        return {
            "months": len(self.months),
            "mape": round(self.mape, 1),
            "naive_mape": round(self.naive_mape, 1),
            "detail": [
                {"month": m.month.strftime("%Y-%m"), "actual": m.actual, "forecast": m.forecast, "naive": m.naive}
                for m in self.months
            ],
        }


def _mape(pairs: Iterable[tuple[int, int]]) -> float:
    errors = [abs(forecast - actual) / actual for forecast, actual in pairs]
    return 100 * sum(errors) / len(errors) if errors else 0.0


def backtest(history: History, as_of: datetime.date, months: int = BACKTEST_MONTHS) -> Backtest | None:
    """Over the `months` complete months before `as_of`, the model's forecast made a month ahead (with only
    what was known then) and last year's same month, against what happened. Months with nothing
    collected (no percentage error) or no forecast or no last year are left out; None if none is left."""
    known = known_history(history, as_of)
    rows = []
    end = month_of(as_of)
    for offset in range(months, 0, -1):
        month = add_months(end, -offset)
        actual = known.get(month)
        last_year = known.get(add_months(month, -12))
        if not actual or last_year is None:
            continue
        made = one_month_ahead(known, month)
        if made.method != "seasonal":
            continue
        rows.append(BacktestMonth(month, actual, whole(made.value), last_year))
    return Backtest(rows) if rows else None
