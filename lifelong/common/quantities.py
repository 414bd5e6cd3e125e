"""Hours, and other quantities the platform shows to a tenth, rounded in one place."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TENTH = Decimal("0.1")


def tenths(value: Any) -> Decimal:
    """A number the database worked out (a sum of hours, a mean score; None for no rows is 0)
    to a tenth. SQLite adds decimals as floating point (0.1 + 0.2 - 0.3 is 5.6e-17 there, 0 on
    PostgreSQL): str() first, so 12.299999999 becomes 12.3 and not 12.2999…, on every database."""
    return Decimal(str(value or 0)).quantize(TENTH)


def hours_to_tenth(value: Any) -> Decimal:
    """Hours someone gives (a form, an import, an adjustment) or a session's length comes to,
    kept to a tenth of an hour as the passport keeps them; halves go up (1.25 is 1.3)."""
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)
