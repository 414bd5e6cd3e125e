"""The dashboards as JSON, for the county's own reports and spreadsheets: the scoped dashboard
of a region for admins, and the public open-data indicators. The same figures as the console
and `/open-data/`, from the same rollups (aggregates only: no personal data)."""

from datetime import datetime

from django.conf import settings
from ninja import Field, Query, Router, Schema

from lifelong.accounts.auth import BearerToken
from lifelong.common.api import CleanText, ErrorOut, Hours, PageQuery, decimal_number
from lifelong.regions.schemas import RegionRef

from . import selectors, unmet

router = Router(tags=["dashboards"])
bearer = BearerToken()
# A period in a query: empty is the default, as if left out.
PERIOD_PARAMETER_PATTERN = rf"^$|{selectors.PERIOD_PATTERN}"
HoursPerHead = decimal_number(2, "Hours per resident: a number with two decimal places")


class FiguresOut(Schema):
    population: int
    registered_learners: int
    active_learners: int
    participation_rate: float | None = Field(description="active_learners ÷ population")
    learning_hours: Hours = Field(description="Learning hours in the period, to one decimal place")
    hours_per_head: HoursPerHead | None = Field(description="learning_hours ÷ population, to two decimal places")
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
    learning_hours: Hours
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
    own_level: bool = Field(
        description="The row of the region itself (its own institutions); others cover a child region's subtree. "
        "Pass it as `own` to /dashboard/unmet-demand for the activities behind the row."
    )


class TrendOut(Schema):
    month: str
    active_learners: int
    learning_hours: Hours
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
    period: str | None = Field(
        None,
        max_length=7,
        description='"2026-11", "2026-Q4" or "2026"; default: this month',
        json_schema_extra={"pattern": PERIOD_PARAMETER_PATTERN},
    )


class OpenDataQuery(CleanText):
    period: str | None = Field(
        None,
        max_length=7,
        description='"2026-11", "2026-Q4" or "2026"; default: this year',
        json_schema_extra={"pattern": PERIOD_PARAMETER_PATTERN},
    )


def _period(value: str | None, default_kind: str) -> selectors.Period:
    return selectors.Period.parse(value, exact=True) if value else selectors.Period.current(default_kind)


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


class UnmetActivityRef(Schema):
    id: int
    title: str
    status: str
    category: str


class UnmetInstitutionRef(Schema):
    id: int
    name: str


class UnmetActivityOut(Schema):
    activity: UnmetActivityRef
    institution: UnmetInstitutionRef
    starts_at: datetime | None = Field(description="The first session")
    next_starts_at: datetime | None = Field(description="The first session still to begin; null: none")
    waitlisted: int = Field(description="Registrations made in the period that found no seat and joined the waitlist")
    rejected: int = Field(description="Registrations made in the period that the organizer refused")
    still_waiting: int = Field(description="Registrations on the waitlist or offered a seat now")
    may_copy: bool = Field(description="You may copy it as a new draft: POST /activities/{id}/copy")

    @staticmethod
    def resolve_activity(row: unmet.UnmetActivityRow) -> dict:
        a = row.activity
        return {"id": a.pk, "title": a.display_title, "status": a.status, "category": a.category}

    @staticmethod
    def resolve_institution(row: unmet.UnmetActivityRow) -> dict:
        return {"id": row.activity.institution_id, "name": row.activity.institution.display_name}

    @staticmethod
    def resolve_starts_at(row: unmet.UnmetActivityRow) -> datetime | None:
        return row.activity.starts_at


class UnmetDemandPageOut(Schema):
    region: RegionRef
    category: str
    period: str
    own_level: bool
    waitlisted: int = Field(description="Totals over every activity listed (the dashboard row's figures)")
    rejected: int
    items: list[UnmetActivityOut]
    count: int


class UnmetDemandQuery(PageQuery):
    region: str = Field(max_length=12, description="Region code (its subtree, or with own=true its own level)")
    category: str = Field(max_length=20)
    own: bool = Field(False, description="Only the region's own institutions (a row with own_level true)")
    period: str | None = Field(
        None,
        max_length=7,
        description='"2026-11", "2026-Q4" or "2026"; default: this month',
        json_schema_extra={"pattern": PERIOD_PARAMETER_PATTERN},
    )


@router.get(
    "/dashboard/unmet-demand",
    auth=bearer,
    response={200: UnmetDemandPageOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Admins: the activities behind one unmet-demand row of the dashboard, most unmet first",
)
def unmet_demand(request, query: Query[UnmetDemandQuery]):
    demand = unmet.unmet_demand_activities(
        actor=request.user,
        region_code=query.region,
        category=query.category,
        period=_period(query.period, "month"),
        own_level=query.own,
        limit=None,
    )
    size = min(query.page_size, settings.API_PAGE_SIZE_MAX)
    start = (query.page - 1) * size
    return {
        "region": demand.region,
        "category": demand.category,
        "period": demand.period.label,
        "own_level": demand.own_level,
        "waitlisted": demand.waitlisted,
        "rejected": demand.rejected,
        "items": demand.rows[start : start + size],
        "count": demand.activities,
    }
