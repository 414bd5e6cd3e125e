from django import template

register = template.Library()


@register.simple_tag
def honours_of(recipient) -> str:
    """The honours a recipient holds, as a list for its page (the honours app fills this in)."""
    return ""
