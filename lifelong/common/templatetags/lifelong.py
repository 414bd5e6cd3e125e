from django import template

from lifelong.common.masking import mask_phone

register = template.Library()


@register.filter
def masked_phone(phone: str | None) -> str:
    return mask_phone(phone)
