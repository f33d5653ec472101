"""Achievement reports over the pre-aggregated results (results.UnitDayResult) and the plans.

Every figure is read per unit path × day and summed in Python by the pure rules of reports.lib; the
queries are grouped sums over the pre-aggregate, never over raw donations."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth

from hienmau.core.clock import today
from hienmau.orgs.lib import boundaries
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import reach_paths, scope_queryset
from hienmau.orgs.services import UnitGraph
from hienmau.plans.models import Allocation, AllocationCell, Bucket, Metric, Plan, PlanKind, Target
from hienmau.reports.lib import achievement
from hienmau.results.lib import rules
from hienmau.results.lib.rules import Counts
from hienmau.results.models import UnitDayResult

FIELDS = ("collected", "v250", "v350", "v450", "registered", "deferred")


class ReportError(ValueError):
    """The report cannot be made (unknown plan or unit); the message is Vietnamese."""


def _paths_filter(paths) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(unit__path__startswith=path)
    return query


def figures(paths, first: datetime.date, last: datetime.date, *, by_unit_id: bool = False):
    """Per unit × day sums under `paths` between two days (inclusive)."""
    rows: Iterable[Mapping[str, Any]] = (  # the annotated s_<field> keys are beyond the stubs' TypedDict
        UnitDayResult.objects.filter(day__range=(first, last))
        .filter(_paths_filter(paths))
        .values("unit_id", "unit__path", "day")
        .annotate(**{f"s_{name}": Sum(name) for name in FIELDS})
        .order_by()
    )
    out: list[tuple[int, datetime.date, Counts] | achievement.Figure] = []
    for row in rows:
        counts = Counts(**{name: row[f"s_{name}"] or 0 for name in FIELDS})
        if by_unit_id:
            out.append((row["unit_id"], row["day"], counts))
        else:
            out.append(achievement.Figure(row["unit__path"], row["day"], counts))
    return out


def unit_month_figures(paths, first: datetime.date, last: datetime.date, *, months: bool) -> list[tuple]:
    """Per unit (× month when `months`) sums under `paths` between two days: (unit id, month or 0, the
    six sums in FIELDS order). Grouped in the database, so a national year is a few thousand rows."""
    query = UnitDayResult.objects.filter(day__range=(first, last)).filter(_paths_filter(paths))
    keys = ["unit_id", "unit__path", "unit__valid_from", "unit__valid_until"]
    if months:
        query = query.annotate(month=ExtractMonth("day"))
        keys.append("month")
    rows: Iterable[Mapping[str, Any]] = (
        query.values(*keys).annotate(**{f"s_{name}": Sum(name) for name in FIELDS}).order_by()
    )
    return [
        (
            UnitAt(row["unit_id"], row["unit__path"], row["unit__valid_from"], row["unit__valid_until"]),
            row["month"] if months else 0,
            tuple(row[f"s_{name}"] or 0 for name in FIELDS),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class UnitAt:
    """A unit a figure was recorded under: where it sits and when it existed."""

    pk: int
    path: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until > day
        )


# --- one plan ------------------------------------------------------------------------------------


@dataclass
class PlanAchievement:
    plan: Plan
    period: rules.Period | None
    buckets: list  # plans.Bucket, in order
    report: achievement.Report
    allocations: dict[int, Allocation]
    as_of: datetime.date

    def as_json(self) -> dict:
        total = self.report.total
        return {
            "rows": [
                {
                    "unit": line.name,
                    "target": line.target,
                    "result": line.result.collected,
                    "percent": _number(line.percent),
                }
                for line in self.report.lines
            ],
            "totals": {
                "target": self.report.total_target,
                "result": total.collected,
                "percent": _number(self.report.percent),
                "volumes": total.volumes,
                "equivalent_250": _number(total.equivalent_250),
            },
        }


def _number(value):
    if value is None:
        return None
    return float(value)


def plan_period(plan: Plan, buckets=None) -> rules.Period | None:
    buckets = buckets if buckets is not None else plan.ordered_buckets()
    return rules.plan_period(plan.period_start, plan.period_end, plan.date, [(b.key, b.date) for b in buckets])


FigureSource = Callable[[list[str], datetime.date, datetime.date], list[achievement.Figure]]


def plan_achievement(
    plan: Plan,
    as_of: datetime.date | None = None,
    *,
    metric: str = Metric.BLOOD_UNITS,
    source: FigureSource | None = None,
) -> PlanAchievement:
    """Target against result per allocation of `metric`. Blood units count the recorded results; another
    metric brings its own figures (`source(paths, first, last)`: per unit path × day, the count in
    `Counts.collected`), e.g. the humanitarian addresses set up, and is counted by the same rules."""
    as_of = as_of or today()
    buckets = plan.ordered_buckets()
    pairs = [(b.key, b.date) for b in buckets]
    period = plan_period(plan, buckets)
    allocations = list(plan.allocations.filter(metric=metric).select_related("unit").prefetch_related("cells__bucket"))
    inputs = [
        achievement.AllocationInput(
            key=a.pk,
            name=a.unit_name or (a.unit.full_name if a.unit is not None else ""),
            unit_path=a.unit.path if a.unit is not None else None,
            target=a.total,
            cells={cell.bucket.key: cell.value for cell in a.cells.all()},
        )
        for a in allocations
    ]
    paths = sorted({i.unit_path for i in inputs if i.unit_path} | {plan.issuing_unit.path})
    found: list[achievement.Figure] = []
    if period is not None:
        first = datetime.date(period.start.year, 1, 1)
        last = datetime.date(period.end.year, 12, 31)
        found = (source or figures)(paths, first, last)
    report = achievement.plan_report(inputs, found, period, pairs, as_of, issuer_path=plan.issuing_unit.path)
    return PlanAchievement(plan, period, buckets, report, {a.pk: a for a in allocations}, as_of)


# --- one unit and year ---------------------------------------------------------------------------


def unit_for_year(code: str, year: int) -> Unit:
    """The unit that carried `code` in `year` (91 in 2022 is the former Kiên Giang, in 2026 today's An
    Giang): valid on the year's last day (or today, for the current year), else on its first day."""
    last = min(datetime.date(year, 12, 31), today())
    for day in (last, datetime.date(year, 1, 1)):
        units = list(Unit.objects.filter(code=code).valid_on(day)[:2])
        if len(units) == 1:
            return units[0]
    raise ReportError(f"Không có đơn vị mang mã “{code}” trong năm {year}.")


