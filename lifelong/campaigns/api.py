"""The campaigns API (DESIGN §5): campaigns with live counters against targets, the proposals
their admins decide on, and the post-week report."""

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.accounts.auth import BearerToken
from lifelong.activities.choices import CampaignStatus
from lifelong.activities.models import Activity
from lifelong.activities.selectors import activity_managed
from lifelong.common.api import ErrorOut, Hours, InputSchema, IsoDate, PageQuery, decimal_number, paginate
from lifelong.common.errors import NotFound
from lifelong.regions.schemas import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import reports, selectors, services
from .models import Campaign, CampaignReport

router = Router(tags=["campaigns"])
bearer = BearerToken()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CountOut(Schema):
    value: int
    target: int | None


class HoursOut(Schema):
    value: Hours
    target: int | None


class CountersOut(Schema):
    activities: CountOut
    registrations: CountOut
    attendance: CountOut
    hours: HoursOut


class CampaignListOut(Schema):
    slug: str
    name: str
    name_en: str
    theme: str
    starts_on: dt.date
    ends_on: dt.date
    host_region: RegionRef


class CampaignOut(CampaignListOut):
    opening_event: str
    goals: str
    registration_cap: int | None
    targets: dict[str, int | None]
    counters: CountersOut

    @staticmethod
    def resolve_targets(campaign: Campaign) -> dict[str, int | None]:
        return {
            "activities": campaign.target_activities,
            "registrations": campaign.target_registrations,
            "attendance": campaign.target_attendance,
            "hours": campaign.target_hours,
        }


class CampaignPage(Schema):
    items: list[CampaignListOut]
    count: int


class CampaignIn(InputSchema):
    slug: str = Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=160)
    theme: str = Field("", max_length=200)
    starts_on: IsoDate
    ends_on: IsoDate
    host_region: str = Field(description="Region code of the host (the county, or a town)")
    opening_event: str = Field("", max_length=300)
    goals: str = Field("", max_length=300)
    target_activities: int | None = Field(None, ge=0, le=10_000_000)
    target_registrations: int | None = Field(None, ge=0, le=10_000_000)
    target_attendance: int | None = Field(None, ge=0, le=10_000_000)
    target_hours: int | None = Field(None, ge=0, le=10_000_000)
    registration_cap: int | None = Field(None, ge=1, le=1000)


class CampaignPatch(InputSchema):
    """Fields left out stay as they are; null is no value for the words and dates, only for the
    targets and the cap (none)."""

    name: str = Field(None, min_length=1, max_length=120)
    name_en: str = Field(None, max_length=160)
    theme: str = Field(None, max_length=200)
    starts_on: IsoDate = None
    ends_on: IsoDate = None
    opening_event: str = Field(None, max_length=300)
    goals: str = Field(None, max_length=300)
    target_activities: int | None = Field(None, ge=0, le=10_000_000)
    target_registrations: int | None = Field(None, ge=0, le=10_000_000)
    target_attendance: int | None = Field(None, ge=0, le=10_000_000)
    target_hours: int | None = Field(None, ge=0, le=10_000_000)
    registration_cap: int | None = Field(None, ge=1, le=1000)


class ProposalOut(Schema):
    id: int
    title: str
    institution: str
    status: str
    campaign_status: str
    first_session: dt.datetime | None

    @staticmethod
    def resolve_institution(activity: Activity) -> str:
        return activity.institution.name


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int


class ProposalQuery(PageQuery):
    status: CampaignStatus | None = None


# The report's figures as kept when it was generated (stored with counts and hours as text, so
# they are read back through these schemas and answered as numbers).


class ReportTotalsOut(Schema):
    activities: CountOut
    registrations: CountOut
    attendance: CountOut
    hours: HoursOut
    learners: int = Field(description="Different learners who attended")
    sessions: int
    towns: int = Field(description="Towns with an activity in the programme")


class ReportRowOut(Schema):
    key: str = Field(description="The audience or category")
    activities: int
    registrations: int
    attendance: int
    hours: Hours


class ReportTownOut(ReportRowOut):
    key: str = Field(description="The town's region code; empty for the county's own institutions")
    name: str
    name_en: str
    hours_per_thousand: decimal_number(1, "Learning hours per thousand residents, to one decimal place") | None


class ReportActivityOut(Schema):
    activity: int
    title: str
    title_en: str
    attendance: int
    registrations: int


class TownNameOut(Schema):
    name: str
    name_en: str


class ReportLearnerOut(Schema):
    name: str = Field(description="Masked: the report is public")
    town: TownNameOut
    hours: Hours


class ReportHighlightsOut(Schema):
    most_attended: list[ReportActivityOut]
    top_learners: list[ReportLearnerOut] = Field(description="Learning-star candidates")
    best_town: ReportTownOut | None = Field(description="The most learning hours per thousand residents")
    targets_met: list[str] = Field(description="The counters that reached their target")


class ReportFiguresOut(Schema):
    totals: ReportTotalsOut
    by_town: list[ReportTownOut]
    by_audience: list[ReportRowOut]
    by_category: list[ReportRowOut]
    highlights: ReportHighlightsOut


