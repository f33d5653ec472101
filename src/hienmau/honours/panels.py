"""What honours adds to pages it does not own (core/panels.py): the donor page shows the honours the
person received and the next tier; the unit page the unit's rounds and how many it honoured."""

from __future__ import annotations

from django.db.models import Count, Q
from django.template.loader import render_to_string

from hienmau.core.clock import today
from hienmau.core.panels import register_panel
from hienmau.honours import services
from hienmau.honours.lib.tiers import next_tier, rules
from hienmau.honours.models import HonourRound, HonourStatus, Subject


def donor_panel(request, donor) -> str:
    if donor.erased_at or donor.merged_into_id:
        return ""
    scope = getattr(request, "scope", None)
    unit = scope.unit if scope else None
    honours = services.donor_honours(donor)
    on = today()
    person = services.people([donor], on)[0]
    count = max(person.recorded, person.stated)
    tiers = tuple(t.count for t in (services.tiers_for(unit) if unit else rules().individual))
    return render_to_string(
        "honours/_donor_panel.html",
        {
            "honours": honours,
            "count": count,
            "next": next_tier(max([count, *(h.tier for h in honours if h.subject == Subject.INDIVIDUAL)]), tiers),
            "rules": rules(),
        },
        request=request,
    )


def unit_panel(request, unit) -> str:
    rounds = (
        HonourRound.objects.filter(unit=unit)
        .annotate(honoured=Count("honours", filter=Q(honours__status=HonourStatus.APPROVED)))
        .order_by("-cutoff")[:10]
    )
    unit_honours = unit.honours.filter(status=HonourStatus.APPROVED).order_by("-year")[:10]
    if not rounds and not unit_honours:
        return ""
    return render_to_string(
        "honours/_unit_panel.html", {"rounds": rounds, "unit_honours": unit_honours, "unit": unit}, request=request
    )


def register() -> None:
    register_panel("donor_detail", donor_panel)
    register_panel("unit_detail", unit_panel)
