"""The dashboards as JSON, for the county's own reports and spreadsheets: the scoped dashboard
of a region for admins, and the public open-data indicators. The same figures as the console
and `/open-data/`, from the same rollups (aggregates only: no personal data)."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema

from lifelong.accounts.auth import BearerToken
from lifelong.common.api import CleanText, ErrorOut
from lifelong.regions.api import RegionRef

from . import selectors

router = Router(tags=["dashboards"])
bearer = BearerToken()


class FiguresOut(Schema):
    population: int
    registered_learners: int
    active_learners: int
    participation_rate: float | None = Field(description="active_learners ÷ population")
    learning_hours: Decimal
    hours_per_head: Decimal | None
    activities: int
    sessions: int
    attendances: int
    expected_attendances: int
    attendance_rate: float | None = Field(description="attendances ÷ expected_attendances")
    villages: int
    villages_with_activity: int
    coverage: float | None = Field(description="villages_with_activity ÷ villages")
    registrations: int
    waitlisted: int = Field(description="Registrations of the period that found no seat and joined the waitlist")
    rejected: int


class BreakdownOut(Schema):
    key: str
    label: str
    activities: int
    registrations: int
    attendances: int
    learning_hours: Decimal
    waitlisted: int
    rejected: int


class ChildOut(Schema):
    code: str
    name: str
    level: str
    figures: FiguresOut
    has_children: bool
    town: str = Field("", description="A village's or community's town (village names repeat across towns)")


class UnmetDemandOut(Schema):
    region_code: str
    region_name: str
    category: str
    category_label: str
    waitlisted: int
    rejected: int


class TrendOut(Schema):
    month: str
    active_learners: int
    learning_hours: Decimal
    attendances: int
    registrations: int


class DashboardOut(Schema):
    region: RegionRef
    period: str = Field(description='"2026-11", "2026-Q4" or "2026"')
    built_at: datetime | None = Field(description="When the figures were last built; null: never")
    figures: FiguresOut
    by_category: list[BreakdownOut]
    by_audience: list[BreakdownOut]
    children: list[ChildOut]
    unmet_demand: list[UnmetDemandOut]
    trend: list[TrendOut]

    @staticmethod
    def resolve_period(board: selectors.Dashboard) -> str:
        return board.period.label


class DashboardQuery(CleanText):
    region: str | None = Field(None, max_length=12, description="Region code; default: your own region")
    period: str | None = Field(None, max_length=7, description='"2026-11", "2026-Q4" or "2026"; default: this month')


class OpenDataQuery(CleanText):
    period: str | None = Field(None, max_length=7, description='"2026-11", "2026-Q4" or "2026"; default: this year')


def _period(value: str | None, default_kind: str) -> selectors.Period:
    return selectors.Period.parse(value) if value else selectors.Period.current(default_kind)


@router.get(
    "/dashboard",
    auth=bearer,
    response={200: DashboardOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Admins: the figures of a region in your scope for a period",
)
def dashboard(request, query: Query[DashboardQuery]):
    period = _period(query.period, "month")
    return selectors.dashboard_for(actor=request.user, region_code=query.region, period=period)


@router.get("/open-data", response={200: DashboardOut, 422: ErrorOut}, summary="The county's and towns' indicators")
def open_data(request, query: Query[OpenDataQuery]):
    return selectors.open_data(period=_period(query.period, "year"))
