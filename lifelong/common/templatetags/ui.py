"""The design system's template tags (`{% load ui %}`): `{% icon "name" %}`, `{% category_icon %}`,
the `badge_icon` filter of the status badge, and the shell's `aria_current`, `nav_link` and
`page_query` (a pager link that keeps the list's filters).

Icons are symbols of one vendored Lucide sprite (static/vendor/lucide/sprite.svg), referenced
with <use>: the sprite is downloaded once and cached, and each icon costs a few bytes of HTML.
An icon beside a word is decoration (aria-hidden); an icon standing alone needs `label=`.
"""

from django import template
from django.http import QueryDict
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

SPRITE = "vendor/lucide/sprite.svg"

# The symbol each activity category shows (activities.choices.Category); a category added
# later falls back to a neutral mortarboard rather than an empty square.
CATEGORY_ICONS = {
    "reading": "book-open",
    "culture": "landmark",
    "arts": "palette",
    "health": "heart-pulse",
    "digital_skills": "monitor-smartphone",
    "vocational": "briefcase",
    "agriculture": "sprout",
    "civic": "scale",
    "family": "baby",
    "sports": "dumbbell",
}
DEFAULT_CATEGORY_ICON = "graduation-cap"


def icon_html(name: str, *, label: str = "", css_class: str = "") -> str:
    classes = f"ll-icon {css_class}".strip()
    href = f"{static(SPRITE)}#{name}"
    if label:
        return format_html(
            '<svg class="{}" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>',
            classes,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', classes, href
    )


@register.simple_tag
def icon(name: str, label: str = "", css_class: str = "") -> str:
    """`{% icon "calendar" %}`, or `{% icon "bell" label=_("Notices") %}` for an icon alone."""
    return icon_html(name, label=label, css_class=css_class)


@register.simple_tag
def category_icon(category: str, label: str = "", css_class: str = "") -> str:
    """The icon of an activity category (`{% category_icon activity.category %}`)."""
    return icon_html(CATEGORY_ICONS.get(str(category), DEFAULT_CATEGORY_ICON), label=label, css_class=css_class)


@register.filter
def category_icon_name(category: str) -> str:
    """The sprite name for a category, for templates that build their own markup."""
    return CATEGORY_ICONS.get(str(category), DEFAULT_CATEGORY_ICON)


@register.simple_tag(takes_context=True)
def aria_current(context: template.Context, prefix: str, exact: bool = False) -> str:
    """` aria-current="page"` on the navigation link of the section the page belongs to."""
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    here = path == prefix if exact else path.startswith(prefix)
    return mark_safe(' aria-current="page"') if here else ""  # a constant: nothing to escape


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, url_name: str, label: str, testid: str = "", exact: bool = False) -> str:
    """A menu link to a named URL, marked current when the page is that URL or below it."""
    href = reverse(url_name)
    current = aria_current(context, href, exact=exact)
    testid_attr = format_html(' data-testid="{}"', testid) if testid else ""
    return format_html('<a href="{}"{}{}>{}</a>', href, current, testid_attr, label)


BADGE_ICONS = {
    "open": "check-circle-2",
    "full": "circle-x",
    "closed": "ban",
    "past": "history",
    "waitlist": "hourglass",
    "pending": "clock",
    "info": "info",
}


@register.filter
def badge_icon(kind: str) -> str:
    """The icon a status badge of this kind shows beside its words."""
    return BADGE_ICONS.get(str(kind), "info")


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int) -> str:
    """`?…&page=N` keeping the list's other parameters (search, filters) as they are."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    params["page"] = str(number)
    return "?" + params.urlencode()
