"""Achievement pages: a plan's target vs result per unit × bucket, a unit's year, and the scope's
overview. Every plan and unit is reached through the scope (404 outside it)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from hienmau.core.clock import today
from hienmau.core.replica import reads_from_replica
from hienmau.jobs import exports as export_jobs
from hienmau.jobs.models import JobKind
from hienmau.orgs.models import Unit, UnitKind
from hienmau.orgs.scoping import get_unit_in_scope, sees_allocation, sees_plan_whole
from hienmau.orgs.views import scope_required
from hienmau.plans.models import Plan
from hienmau.reports import outlook as supply
from hienmau.reports import services, submissions, unit_indicators
from hienmau.reports.labels import INDICATOR_BASES, INDICATOR_NAMES
from hienmau.reports.lib.charts import (
    TileInput,
    cumulative_lines,
    outlook_chart,
    percent_bars,
    province_tiles,
    tile_map,
)
from hienmau.reports.lib.indicators import share
from hienmau.reports.lib.outlook import DEFAULT_THRESHOLD, add_months, month_of
from hienmau.results.lib import rules

STATUS_LABELS = {"none": _("Chưa có kết quả"), "behind": _("Chậm so với lịch"), "ahead": _("Đạt/vượt lịch"), "": ""}


@reads_from_replica
@scope_required
def plan_achievement(request, pk):
    scope = request.scope
    plan = Plan.objects.visible_to(scope).select_related("issuing_unit").filter(pk=pk).first()
    if plan is None:
        raise Http404
    data = services.plan_achievement(plan)
    whole = sees_plan_whole(scope, plan)
    rows = []
    for line in data.report.lines:
        allocation = data.allocations[line.key]
        if not sees_allocation(scope, plan, allocation):
            continue
        rows.append(
            {
                "line": line,
                "unit": allocation.unit if allocation.unit_id and scope.contains(allocation.unit) else None,
                "cells": [(line.cells.get(b.key), line.by_bucket.get(b.key, 0)) for b in data.buckets],
                "status": STATUS_LABELS[line.status],
                "status_code": line.status,
            }
        )
    chart = percent_bars(sorted(((r["line"].name, r["line"].percent) for r in rows), key=lambda item: -(item[1] or -1)))
    lower = Plan.objects.visible_to(scope).filter(parent_plan=plan).select_related("issuing_unit")
    return render(
        request,
        "reports/plan_achievement.html",
        {
            "plan": plan,
            "data": data,
            "report": data.report,
            "rows": rows,
            "whole": whole,
            "chart": chart,
            "without_result": [r["line"].name for r in rows if r["status_code"] == "none"],
            "lower_plans": lower,
            "bucket_totals": [
                (sum(line.cells.get(b.key, 0) for line in data.report.lines), data.report.bucket_totals.get(b.key, 0))
                for b in data.buckets
            ],
        },
    )


@scope_required
def plan_comparison(request, pk, fmt):
    """The comparison table as .xlsx, .docx or PDF; only for the issuing side, which sees every unit's row.
    A plan of many units is made by the background worker (hienmau.jobs.exports)."""
    return export_jobs.respond(request, JobKind.COMPARISON, {"plan": pk, "fmt": fmt})


@reads_from_replica
@scope_required
def unit_achievement(request, pk):
    scope = request.scope
    unit = get_unit_in_scope(scope, pk)
    year = _year(request.GET.get("year"))
    by = request.GET.get("by") if request.GET.get("by") in ("month", "unit") else "unit"
    today_boundaries = request.GET.get("boundaries") == "today"
    period = _period(request)
    data = services.unit_year(unit, year, by, today_boundaries=today_boundaries, period=period)
    rows = []
    for index, row in enumerate(data.rows):
        unit_id = data.unit_ids[index] if data.unit_ids else None
        rows.append({**row, "link_id": unit_id if unit_id and unit_id != unit.pk else None})
    chart = percent_bars(
        [(row["unit"], Decimal(str(row["percent"])) if row["percent"] is not None else None) for row in rows]
    )
    return render(
        request,
        "reports/unit_achievement.html",
        {
            "unit": unit,
            "year": year,
            "by": by,
            "today_boundaries": today_boundaries,
            "data": data,
            "totals": data.as_json()["totals"],
            "rows": rows,
            "chart": chart,
            "years": list(range(today().year, today().year - 6, -1)),
            "period": period,
            "whole_year": period == (1, 12),
            "month_choices": list(range(1, 13)),
        },
    )


@scope_required
def unit_indicators_page(request, pk):
    """The unit's indicators for a year: loaded into the unit page after it shows (they read the visits
    one by one, which takes longer than the pre-aggregate), or as a page of their own without script."""
    unit = get_unit_in_scope(request.scope, pk)
    year = _year(request.GET.get("year"))
    period = _period(request)
    found = unit_indicators.unit_indicators(unit, year, period)
    context = {
        "unit": unit,
        "year": year,
        "period": period,
        "whole_year": period == (1, 12),
        **indicator_context(found),
    }
    template = "reports/_indicators.html" if request.htmx else "reports/unit_indicators.html"
    return render(request, template, context)


def _year(value) -> int:
    try:
        year = int(value or today().year)
    except ValueError:
        year = today().year
    return min(max(year, 2000), today().year + 1)


def _period(request) -> tuple[int, int]:
    """The months chosen (from, to), in order; the whole year by default."""
    period = (_month(request.GET.get("from_month"), 1), _month(request.GET.get("to_month"), 12))
    return min(period), max(period)


def _month(value, default: int) -> int:
    """A month number from the query string; anything else is the default (the whole year)."""
    try:
        month = int(value)
    except (TypeError, ValueError):
        return default
    return month if 1 <= month <= 12 else default


def indicator_context(found) -> dict:
    mix = found.volume_mix
    return {
        "indicators": found,
        "indicator_rows": [
            {
                "name": INDICATOR_NAMES[item.key],
                "base": INDICATOR_BASES[item.key],
                "value": item.value,
                "part": item.part,
                "whole": item.whole,
            }
            for item in found.figures()
        ],
        "volume_rows": [(volume, count, mix[volume]) for volume, count in found.volumes.items()],
        "demand_rows": [(m, need, got, share(got, need)) for m, need, got in found.demand_months],
    }


def _dashboard_unit(scope, year: int):
    """The unit the user's own unit stood for in that year (today's An Giang shows the former Kiên
    Giang's 2022), when the scope reaches it; else the user's unit."""
    unit = scope.unit
    if unit.code:
        try:
            earlier = services.unit_for_year(unit.code, year)
        except services.ReportError:
            return unit
        if scope.contains(earlier):
            return earlier
    return unit


def _tiles(unit, by_unit):
    """The tile map of the units one level below (provinces of the nation, communes of a province):
    territorial units only, each coloured by its achievement of the year. A former unit that still
    carries figures under the same code as today's unit (91: Kiên Giang, then An Giang) shares its tile,
    target and result added together, named as today's unit."""
    units = Unit.objects.in_bulk(by_unit.unit_ids or [])
    merged: dict[str, dict] = {}
    for unit_id, row in zip(by_unit.unit_ids or [], by_unit.rows):
        child = units.get(unit_id)
        if child is None or unit_id == unit.pk or child.kind == UnitKind.ORGANISATION:
            continue
        key = child.code or f"#{unit_id}"
        tile = merged.setdefault(key, {"unit": None, "target": None, "result": 0})
        if tile["unit"] is None or (child.valid_until is None and tile["unit"].valid_until is not None):
            tile["unit"] = child
        if row["target"] is not None:
            tile["target"] = (tile["target"] or 0) + row["target"]
        tile["result"] += row["result"] or 0
    items, rows = [], []
    for tile in merged.values():
        child, percent = tile["unit"], rules.percent(tile["result"], tile["target"])
        items.append(TileInput(child.pk, child.code, child.name, percent))
        rows.append({"unit": child.full_name, "target": tile["target"], "result": tile["result"], "percent": percent})
    return (tile_map(items, province_tiles()) if items else None), rows


