"""Achievement reports over the pre-aggregated results (results.UnitDayResult) and the plans.

Every figure is read per unit path × day and summed in Python by the pure rules of reports.lib; the
queries are grouped sums over the pre-aggregate, never over raw donations."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Q, Sum

from hienmau.core.clock import today
from hienmau.orgs.lib import boundaries
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import reach_paths, scope_queryset
from hienmau.orgs.services import UnitGraph
from hienmau.plans.models import Allocation, Metric, Plan, PlanKind
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


def plan_achievement(plan: Plan, as_of: datetime.date | None = None) -> PlanAchievement:
    as_of = as_of or today()
    buckets = plan.ordered_buckets()
    pairs = [(b.key, b.date) for b in buckets]
    period = plan_period(plan, buckets)
    allocations = list(
        plan.allocations.filter(metric=Metric.BLOOD_UNITS).select_related("unit").prefetch_related("cells__bucket")
    )
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
    found = []
    if period is not None:
        first = datetime.date(period.start.year, 1, 1)
        last = datetime.date(period.end.year, 12, 31)
        found = figures(paths, first, last)
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
    plans = _plans_of_year(year)
    if as_of is not None:
        plans = plans.filter(Q(date__lte=as_of) | Q(date__isnull=True))
    allocations = list(
        Allocation.objects.filter(unit=unit, metric=Metric.BLOOD_UNITS, plan__in=plans)
        .select_related("plan")
        .prefetch_related("cells__bucket")
    )
    annual = [a for a in allocations if a.plan.kind == PlanKind.ANNUAL and a.plan.buckets.count() > 6]
    chosen = annual or allocations
    months: dict[int, int] = defaultdict(int)
    if chosen:
        for allocation in chosen:
            for cell in allocation.cells.all():
                month = _bucket_month(cell.bucket.key, cell.bucket.date)
                if month:
                    months[month] += cell.value
        return sum(a.total or 0 for a in chosen), dict(months)
    own = list(plans.filter(issuing_unit=unit))
    values = [plan.target_value(Metric.BLOOD_UNITS) for plan in own]
    values = [int(v) for v in values if v is not None]
    for plan in own:
        for allocation in plan.allocations.filter(metric=Metric.BLOOD_UNITS).prefetch_related("cells__bucket"):
            for cell in allocation.cells.all():
                month = _bucket_month(cell.bucket.key, cell.bucket.date)
                if month:
                    months[month] += cell.value
    return (sum(values) if values else None), dict(months)


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


def unit_year(unit: Unit, year: int, by: str | None = None, *, today_boundaries: bool = False) -> UnitYear:
    """All results of the unit's subtree (and of the units that handed over to it) in the year."""
    paths = reach_paths(unit)
    found = figures(paths, datetime.date(year, 1, 1), datetime.date(year, 12, 31), by_unit_id=by == "unit")
    target, months = unit_targets(unit, year)
    if by == "unit":
        on = today() if today_boundaries else min(datetime.date(year, 12, 31), today())
        return _by_unit(unit, year, found, target, on)
    total = Counts()
    per_month: dict[int, Counts] = defaultdict(Counts)
    for figure in found:
        total = total + figure.counts
        per_month[figure.day.month] += figure.counts
    rows = []
    if by == "month":
        rows = [_row(f"Tháng {m}", months.get(m), per_month.get(m, Counts()), month=m) for m in range(1, 13)]
    else:
        rows = [_row(unit.full_name, target, total, code=unit.code)]
    return UnitYear(unit, year, by, rows, target, total)


def _by_unit(root: Unit, year: int, found, target, on: datetime.date) -> UnitYear:
    """Rows per unit one level below `root`, in the boundaries valid on `on` (the year's end, or today):
    figures recorded under a unit that later merged follow its successor links (shares split exactly,
    then rounded)."""
    graph = UnitGraph.load()
    sums: dict[int, dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    total = Counts()
    for unit_id, _day, counts in found:
        total = total + counts
        for target_id, weight in boundaries.resolve(unit_id, graph.nodes, graph.successors, on).items():
            owner = _child_of(target_id, root.pk, graph.nodes)
            for name in FIELDS:
                sums[owner][name] += getattr(counts, name) * weight
    children = list(root.children.valid_on(on).order_by("kind", "name"))
    units = {u.pk: u for u in children}
    units.update(Unit.objects.in_bulk([pk for pk in sums if pk not in units]))
    rounded = {pk: Counts(**{n: int(round(v)) for n, v in values.items()}) for pk, values in sums.items()}
    rows, ids = [], []
    for pk in [*[c.pk for c in children], *[pk for pk in sums if pk not in {c.pk for c in children}]]:
        unit = units[pk]
        child_target, _ = unit_targets(unit, year) if pk != root.pk else (None, {})
        name = unit.full_name if pk != root.pk else f"{unit.full_name} (trực tiếp)"
        rows.append(_row(name, child_target, rounded.get(pk, Counts()), code=unit.code))
        ids.append(pk)
    return UnitYear(root, year, "unit", rows, target, total, ids)


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
