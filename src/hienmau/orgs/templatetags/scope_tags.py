"""Links only where the user may follow them: `{% if unit|in_scope:scope %}<a …>{% endif %}`."""

from django import template

register = template.Library()


@register.filter
def in_scope(unit, scope) -> bool:
    """Whether the unit page opens for this scope (the same rule as orgs.scoping.get_unit_in_scope)."""
    return unit is not None and scope is not None and scope.contains(unit)