@reads_from_replica
@scope_required
def overview(request):
    """The scope's dashboard: headline figures, units ranked by achievement, month by month against the
    schedule, the units behind, and the plans with their achievement."""
    scope = request.scope
    latest = services.latest_year(scope)
    try:
        year = int(request.GET.get("year") or latest)
    except ValueError:
        year = latest
    year = min(max(year, 2000), today().year + 1)
    unit = _dashboard_unit(scope, year)
    by_unit = services.unit_year(unit, year, "unit")
    by_month = services.unit_year(unit, year, "month")
    ranked = sorted((row for row in by_unit.rows if row["target"]), key=lambda row: -(row["percent"] or 0))
    chart = percent_bars([(row["unit"], Decimal(str(row["percent"] or 0))) for row in ranked])
    share_due = services.share_of_year_due(year)
    behind = [row for row in ranked if (row["percent"] or 0) < share_due * 100]
    line = cumulative_lines([row["target"] for row in by_month.rows], [row["result"] for row in by_month.rows])
    # The map is of today's units (the 34 provinces, a province's communes) when the unit still exists:
    # figures recorded under former units follow their successor links onto it.
    mapped = by_unit if unit.valid_until else services.unit_year(unit, year, "unit", today_boundaries=True)
    tiles, tile_rows = _tiles(unit, mapped)
    plans = list(Plan.objects.visible_to(scope).select_related("issuing_unit")[:8])
    summaries = [(plan, services.plan_achievement(plan).report) for plan in plans]
    ahead = supply.outlook(scope.unit, add_months(month_of(today()), 1), 6)
    supply.alert_red_months(ahead)
    return render(
        request,
        "reports/overview.html",
        {
            "summaries": summaries,
            "unit": unit,
            "year": year,
            "years": list(range(today().year, today().year - 6, -1)),
            "totals": by_unit.as_json()["totals"],
            "total_counts": by_unit.total,
            "chart": chart,
            "ranked": ranked,
            "behind": behind,
            "share_due": round(share_due * 100),
            "line": line,
            "months": by_month.rows,
            "tiles": tiles,
            "tile_rows": tile_rows,
            "reporting": submissions.deciding_completeness(scope, Plan.objects.visible_to(scope)),
            "ahead": ahead,
            "ahead_chart": _outlook_chart(ahead),
        },
    )


