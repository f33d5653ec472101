from django import template

from hienmau.core.lib.identity import mask_cccd, mask_phone

register = template.Library()


@register.filter
def masked_phone(value):
    return mask_phone(value) if value else ""


@register.filter
def masked_cccd(value):
    return mask_cccd(value) if value else ""
