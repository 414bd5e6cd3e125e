"""The period pickers of the console dashboard and the open-data page (GET forms)."""

from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifelong.common.errors import InvalidInput

from .selectors import Period

MONTHS_OFFERED = 24
QUARTERS_OFFERED = 8
YEARS_OFFERED = 6


def period_display(period: Period) -> str:
    """How a period reads on a page: "2026年11月", "2026年第4季度", "2026年"."""
    if period.kind == "month":
        return date_format(period.start, "YEAR_MONTH_FORMAT")
    if period.kind == "quarter":
        return _("%(year)d, quarter %(quarter)d") % {
            "year": period.start.year,
            "quarter": (period.start.month + 2) // 3,
        }
    return _("Year %(year)d") % {"year": period.start.year}


def _months_back(today: date, count: int) -> list[str]:
    labels, year, month = [], today.year, today.month
    for _step in range(count):
        labels.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels


def _quarters_back(today: date, count: int) -> list[str]:
    labels, year, quarter = [], today.year, (today.month + 2) // 3
    for _step in range(count):
        labels.append(f"{year}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return labels


def _years_back(today: date, count: int) -> list[str]:
    return [str(today.year - step) for step in range(count)]


class PeriodForm(forms.Form):
    """A month, a quarter or a year: one select grouped by kind, so the page needs no script.
    A period typed into the URL that the list does not offer (an older month) is offered too."""

    period = forms.CharField(label=gettext_lazy("Period"), widget=forms.Select)

    kinds = ("month", "quarter", "year")

    def __init__(self, data: dict, *, today: date):
        self.today = today
        default = Period.current(self.kinds[0], today).label
        super().__init__({"period": (data.get("period") or default).strip()[:16]})
        self.fields["period"].widget.choices = self._choices(self.data["period"])

    def _choices(self, asked: str) -> list[tuple[str, list[tuple[str, str]]]]:
        groups = {
            "month": (_("Months"), _months_back(self.today, MONTHS_OFFERED)),
            "quarter": (_("Quarters"), _quarters_back(self.today, QUARTERS_OFFERED)),
            "year": (_("Years"), _years_back(self.today, YEARS_OFFERED)),
        }
        try:
            wanted = Period.parse(asked)
        except InvalidInput:
            wanted = None
        choices = []
        for kind in self.kinds:
            title, labels = groups[kind]
            if wanted is not None and wanted.kind == kind and wanted.label not in labels:
                labels = sorted([*labels, wanted.label], reverse=True)
            choices.append((title, [(label, period_display(Period.parse(label))) for label in labels]))
        return choices

    def clean_period(self) -> Period:
        try:
            period = Period.parse(self.cleaned_data["period"])
        except InvalidInput as error:
            raise forms.ValidationError(error.detail, code=error.code) from error
        if period.kind not in self.kinds:
            raise forms.ValidationError(_("Choose a year."), code="invalid_period")
        return period


class YearForm(PeriodForm):
    """The open-data page publishes whole years."""

    period = forms.CharField(label=gettext_lazy("Year"), widget=forms.Select)

    kinds = ("year",)

    def _choices(self, asked: str) -> list[tuple[str, str]]:
        labels = _years_back(self.today, YEARS_OFFERED)
        try:
            wanted = Period.parse(asked)
        except InvalidInput:
            wanted = None
        if wanted is not None and wanted.kind == "year" and wanted.label not in labels:
            labels = sorted([*labels, wanted.label], reverse=True)
        return [(label, label) for label in labels]
