"""A plan's budget: the estimate by line and source, the spending and sponsors' contributions recorded
against it, the gifts or cash given to donors under Circular 15/2023/TT-BYT (read from the donations), and
the cost per blood unit collected (from the achievement the reports app counts)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum

from hienmau.core.clock import today
from hienmau.donors.models import Donation, Outcome
from hienmau.humanitarian.models import Sponsor
from hienmau.orgs.scoping import reach_paths
from hienmau.outreach.lib import budget
from hienmau.outreach.models import BudgetCategory, Contribution, Expense, FundingSource
from hienmau.plans.models import Plan
from hienmau.reports.services import plan_achievement, plan_period

# Who pays the donors' gifts: the collecting facility, from the state budget (Circular 15/2023/TT-BYT).
BENEFITS_SOURCE = FundingSource.STATE


def _under(paths, field: str) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__path__startswith": path})
    return query


def period_of(plan: Plan) -> tuple[datetime.date, datetime.date]:
    """The plan's period as the results count it (stated, else its month buckets, else its year)."""
    period = plan_period(plan)
    if period is not None:
        return period.start, period.end
    year = plan.date.year if plan.date else today().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def donor_benefits(plan: Plan) -> int:
    """Gifts or cash (Circular 15/2023) recorded on donations in the plan's period by donors the issuing
    unit's reach mobilised (or, with no mobilising unit, who gave at a facility in it). One query."""
    first, last = period_of(plan)
    paths = reach_paths(plan.issuing_unit)
    found = Donation.objects.filter(
        Q(date__gte=first, date__lte=last, outcome=Outcome.DONATED, benefit_amount__isnull=False)
        & (_under(paths, "mobilised_by") | (Q(mobilised_by__isnull=True) & _under(paths, "facility")))
    ).aggregate(total=Sum("benefit_amount"))
    return int(found["total"] or 0)


@dataclass
class PlanBudget:
    plan: Plan
    comparison: budget.Comparison
    period: tuple[datetime.date, datetime.date]

    def category_label(self, key: str) -> str:
        return str(BudgetCategory(key).label)

    def source_label(self, key: str) -> str:
        return str(FundingSource(key).label)


def plan_budget(plan: Plan) -> PlanBudget:
    lines = [budget.Line(c, s, a) for c, s, a in plan.budget_lines.values_list("category", "source", "amount")]
    spending = [budget.Line(c, s, a) for c, s, a in plan.expenses.values_list("category", "source", "amount")]
    comparison = budget.compare(
        lines,
        spending,
        benefits=donor_benefits(plan),
        benefits_source=BENEFITS_SOURCE,
        contributions=plan.contributions.values_list("source", "amount"),
        units=plan_achievement(plan).report.total.collected,
        categories=BudgetCategory.values,
        sources=FundingSource.values,
    )
    return PlanBudget(plan, comparison, period_of(plan))


def record_contribution(plan: Plan, sponsor_name: str, **fields) -> Contribution:
    """A sponsor's money or gift; the sponsor is found by name among the issuing unit's sponsors (the one
    list the humanitarian addresses use too), else added there as an organisation."""
    name = " ".join(sponsor_name.split())
    with transaction.atomic():
        sponsor = Sponsor.objects.filter(unit=plan.issuing_unit, name=name).order_by("pk").first()
        if sponsor is None:
            sponsor = Sponsor.objects.create(
                unit=plan.issuing_unit, name=name, kind=Sponsor.Kind.ORGANISATION, joined_on=fields["date"]
            )
        return Contribution.objects.create(plan=plan, sponsor=sponsor, **fields)


def record_expense(plan: Plan, user=None, **fields) -> Expense:
    return Expense.objects.create(plan=plan, recorded_by=user, **fields)
