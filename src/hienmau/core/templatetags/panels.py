"""`{% page_panels "donor_detail" donor %}`: what other apps add to this page (core/panels.py)."""

from django import template

from hienmau.core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context, page: str, obj):
    return render_panels(page, context.get("request"), obj)