class ReportOut(Schema):
    campaign: str
    generated_at: dt.datetime
    figures: ReportFiguresOut

    @staticmethod
    def resolve_campaign(report: CampaignReport) -> str:
        return report.campaign.slug


def _public(slug: str) -> Campaign:
    campaign = selectors.campaign_get(slug=slug)
    if campaign is None:
        raise NotFound()
    return campaign


def _run_by(request, slug: str) -> Campaign:
    """A campaign the caller runs (admin of its host region); any other answers 404."""
    campaign = selectors.campaign_staff_list(actor=request.user).filter(slug=slug).first()
    if campaign is None:
        raise NotFound()
    return campaign


@router.get("/campaigns", response=CampaignPage, summary="Campaigns, the latest first")
def campaign_list(request, query: Query[PageQuery]):
    return paginate(selectors.campaign_list(), query)


@router.post("/campaigns", auth=bearer, response={201: CampaignOut, **ERRORS}, summary="Create a campaign")
def campaign_create(request, body: CampaignIn):
    """Admins create a campaign hosted by a region in their scope (404 `not_found` otherwise)."""
    host = region_get_by_code(body.host_region)
    if host is None or host.level == "village":
        raise NotFound(field="host_region")
    campaign = services.campaign_create(actor=request.user, **{**body.model_dump(), "host_region": host})
    campaign.counters = selectors.campaign_counters(campaign=campaign)
    return Status(201, campaign)


@router.get("/campaigns/{slug}", response={200: CampaignOut, 404: ErrorOut}, summary="A campaign and its counters")
def campaign_detail(request, slug: str):
    """Public: the campaign, and live counts of the activities in its programme, their
    registrations, attendances and learning hours, each beside its target (null: none set)."""
    campaign = _public(slug)
    campaign.counters = selectors.campaign_counters(campaign=campaign)
    return campaign


@router.patch("/campaigns/{slug}", auth=bearer, response={200: CampaignOut, **ERRORS}, summary="Change a campaign")
def campaign_update(request, slug: str, body: CampaignPatch):
    campaign = _run_by(request, slug)
    changes = body.model_dump(exclude_unset=True)
    campaign = services.campaign_update(actor=request.user, campaign=campaign, **changes)
    campaign.counters = selectors.campaign_counters(campaign=campaign)
    return campaign


@router.get(
    "/campaigns/{slug}/proposals",
    auth=bearer,
    response={200: ProposalPage, **ERRORS},
    summary="Activities proposed for a campaign",
)
def campaign_proposals(request, slug: str, query: Query[ProposalQuery]):
    campaign = _run_by(request, slug)
    return paginate(selectors.campaign_activities(campaign=campaign, status=query.status), query)


class ProposalIn(InputSchema):
    activity: int


@router.post(
    "/campaigns/{slug}/proposals",
    auth=bearer,
    response={201: ProposalOut, **ERRORS},
    summary="Propose an activity for a campaign",
)
def proposal_create(request, slug: str, body: ProposalIn):
    """Organizers propose an activity they manage; it joins the programme when an admin of the
    host region accepts it (their own proposals join at once)."""
    campaign = _public(slug)
    activity = activity_managed(actor=request.user, activity_id=body.activity)
    if activity is None:
        raise NotFound(field="activity")
    services.campaign_propose(actor=request.user, activity=activity, campaign=campaign)
    return Status(201, selectors.campaign_activities(campaign=campaign).get(pk=activity.pk))


def _decide(request, slug: str, activity_id: int, *, accept: bool) -> Activity:
    campaign = _run_by(request, slug)
    activity = Activity.objects.filter(pk=activity_id, campaign=campaign).first()
    if activity is None:
        raise NotFound()
    services.campaign_proposal_decide(actor=request.user, activity=activity, accept=accept)
    return selectors.campaign_activities(campaign=campaign).get(pk=activity.pk)


@router.post(
    "/campaigns/{slug}/proposals/{activity_id}/accept",
    auth=bearer,
    response={200: ProposalOut, **ERRORS},
    summary="Take a proposed activity into the programme",
)
def proposal_accept(request, slug: str, activity_id: int):
    return _decide(request, slug, activity_id, accept=True)


@router.post(
    "/campaigns/{slug}/proposals/{activity_id}/decline",
    auth=bearer,
    response={200: ProposalOut, **ERRORS},
    summary="Leave a proposed activity out of the programme",
)
def proposal_decline(request, slug: str, activity_id: int):
    return _decide(request, slug, activity_id, accept=False)


@router.get("/campaigns/{slug}/report", response={200: ReportOut, 404: ErrorOut}, summary="The post-week report")
def campaign_report(request, slug: str):
    """Public: the report as generated; 404 `not_found` until there is one."""
    report = CampaignReport.objects.select_related("campaign").filter(campaign=_public(slug)).first()
    if report is None:
        raise NotFound()
    return report


@router.post(
    "/campaigns/{slug}/report",
    auth=bearer,
    response={201: ReportOut, **ERRORS},
    summary="Generate the report now",
    description="Admins over the host region, once the campaign's last day has passed (county time); "
    "before that 409 `campaign_not_ended`, and nothing is written.",
)
def campaign_report_generate(request, slug: str):
    return Status(201, reports.campaign_report_generate(campaign=_run_by(request, slug), actor=request.user))
