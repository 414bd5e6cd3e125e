"""How the dashboard's figures read on a page: localised numbers, "—" where a rate is undefined
(a region without population or without expected attendance)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

UNDEFINED = "—"


@register.filter
def percent(rate: float | None) -> str:
    """0.1234 → "12.3%"; under 1 % two decimals (0.00061 → "0.06%": a county's participation
    is small, and "0.0%" would read as if nobody took part); a rate above zero too small even
    for that reads "<0.01%". Rounded here: number_format cuts decimals off, it does not round."""
    if rate is None:
        return UNDEFINED
    value = rate * 100
    if 0 < value < 0.005:
        return f"<{number_format(0.01, decimal_pos=2, use_l10n=True)}%"
    places = 2 if 0 < value < 1 else 1
    return f"{number_format(round(value, places), decimal_pos=places, use_l10n=True)}%"


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