def _plans_of_year(year: int):
    return Plan.objects.filter(
        Q(period_start__year=year)
        | Q(period_start__isnull=True, period_end__year=year)
        | Q(period_start__isnull=True, period_end__isnull=True, date__year=year)
    )


def unit_targets(unit: Unit, year: int, *, as_of: datetime.date | None = None) -> tuple[int | None, dict[int, int]]:
    """The unit's blood-unit target for the year and its split by month: what plans of that year
    allocate to it (an annual plan preferred over campaigns, which are part of it), else the target of
    the plans it issued itself. With `as_of`, only plans dated on or before that day count."""
    return units_targets([unit], year, as_of=as_of)[unit.pk]


def units_targets(
    units: list[Unit], year: int, *, as_of: datetime.date | None = None
) -> dict[int, tuple[int | None, dict[int, int]]]:
    """unit_targets for many units in a few queries (a report's rows)."""
    plans = _plans_of_year(year)
    if as_of is not None:
        plans = plans.filter(Q(date__lte=as_of) | Q(date__isnull=True))
    allocations = list(
        Allocation.objects.filter(unit__in=units, metric=Metric.BLOOD_UNITS, plan__in=plans).values_list(
            "pk", "unit_id", "total", "plan_id", "plan__kind"
        )
    )
    plan_ids = {plan_id for _, _, _, plan_id, _ in allocations}
    buckets_per_plan = dict(
        Bucket.objects.filter(plan_id__in=plan_ids)
        .values("plan_id")
        .annotate(n=Count("pk"))
        .values_list("plan_id", "n")
    )
    by_unit: dict[int, list[tuple[int, int | None, bool]]] = defaultdict(list)
    for pk, unit_id, total, plan_id, kind in allocations:
        by_unit[unit_id].append((pk, total, kind == PlanKind.ANNUAL and buckets_per_plan.get(plan_id, 0) > 6))
    chosen = {unit_id: [a for a in found if a[2]] or found for unit_id, found in by_unit.items()}
    cells: dict[int, list[tuple[str, datetime.date | None, int]]] = defaultdict(list)
    for allocation_id, key, day, value in AllocationCell.objects.filter(
        allocation_id__in=[a[0] for found in chosen.values() for a in found]
    ).values_list("allocation_id", "bucket__key", "bucket__date", "value"):
        cells[allocation_id].append((key, day, value))
    # Units no plan allocates to: the targets of the plans they issued themselves, and the months of
    # those plans' allocations (two queries for all of them).
    issuers = [unit.pk for unit in units if unit.pk not in chosen]
    own_targets: dict[int, list[int]] = defaultdict(list)
    own_months: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if issuers:
        own = plans.filter(issuing_unit_id__in=issuers)
        for issuer, stated in Target.objects.filter(plan__in=own, metric=Metric.BLOOD_UNITS).values_list(
            "plan__issuing_unit_id", "value"
        ):
            if stated is not None:  # a target stated without a figure adds nothing
                own_targets[issuer].append(int(stated))
        for issuer, key, day, value in (
            AllocationCell.objects.filter(allocation__plan__in=own, allocation__metric=Metric.BLOOD_UNITS)
            .values("allocation__plan__issuing_unit_id", "bucket__key", "bucket__date")
            .annotate(summed=Sum("value"))
            .values_list("allocation__plan__issuing_unit_id", "bucket__key", "bucket__date", "summed")
            .order_by()
        ):
            month = _bucket_month(key, day)
            if month:
                own_months[issuer][month] += value
    out: dict[int, tuple[int | None, dict[int, int]]] = {}
    for unit in units:
        if unit.pk not in chosen:
            values = own_targets.get(unit.pk)
            out[unit.pk] = (sum(values) if values else None, dict(own_months.get(unit.pk, {})))
            continue
        months: dict[int, int] = defaultdict(int)
        for pk, _total, _annual in chosen[unit.pk]:
            for key, day, value in cells[pk]:
                month = _bucket_month(key, day)
                if month:
                    months[month] += value
        out[unit.pk] = (sum(total or 0 for _, total, _ in chosen[unit.pk]), dict(months))
    return out


