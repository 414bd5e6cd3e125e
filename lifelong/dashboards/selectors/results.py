"""What a dashboard reads as: headline figures, breakdowns, a row per region, unmet demand and
the trend."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lifelong.regions.models import Region

from .periods import Period


def with_town(name: str, town: str) -> str:
    return f"{town} · {name}" if town else name


@dataclass(frozen=True)
class Figures:
    """The headline figures of one region's subtree for one period."""

    population: int
    registered_learners: int  # learners living here with an account made before the period's end
    active_learners: int  # of them, those with learning hours in the period
    participation_rate: float | None  # active ÷ population (None when population is 0)
    learning_hours: Decimal  # the ledger's hours in the period (corrections included)
    hours_per_head: Decimal | None  # learning_hours ÷ population
    activities: int  # published or completed activities held here with a session in the period
    sessions: int
    attendances: int
    expected_attendances: int  # confirmed registrations × their activity's sessions in the period
    attendance_rate: float | None  # attendances ÷ expected_attendances
    villages: int
    villages_with_activity: int
    coverage: float | None  # villages_with_activity ÷ villages
    registrations: int  # made in the period, whatever became of them
    waitlisted: int  # of them, the ones that found no seat and joined the waitlist
    rejected: int  # of them, refused by the organizer


@dataclass(frozen=True)
class BreakdownRow:
    """Activities of one category (or for one audience) in the subtree and period."""

    key: str
    label: str
    activities: int
    registrations: int
    attendances: int
    learning_hours: Decimal
    waitlisted: int
    rejected: int


@dataclass(frozen=True)
class RegionRow:
    """One child region of the dashboard's region: the drill-down table."""

    code: str
    name: str  # display name in the page's language
    level: str
    figures: Figures
    has_children: bool
    town: str = ""  # a village's or community's town (names repeat across towns: 丰义村 ×3)

    @property
    def full_name(self) -> str:
        """The name that tells the region apart county-wide: "通元镇 · 丰义村" for a village."""
        return with_town(self.name, self.town)


@dataclass(frozen=True)
class UnmetDemandRow:
    """Where demand goes unmet: one child region × one category with waitlisted or rejected
    registrations in the period (sorted by waitlisted + rejected, most first). Activities run
    at the dashboard region's own level (a town's community school, the county's institutions)
    are listed under the dashboard region itself; a village's dashboard lists only itself."""

    region_code: str
    region_name: str  # with its town for a village ("通元镇 · 丰义村")
    category: str
    category_label: str
    waitlisted: int
    rejected: int
    # The row of the dashboard region itself (activities of its own institutions): its
    # activities page then leaves out the regions below, whose rows are their own.
    own_level: bool = False


@dataclass(frozen=True)
class TrendRow:
    """One month of the twelve ending with the period's last month."""

    month: str  # "2026-11"
    active_learners: int
    learning_hours: Decimal
    attendances: int
    registrations: int
    built: bool = True  # False: the month's rollups were never built (its figures read 0)


@dataclass(frozen=True)
class Dashboard:
    region: Region
    period: Period
    built_at: datetime | None  # when the rollups read were last built (None: never)
    figures: Figures
    by_category: list[BreakdownRow]
    by_audience: list[BreakdownRow]
    children: list[RegionRow]
    unmet_demand: list[UnmetDemandRow]
    trend: list[TrendRow]
    breadcrumb: list[Region]  # from the top of the actor's scope down to `region`
    region_name: str = ""  # the region's name, with its town for a village

    @property
    def trend_complete(self) -> bool:
        return all(row.built for row in self.trend)
