from django import template

from hienmau.core.lib.numbers import format_int
from hienmau.orgs.scoping import visible_plans
from hienmau.plans.models import Plan

register = template.Library()


@register.filter
def vn_int(value):
    """1921 → '1.921'; None → '' (blank cell, as the documents leave it)."""
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return (
        format_int(int(number))
        if number == int(number)
        else f"{number:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    )


@register.filter
def section_sum(rows, index=None):
    """Sum of totals (index None) or of one bucket column, over grid rows or allocations."""
    if index is None or index == "":
        values = [getattr(row, "allocation", row).total for row in rows]
    else:
        values = [row.values[int(index)] for row in rows]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


@register.filter
def section_sum_list(values):
    return sum(v or 0 for v in values)


@register.filter
def plan_visible(plan, scope) -> bool:
    """Whether the plan's page opens for this scope (orgs.scoping.visible_plans), so a link is not a 404."""
    if plan is None or scope is None:
        return False
    return visible_plans(Plan.objects.filter(pk=plan.pk), scope).exists()


@register.filter
def tenth(value):
    """104.3 → '104,3' (a percentage to one decimal, as the comparison annex writes it); None → '—'."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.1f}".replace(".", ",")


@register.filter
def signed(value):
    """+150 / −20 / 0: a change against last year's figure."""
    if value is None or value == "":
        return ""
    number = int(value)
    return f"+{format_int(number)}" if number > 0 else (f"−{format_int(-number)}" if number < 0 else "0")


@register.filter
def bucket_of(draft, key):
    """A draft's column title: 'Tháng 5', or 'Đợt I (15/03/2026)' with the round's date moved to the new year."""
    return draft.bucket_label(key)