def _bucket_month(key: str, day: datetime.date | None) -> int | None:
    kind, _, number = key.partition(":")
    if kind == "month":
        return int(number)
    return day.month if day else None


def _row(name: str, target, counts: Counts, **extra) -> dict:
    return {
        "unit": name,
        "target": target,
        "result": counts.collected,
        "percent": _number(rules.percent(counts.collected, target)),
        **extra,
    }


def _round(counts_by_key: dict, key) -> Counts:
    value = counts_by_key.get(key)
    if value is None:
        return Counts()
    return Counts(**{name: int(round(getattr(value, name))) for name in FIELDS})


@dataclass
class UnitYear:
    unit: Unit
    year: int
    by: str | None
    rows: list[dict]
    target: int | None
    total: Counts
    unit_ids: list[int] | None = None  # with by="unit": the unit of each row

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "totals": {
                "target": self.target,
                "result": self.total.collected,
                "percent": _number(rules.percent(self.total.collected, self.target)),
                "volumes": self.total.volumes,
                "equivalent_250": _number(self.total.equivalent_250),
            },
        }


BY_CHOICES = ("month", "unit", "unit-month")


def period_target(target: int | None, months: dict[int, int], period: tuple[int, int]) -> int | None:
    """The part of a year's target due in the months `period` (first, last): the whole target for the
    whole year, else the sum of its month split over those months (None when it has no split)."""
    if period == (1, 12):
        return target
    if not months:
        return None
    return sum(value for month, value in months.items() if period[0] <= month <= period[1])


def unit_year(
    unit: Unit,
    year: int,
    by: str | None = None,
    *,
    today_boundaries: bool = False,
    period: tuple[int, int] = (1, 12),
) -> UnitYear:
    """All results of the unit's subtree (and of the units that handed over to it) in the year, or in
    the months `period` of it; `by` "month", "unit" (one level below) or "unit-month" (one level below,
    each with its twelve months). Targets are the months' share of the year's target."""
    paths = reach_paths(unit)
    first = datetime.date(year, period[0], 1)
    last = datetime.date(year, period[1], calendar.monthrange(year, period[1])[1])
    if by in ("unit", "unit-month"):
        found = unit_month_figures(paths, first, last, months=by == "unit-month")
        on = today() if today_boundaries else min(last, today())
        return _by_unit(unit, year, found, on, by, period)
    target, months = unit_targets(unit, year)
    target = period_target(target, months, period)
    total = Counts()
    per_month: dict[int, Counts] = defaultdict(Counts)
    for figure in figures(paths, first, last):
        total = total + figure.counts
        per_month[figure.day.month] += figure.counts
    rows = []
    if by == "month":
        rows = [
            _row(f"Tháng {m}", months.get(m), per_month.get(m, Counts()), month=m)
            for m in range(period[0], period[1] + 1)
        ]
    else:
        rows = [_row(unit.full_name, target, total, code=unit.code)]
    return UnitYear(unit, year, by, rows, target, total)


