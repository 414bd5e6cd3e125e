from django import template

from lifelong.honours import selectors

register = template.Library()


@register.inclusion_tag("honours/_honours_of.html")
def honours_of(recipient) -> dict:
    """The honours a recipient (a region, institution, programme, team or learner) holds, as a
    list for its page; nothing when it holds none. One query."""
    return {"honours": selectors.honours_of(recipient)}


@register.simple_tag(takes_context=True)
def calls_taking_learners(context) -> list:
    """The open calls in which the signed-in person may nominate learners now: the passport's
    learning-star list offers a "nominate" link per call (the list lives below honours, so it
    asks here rather than importing honours)."""
    return selectors.calls_taking_learners(actor=context["request"].user)
