"""The dashboard's tables, for the files `lifelong.common.exports` writes (CSV and XLSX).

Every table is built from the `Dashboard` the page shows, never from raw records: aggregates of
regions, categories, audiences and months only. No column holds a person's name, phone number or
id, and text cells go through `safe_cell` so a region or label starting with "=" stays text.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from lifelong.common.exports import Column, Table
from lifelong.regions.choices import RegionLevel

from .selectors import Dashboard, Figures

TABLES = ("figures", "children", "categories", "audiences", "unmet", "trend")


def percent(rate: float | None) -> float | None:
    """A rate as a percentage with one decimal (12.3 for 0.1234); empty when undefined."""
    return None if rate is None else round(rate * 100, 1)


def per_head(hours: Decimal | None) -> Decimal | None:
    return None if hours is None else hours.quantize(Decimal("0.01"))


def level_label(level: str) -> str:
    return str(RegionLevel(level).label) if level in RegionLevel.values else level


def _same(value: Any) -> Any:
    return value


# Figures' fields as (field, column header, conversion), in the order the page shows them.
FIGURE_FIELDS: list[tuple[str, Any, Callable[[Any], Any]]] = [
    ("population", _("Population"), _same),
    ("registered_learners", _("Registered learners"), _same),
    ("active_learners", _("Active learners"), _same),
    ("participation_rate", _("Participation rate (%)"), percent),
    ("learning_hours", _("Learning hours"), _same),
    ("hours_per_head", _("Hours per head"), per_head),
    ("activities", _("Activities"), _same),
    ("sessions", _("Sessions"), _same),
    ("attendances", _("Attendances"), _same),
    ("expected_attendances", _("Expected attendances"), _same),
    ("attendance_rate", _("Attendance rate (%)"), percent),
    ("villages", _("Villages and communities"), _same),
    ("villages_with_activity", _("With an activity"), _same),
    ("coverage", _("Coverage (%)"), percent),
    ("registrations", _("Registrations"), _same),
    ("waitlisted", _("Waitlisted"), _same),
    ("rejected", _("Refused"), _same),
]
OPEN_DATA_FIELDS = (
    "population",
    "registered_learners",
    "active_learners",
    "participation_rate",
    "hours_per_head",
    "activities",
    "attendance_rate",
    "coverage",
)


def figure_columns(figures: Callable[[Any], Figures], fields: Iterable[str] | None = None) -> list[Column]:
    """Columns for Figures' `fields` (all by default), read from each row through `figures`."""
    wanted = set(fields) if fields is not None else None

    def reader(name: str, convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda row: convert(getattr(figures(row), name))

    return [
        Column(header, reader(name, convert))
        for name, header, convert in FIGURE_FIELDS
        if wanted is None or name in wanted
    ]


def _breakdown_columns(key_header: Any) -> list[Column]:
    return [
        Column(key_header, lambda row: row.label),
        Column(_("Code"), lambda row: row.key),
        Column(_("Activities"), lambda row: row.activities),
        Column(_("Registrations"), lambda row: row.registrations),
        Column(_("Attendances"), lambda row: row.attendances),
        Column(_("Learning hours"), lambda row: row.learning_hours),
        Column(_("Waitlisted"), lambda row: row.waitlisted),
        Column(_("Refused"), lambda row: row.rejected),
    ]


def dashboard_table(dashboard: Dashboard, name: str) -> Table:
    """One of the dashboard's tables by name (see TABLES); KeyError for any other name."""
    if name == "figures":
        columns = [
            Column(_("Region code"), lambda d: d.region.code),
            Column(_("Region"), lambda d: d.region_name or d.region.display_name),
            Column(_("Level"), lambda d: level_label(d.region.level)),
            Column(_("Period"), lambda d: d.period.label),
            *figure_columns(lambda d: d.figures),
        ]
        return Table(name, columns, [dashboard])
    if name == "children":
        columns = [
            Column(_("Region code"), lambda row: row.code),
            Column(_("Region"), lambda row: row.full_name),
            Column(_("Level"), lambda row: level_label(row.level)),
            *figure_columns(lambda row: row.figures),
        ]
        return Table(name, columns, list(dashboard.children))
    if name == "categories":
        return Table(name, _breakdown_columns(_("Category")), list(dashboard.by_category))
    if name == "audiences":
        return Table(name, _breakdown_columns(_("Audience")), list(dashboard.by_audience))
    if name == "unmet":
        columns = [
            Column(_("Region code"), lambda row: row.region_code),
            Column(_("Region"), lambda row: row.region_name),
            Column(_("Category"), lambda row: row.category_label),
            Column(_("Code"), lambda row: row.category),
            Column(_("Waitlisted"), lambda row: row.waitlisted),
            Column(_("Refused"), lambda row: row.rejected),
            Column(_("Unmet demand"), lambda row: row.waitlisted + row.rejected),
        ]
        return Table(name, columns, list(dashboard.unmet_demand))
    if name == "trend":
        columns = [
            Column(_("Month"), lambda row: row.month),
            Column(_("Active learners"), lambda row: row.active_learners),
            Column(_("Learning hours"), lambda row: row.learning_hours),
            Column(_("Attendances"), lambda row: row.attendances),
            Column(_("Registrations"), lambda row: row.registrations),
        ]
        return Table(name, columns, list(dashboard.trend))
    raise KeyError(name)


def open_data_table(dashboard: Dashboard) -> Table:
    """The public indicators: the county first, then each town (no personal data: totals)."""
    county = dashboard.region
    rows = [(county.code, county.display_name, county.level, dashboard.figures)]
    rows += [(row.code, row.full_name, row.level, row.figures) for row in dashboard.children]
    columns = [
        Column(_("Region code"), lambda row: row[0]),
        Column(_("Region"), lambda row: row[1]),
        Column(_("Level"), lambda row: level_label(row[2])),
        Column(_("Year"), lambda row: dashboard.period.label),
        *figure_columns(lambda row: row[3], OPEN_DATA_FIELDS),
    ]
    return Table("indicators", columns, rows)
