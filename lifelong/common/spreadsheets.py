"""CSV files that people open in a spreadsheet."""

from typing import Any

# A cell starting with one of these is a formula to Excel and WPS (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers and
    other values pass unchanged (so negative hours stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
