from django import template

from lifelong.honours import selectors

register = template.Library()


@register.inclusion_tag("honours/_honours_of.html")
def honours_of(recipient) -> dict:
    """The honours a recipient (a region, institution, programme, team or learner) holds, as a
    list for its page; nothing when it holds none. One query."""
    return {"honours": selectors.honours_of(recipient)}
