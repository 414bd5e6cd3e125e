"""A dashboard's period: a month, a quarter or a year, as pages and the API name it."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.common.errors import InvalidInput

from ..models import PeriodKind

# Years a period may name: wide enough for records imported from long ago, narrow enough that
# every period's end is a valid date.
MIN_YEAR, MAX_YEAR = 1900, 2999
# A dashboard's trend: the twelve months up to the period's end.
TREND_MONTHS = 12

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")
# A period as the API reads it and its document says (a client generated from the document sends
# nothing else): one of the three forms above with ASCII digits, nothing around it, in MIN_YEAR to
# MAX_YEAR. The pages' forms are lenient (spaces around are dropped).
PERIOD_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})(-(0[1-9]|1[0-2])|-[Qq][1-4])?$"
_EXACT_PERIOD = re.compile(PERIOD_PATTERN, re.ASCII)
_MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year (county time). Parsed from "2026-11", "2026-Q4" or "2026";
    anything else raises InvalidInput(code="invalid_period", field="period")."""

    kind: str  # "month" | "quarter" | "year"
    start: date  # first day

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS_IN:
            raise ValueError(f"Unknown period kind {self.kind!r}")
        aligned = self.start.day == 1 and (self.start.month - 1) % _MONTHS_IN[self.kind] == 0
        if not aligned:
            raise ValueError(f"{self.start} does not begin a {self.kind}")

    @property
    def end(self) -> date:
        """The first day after the period."""
        return _add_months(self.start, _MONTHS_IN[self.kind])

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def __str__(self) -> str:
        return self.label

    def months(self) -> list["Period"]:
        """The months of the period, in order (a month's is itself)."""
        return [Period(PeriodKind.MONTH, _add_months(self.start, n)) for n in range(_MONTHS_IN[self.kind])]

    def trend_months(self) -> list["Period"]:
        """The twelve months ending with the period's last month, oldest first."""
        last = _add_months(self.end, -1)
        return [Period(PeriodKind.MONTH, _add_months(last, n - TREND_MONTHS + 1)) for n in range(TREND_MONTHS)]

    def previous(self) -> "Period":
        return Period(self.kind, _add_months(self.start, -_MONTHS_IN[self.kind]))

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as [start, end) instants, midnight to midnight in county time."""
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )

    @classmethod
    def parse(cls, value: str, *, exact: bool = False) -> "Period":
        """`exact` (the API) takes only what PERIOD_PATTERN matches."""
        text = value.strip() if isinstance(value, str) else ""
        if exact and not (isinstance(value, str) and _EXACT_PERIOD.fullmatch(value)):
            text = ""
        year = None
        if match := _MONTH.fullmatch(text):
            year, kind, month = int(match[1]), PeriodKind.MONTH, int(match[2])
        elif match := _QUARTER.fullmatch(text):
            year, kind, month = int(match[1]), PeriodKind.QUARTER, (int(match[2]) - 1) * 3 + 1
        elif match := _YEAR.fullmatch(text):
            year, kind, month = int(match[1]), PeriodKind.YEAR, 1
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            raise InvalidInput(
                _("Give the period as a month (2026-11), a quarter (2026-Q4) or a year (2026)."),
                code="invalid_period",
                field="period",
            )
        return cls(kind, date(year, month, 1))

    @classmethod
    def current(cls, kind: str, today: date | None = None) -> "Period":
        """The period of this kind that contains `today` (county time)."""
        today = today or timezone.localdate()
        if kind not in _MONTHS_IN:
            raise ValueError(f"Unknown period kind {kind!r}")
        span = _MONTHS_IN[kind]
        return cls(kind, date(today.year, (today.month - 1) // span * span + 1, 1))
