"""What outreach adds to the plan page (core/panels.py): the volunteer and media targets against the
recorded work, and the budget's estimate against the actual for the issuing side."""

from __future__ import annotations

from django.template.loader import render_to_string

from hienmau.core.panels import register_panel
from hienmau.orgs import scoping
from hienmau.outreach import services
from hienmau.plans.models import Plan


def plan_panel(request, plan) -> str:
    scope = getattr(request, "scope", None)
    if scope is None:
        return ""
    outreach = services.plan_outreach(plan)
    plans = Plan.objects.filter(pk=plan.pk)
    return render_to_string(
        "outreach/_plan_panel.html",
        {
            "outreach": outreach,
            "plan": plan,
            "can_record": scoping.may_record_outreach(scope, scope.unit),
            "sees_budget": scoping.visible_budgets(plans, scope).exists(),
        },
        request=request,
    )


def register() -> None:
    register_panel("plan_detail", plan_panel)
