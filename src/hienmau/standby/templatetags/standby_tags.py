from django import template

from hienmau.core.lib.dates import format_date

register = template.Library()


@register.filter
def blood_group(value) -> str:
    """("O", "-") or a request → "O Rh−"."""
    abo, rh = (value.abo, value.rh) if hasattr(value, "abo") else value
    return f"{abo} Rh{'−' if rh == '-' else '+'}" if abo else ""


@register.filter
def vn_date(value) -> str:
    return format_date(value) if value else ""


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f} %".replace(".", ",")


@register.filter
def duration(minutes) -> str:
    if minutes is None:
        return "—"
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} giờ {rest} phút" if hours else f"{rest} phút"
