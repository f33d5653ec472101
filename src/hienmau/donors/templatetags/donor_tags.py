from django import template

register = template.Library()


@register.filter
def masked_phone(value):
    from hienmau.core.lib.identity import mask_phone

    return mask_phone(value) if value else ""


@register.filter
def masked_cccd(value):
    from hienmau.core.lib.identity import mask_cccd

    return mask_cccd(value) if value else ""
