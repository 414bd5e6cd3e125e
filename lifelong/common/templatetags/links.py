"""`{{ path|public_url }}`: a site path on the configured public address (see common.links)."""

from django import template

from lifelong.common.links import public_url as _public_url

register = template.Library()


@register.filter
def public_url(path: str) -> str:
    return _public_url(str(path))
