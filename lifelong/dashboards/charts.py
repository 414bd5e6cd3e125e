"""What each dashboard chart draws, as plain data for `{{ chart|json_script }}`.

The charts are decorative duplicates of the tables beside them (the tables are what screen
readers and exports use). `static/dashboards/charts.js` turns a spec into ECharts options:
`kind` bar or line, `horizontal`, `stacked`, `categories` along one axis and `series` of
`{name, values, axis}` (axis 1 is a second value axis on the right, or on top of horizontal
bars), `unit` for the labels (or `units`, one per axis), `max` (one per axis, null: automatic).
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .exports import percent
from .selectors import BreakdownRow, Dashboard

UNMET_SHOWN = 12  # the chart shows the largest gaps; the table lists them all


def _number(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _series(name: str, values: list, *, axis: int = 0) -> dict[str, Any]:
    return {"name": name, "values": [_number(v) for v in values], "axis": axis}


def breakdown_chart(rows: list[BreakdownRow]) -> dict[str, Any]:
    return {
        "kind": "bar",
        "horizontal": True,
        "categories": [row.label for row in rows],
        "series": [
            _series(_("Activities"), [row.activities for row in rows]),
            _series(_("Registrations"), [row.registrations for row in rows]),
        ],
    }


def _fine_percent(rate: float | None) -> float | None:
    """A participation rate in percent to three decimals: a county's rates are small (0.05 %),
    and rounded to one decimal their bars would all read 0."""
    return None if rate is None else round(rate * 100, 3)


def _rates_chart(rows: list[tuple[str, Any]]) -> dict[str, Any]:
    """Coverage (bottom axis) and participation (top axis, its own scale: its rates are a
    hundred times smaller, and on one scale their bars would not show) of named regions."""
    return {
        "kind": "bar",
        "horizontal": True,
        "units": ["%", "%"],
        "max": [100, None],  # coverage is a share: its scale ends at 100 %
        "categories": [name for name, _figures in rows],
        "series": [
            _series(_("Coverage (%)"), [percent(figures.coverage) for _name, figures in rows]),
            _series(
                _("Participation rate (%, top scale)"),
                [_fine_percent(figures.participation_rate) for _name, figures in rows],
                axis=1,
            ),
        ],
    }


def children_chart(dashboard: Dashboard) -> dict[str, Any]:
    return _rates_chart([(row.name, row.figures) for row in dashboard.children])


def unmet_chart(dashboard: Dashboard) -> dict[str, Any]:
    rows = dashboard.unmet_demand[:UNMET_SHOWN]
    return {
        "kind": "bar",
        "horizontal": True,
        "stacked": True,
        "categories": [f"{row.region_name} · {row.category_label}" for row in rows],
        "series": [
            _series(_("Waitlisted"), [row.waitlisted for row in rows]),
            _series(_("Refused"), [row.rejected for row in rows]),
        ],
    }


def trend_chart(dashboard: Dashboard) -> dict[str, Any]:
    rows = dashboard.trend
    return {
        "kind": "line",
        "categories": [row.month for row in rows],
        "series": [
            _series(_("Active learners"), [row.active_learners for row in rows]),
            _series(_("Attendances"), [row.attendances for row in rows]),
            _series(_("Registrations"), [row.registrations for row in rows]),
            _series(_("Learning hours"), [row.learning_hours for row in rows], axis=1),
        ],
    }


def dashboard_charts(dashboard: Dashboard) -> dict[str, dict[str, Any]]:
    return {
        "categories": breakdown_chart(dashboard.by_category),
        "audiences": breakdown_chart(dashboard.by_audience),
        "children": children_chart(dashboard),
        "unmet": unmet_chart(dashboard),
        "trend": trend_chart(dashboard),
    }


def open_data_chart(dashboard: Dashboard) -> dict[str, Any]:
    """Participation and coverage by town, the county's own figure first."""
    rows = [(dashboard.region.display_name, dashboard.figures)]
    rows += [(row.name, row.figures) for row in dashboard.children]
    return _rates_chart(rows)
