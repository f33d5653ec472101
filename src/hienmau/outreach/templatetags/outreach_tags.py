from django import template

from hienmau.outreach.models import ActivityKind, BudgetCategory, FundingSource
from hienmau.plans.models import Metric

register = template.Library()


@register.filter
def metric_label(metric: str) -> str:
    return str(Metric(metric).label)


@register.filter
def kind_label(kind: str) -> str:
    return str(ActivityKind(kind).label)


@register.filter
def category_label(key: str) -> str:
    return str(BudgetCategory(key).label)


@register.filter
def source_label(key: str) -> str:
    return str(FundingSource(key).label)
