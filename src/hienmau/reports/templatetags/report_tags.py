from django import template

register = template.Library()


@register.filter
def vn_percent(value):
    """104.3 → '104,3%'; None → '—' (no target to compare with)."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.1f}%".replace(".", ",")


@register.filter
def dash(value):
    """A blank figure shows as a dash, never as None."""
    return "—" if value is None or value == "" else value


@register.filter
def vn_decimal(value):
    """925.0 → '925,0' (one decimal, comma as Vietnamese documents write it)."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
