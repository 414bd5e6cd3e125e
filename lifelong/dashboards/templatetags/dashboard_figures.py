"""How the dashboard's figures read on a page: localised numbers, "—" where a rate is undefined
(a region without population or without expected attendance)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

UNDEFINED = "—"


@register.filter
def percent(rate: float | None) -> str:
    """0.1234 → "12.3%"; a rate above zero too small to show one decimal reads "<0.1%", not
    as if nobody took part."""
    if rate is None:
        return UNDEFINED
    if 0 < rate < 0.0005:
        return f"<{number_format(0.1, decimal_pos=1, use_l10n=True)}%"
    return f"{number_format(rate * 100, decimal_pos=1, use_l10n=True)}%"


@register.filter
def hours(value: Decimal | float | None, places: int = 1) -> str:
    """Hours with one decimal (or `places`), grouped by thousands: "12,345.5"."""
    if value is None:
        return UNDEFINED
    return number_format(value, decimal_pos=int(places), use_l10n=True, force_grouping=True)


@register.filter
def count(value: int | None) -> str:
    """A head count grouped by thousands, as county statistics print them."""
    if value is None:
        return UNDEFINED
    return number_format(value, use_l10n=True, force_grouping=True)
