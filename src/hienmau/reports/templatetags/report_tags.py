from django import template
from django.utils.translation import gettext_lazy as _

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


TIMELINESS_LABELS = {
    "on_time": _("Đúng hạn"),
    "late": _("Quá hạn"),
    "missing": _("Chưa gửi (đã quá hạn)"),
    "not_due": _("Chưa đến hạn"),
    "no_deadline": _("Kế hoạch chưa nêu hạn"),
}


@register.filter
def timeliness_label(code):
    return TIMELINESS_LABELS.get(code, _("Chưa rõ"))


@register.filter
def count_of(counts, key):
    """A tally's count for one timeliness code."""
    return counts.get(key, 0)


@register.filter
def mul100(value):
    """A share (0.083) as a percentage (8.3)."""
    return None if value is None else float(value) * 100


@register.filter
def iso_day(value):
    """'2026-02-24' → '24/02/2026'."""
    try:
        year, month, day = str(value).split("-")
    except ValueError:
        return value
    return f"{day}/{month}/{year}"


@register.filter
def neg(value):
    return -value