def _outlook_chart(result: supply.Outlook):
    rows = result.months
    return outlook_chart(
        [f"{m.month:%m/%Y}" for m in rows],
        [m.expected for m in rows],
        [m.low for m in rows],
        [m.high for m in rows],
        [m.demand for m in rows],
        [m.planned for m in rows],
        [m.flag for m in rows],
    )


def _month_param(text: str | None, default):
    try:
        return supply.parse_month_option(text) if text else default
    except supply.OutlookError:
        return default


def _number_param(text: str | None, default: float, low: float, high: float) -> float:
    try:
        value = float((text or "").replace(",", ".").rstrip("%"))
    except ValueError:
        return default
    return min(max(value, low), high)


@scope_required
def unit_outlook(request, pk):
    """The supply outlook of a unit of the scope: the months ahead against its facilities' need, how each
    figure was made, the backtest, and what could close a gap. `as_of` replays a past day (a backtest)."""
    unit = get_unit_in_scope(request.scope, pk)
    now = today()
    as_of = now
    if request.GET.get("as_of"):
        try:
            as_of = min(datetime.date.fromisoformat(request.GET["as_of"]), now)
        except ValueError:
            as_of = now
    first = _month_param(request.GET.get("from"), add_months(month_of(as_of), 1))
    count = int(_number_param(request.GET.get("months"), 6, 1, 24))
    threshold = _number_param(request.GET.get("threshold"), DEFAULT_THRESHOLD, 0, 99)
    result = supply.outlook(unit, first, count, as_of=as_of, threshold=threshold, with_actions=True)
    actions = result.actions
    return render(
        request,
        "reports/outlook.html",
        {
            "unit": unit,
            "result": result,
            "chart": _outlook_chart(result),
            "first": first,
            "count": count,
            "threshold": threshold,
            "as_of": as_of,
            "past": as_of < now,
            "actions": actions,
            "donor_rows": sorted(actions.donors.items()) if actions else [],
            "low_factor": round((1 - result.spread[0]) * 100),
            "high_factor": round((result.spread[1] - 1) * 100),
            "show_up_percent": round(result.show_up * 100),
            "default_show_up": supply.DEFAULT_SHOW_UP,
        },
    )
