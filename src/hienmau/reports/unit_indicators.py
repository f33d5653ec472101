"""Indicators of a unit's year (the issue's list), read from the pre-aggregate, the visits recorded one by
one, the registrations, the unit tree and the facilities' demand; the arithmetic is reports.lib.indicators.
Every figure is for the unit's reach (its subtree and the units that handed over to it), as the
achievement reports count it."""

from __future__ import annotations

import calendar
import datetime

from django.db.models import Exists, Max, OuterRef, Q, Sum

from hienmau.core.clock import today
from hienmau.donors.models import Donation, Outcome, RhFactor
from hienmau.drives.models import Registration, RegistrationKind
from hienmau.orgs.models import Unit, UnitKind
from hienmau.orgs.scoping import reach_paths
from hienmau.plans.models import PlanKind
from hienmau.reports import outlook
from hienmau.reports.lib import indicators
from hienmau.reports.services import figures, unit_year
from hienmau.results.lib.rules import Counts
from hienmau.results.models import ResultEntry, Source, UnitDayResult


def _under(paths, field: str) -> Q:
    """Records whose unit `field` ("" for units themselves) lies under one of `paths`."""
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{lookup: path})
    return query


def attributed_donations(paths) -> Q:
    """Visits recorded one by one that count for the units under `paths`: the mobilising unit, else the
    facility, else the donor's commune (the attribution of results.lib.rules)."""
    return (
        _under(paths, "mobilised_by")
        | (Q(mobilised_by__isnull=True) & _under(paths, "facility"))
        | (Q(mobilised_by__isnull=True, facility__isnull=True) & _under(paths, "donor__commune"))
    )


def _population(unit: Unit, on: datetime.date) -> int | None:
    """The unit's population, else the sum over its territorial units below that have one."""
    if unit.population:
        return unit.population
    values = list(unit.children.valid_on(on).exclude(kind=UnitKind.ORGANISATION).values_list("population", flat=True))
    known = [v for v in values if v]
    return sum(known) if known else None


def unit_indicators(unit: Unit, year: int, period: tuple[int, int] = (1, 12)) -> indicators.Indicators:
    """The indicators of the issue for the unit's subtree (and its predecessors') in the year, or in the
    months `period` of it ("repeat" then means having given before the period)."""
    paths = reach_paths(unit)
    months = range(period[0], period[1] + 1)
    first = datetime.date(year, period[0], 1)
    last = datetime.date(year, period[1], calendar.monthrange(year, period[1])[1])
    on = min(last, today())
    total = Counts()
    per_month: dict[int, int] = {}
    for figure in figures(paths, first, last):
        total = total + figure.counts
        per_month[figure.day.month] = per_month.get(figure.day.month, 0) + figure.counts.collected
    need = outlook.demand_by_month(paths, [datetime.date(year, m, 1) for m in months])
    demand = [(m, need[datetime.date(year, m, 1)], per_month.get(m, 0)) for m in months]
    donated = Donation.objects.filter(outcome=Outcome.DONATED, date__range=(first, last)).filter(
        attributed_donations(paths)
    )
    earlier = Donation.objects.filter(donor=OuterRef("donor"), outcome=Outcome.DONATED, date__lt=first)
    people = donated.values("donor").annotate(earlier=Exists(earlier), rare=Max("donor__rh")).order_by()
    again = Donation.objects.filter(donor=OuterRef("donor"), outcome=Outcome.DONATED, date__lt=OuterRef("date"))
    visits = {"n": donated.count(), "again": donated.filter(Exists(again)).count()}
    donors = first_time = rare = 0
    for row in people:
        donors += 1
        first_time += not row["earlier"]
        rare += row["rare"] == RhFactor.NEGATIVE
    reasons = (
        Donation.objects.filter(outcome=Outcome.DEFERRED, date__range=(first, last))
        .filter(attributed_donations(paths))
        .values_list("deferral_reason", flat=True)
    )
    reserve = (
        Registration.objects.filter(kind=RegistrationKind.RESERVE, drive__date__range=(first, last))
        .filter(_under(paths, "unit") | (Q(unit__isnull=True) & _under(paths, "drive__organiser")))
        .count()
    )
    organisations = list(
        Unit.objects.filter(_under(paths, ""), kind=UnitKind.ORGANISATION, staff_count__gt=0)
        .valid_on(on)
        .values_list("path", "staff_count")
    )
    staff = sum(count for _path, count in organisations) or None
    staff_collected = (
        sum(f.counts.collected for f in figures([p for p, _ in organisations], first, last)) if staff else 0
    )
    members = [
        row for row in unit_year(unit, year, "unit", period=period).rows if not row["unit"].endswith("(trực tiếp)")
    ]
    campaign = (
        ResultEntry.objects.filter(day__range=(first, last))
        .filter(_under(paths, "unit"))
        .filter(
            Q(drive__plan__kind=PlanKind.CAMPAIGN) | Q(drive__isnull=True, result_import__plan__kind=PlanKind.CAMPAIGN)
        )
    )
    by_source = dict(
        UnitDayResult.objects.filter(day__range=(first, last))
        .filter(_under(paths, "unit"))
        .values("source")
        .annotate(n=Sum("collected"))
        .order_by()
        .values_list("source", "n")
    )
    return indicators.Indicators(
        collected=total.collected,
        equivalent_250=total.equivalent_250,
        volumes=total.volumes,
        registered=total.registered,
        deferred=total.deferred,
        individual_donors=donors,
        first_time=first_time,
        individual_donations=visits["n"] or 0,
        repeat_donations=visits["again"] or 0,
        rare_donors=rare,
        reserve_registrations=reserve,
        population=_population(unit, on),
        staff=staff,
        staff_collected=staff_collected,
        member_units=len(members),
        member_units_taking_part=sum(1 for row in members if row["result"]),
        campaign_collected=campaign.aggregate(n=Sum("collected"))["n"] or 0,
        deferral_reasons=indicators.group_reasons(reasons),
        sources=[(code, str(label), by_source.get(code) or 0) for code, label in Source.choices],
        demand_months=[(m, units, collected) for m, units, collected in demand if units],
    )