def _by_unit(root: Unit, year: int, found, on: datetime.date, by: str, period: tuple[int, int] = (1, 12)) -> UnitYear:
    """Rows per unit one level below `root`, in the boundaries valid on `on` (the year's end, or today):
    figures recorded under a unit that later merged follow its successor links (shares split exactly,
    then rounded). Each unit's way to its row is worked out once; whole shares are added as integers."""
    graph: UnitGraph | None = None
    owners: dict[int, list[tuple[int, Fraction]]] = {}
    whole: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * len(FIELDS))
    parts: dict[tuple[int, int], list[Fraction]] = {}
    totals = [0] * len(FIELDS)
    for unit, month, values in found:
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        shares = owners.get(unit.pk)
        if shares is None and unit.valid_on(on) and unit.path.startswith(root.path):
            # What boundaries.resolve gives a unit valid on the day, inside the root: itself, whole; its
            # row is the unit of its path one level below the root.
            below = unit.path[len(root.path) :].split("/", 1)[0]
            shares = owners[unit.pk] = [(int(below) if below else root.pk, Fraction(1))]
        elif shares is None:
            graph = graph or UnitGraph.load()
            merged: dict[int, Fraction] = defaultdict(Fraction)
            for target_id, weight in boundaries.resolve(unit.pk, graph.nodes, graph.successors, on).items():
                merged[_child_of(target_id, root.pk, graph.nodes)] += weight
            shares = owners[unit.pk] = list(merged.items())
        for owner, weight in shares:
            if weight == 1:
                cell = whole[(owner, month)]
                for i, value in enumerate(values):
                    cell[i] += value
            else:
                part = parts.setdefault((owner, month), [Fraction(0)] * len(FIELDS))
                for i, value in enumerate(values):
                    part[i] += value * weight
    exact: dict[int, dict[int, list]] = defaultdict(dict)  # owner → month → sums (ints, or Fractions)
    for key in whole.keys() | parts.keys():
        owner, month = key
        zero: list[int] = [0] * len(FIELDS)
        part_sums: list[Fraction] = parts.get(key, [Fraction(0)] * len(FIELDS))
        exact[owner][month] = [w + p for w, p in zip(whole.get(key, zero), part_sums, strict=True)]
    children = list(root.children.valid_on(on).order_by("kind", "name"))
    child_ids = {c.pk for c in children}
    units = {u.pk: u for u in children}
    units.update(Unit.objects.in_bulk([pk for pk in exact if pk not in child_ids]))
    order = [*[c.pk for c in children], *[pk for pk in exact if pk not in child_ids]]
    targets = units_targets([units[pk] for pk in order if pk != root.pk] + [root], year)
    rows, ids = [], []
    for pk in order:
        unit = units[pk]
        child_target, child_months = targets[pk] if pk != root.pk else (None, {})
        child_target = period_target(child_target, child_months, period)
        name = unit.full_name if pk != root.pk else f"{unit.full_name} (trực tiếp)"
        months = exact.get(pk, {})
        summed = [sum(column) for column in zip(*months.values(), strict=True)] if months else [0] * len(FIELDS)
        extra: dict[str, Any] = {"code": unit.code}
        if by == "unit-month":
            extra["months"] = [
                {"month": m, "target": child_months.get(m), "result": int(round(months[m][0])) if m in months else 0}
                for m in range(1, 13)
            ]
        rows.append(_row(name, child_target, Counts(*(int(round(v)) for v in summed)), **extra))
        ids.append(pk)
    target = period_target(*targets[root.pk], period)
    return UnitYear(root, year, by, rows, target, Counts(*totals), ids)


def _child_of(unit_id: int, root_id: int, nodes) -> int:
    """The unit one level below the root on the way up from `unit_id`; the root itself otherwise."""
    current = unit_id
    seen = set()
    while current is not None and current not in seen:
        seen.add(current)
        parent = nodes[current].parent_id
        if parent == root_id:
            return current
        current = parent
    return root_id


def latest_year(scope) -> int:
    """The latest year with a result in the scope (the dashboard opens on it), else this year."""

    day = scope_queryset(UnitDayResult.objects.all(), scope).order_by("-day").values_list("day", flat=True).first()
    return day.year if day else today().year


def share_of_year_due(year: int) -> float:
    """How much of the year has passed (1 for a past year): the pace a unit should be at."""
    now = today()
    if year < now.year:
        return 1.0
    if year > now.year:
        return 0.0
    return (now.timetuple().tm_yday - 1) / 365


def results_by_allocation(plan: Plan) -> dict[int, int]:
    """Blood units counted for each of the plan's allocations (as `report achievement --plan` counts
    them): what drafting next year's plan weighs units by."""
    return {line.key: line.result.collected for line in plan_achievement(plan).report.lines}
