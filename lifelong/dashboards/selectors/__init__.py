"""Reads for the dashboards: one region's subtree, one period, from the rollup tables only.

`dashboard_for` and `open_data` read the rollups (see `models`) and the regions, never the raw
registrations, attendances or ledger entries, and run a fixed number of queries whatever the
county's size (pinned by a test): the actor's grants, the region, its ancestors and subtree,
one grouped sum over each rollup table for the period, one for each over the twelve trend
months, and the period's last build. They do not build anything: a period whose rollups were
never built reads as zeros with `built_at` None, and the task worker (`tasks`) or
`manage.py dashboards_refresh` builds them. Names and labels come in the active language.

Modules: `periods` (a month, quarter or year), `results` (what a dashboard holds), `scope`
(whose dashboard; `dashboard_for`, `open_data`) and `rollups` (reading the rollup tables).
"""

from .periods import PERIOD_PATTERN, Period
from .results import BreakdownRow, Dashboard, Figures, RegionRow, TrendRow, UnmetDemandRow, with_town
from .scope import dashboard_for, open_data

__all__ = [
    "PERIOD_PATTERN",
    "BreakdownRow",
    "Dashboard",
    "Figures",
    "Period",
    "RegionRow",
    "TrendRow",
    "UnmetDemandRow",
    "dashboard_for",
    "open_data",
    "with_town",
]
