"""The community API: brand programmes with their figures, learning teams, and joining them."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.accounts.auth import BearerToken, OptionalBearerToken
from lifelong.common.api import ErrorOut, Hours, PageQuery, PersonRef, paginate
from lifelong.common.errors import NotFound
from lifelong.institutions.schemas import InstitutionRef
from lifelong.regions.models import Region
from lifelong.regions.schemas import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import policy, records, selectors, services
from .choices import Level, TeamKind
from .models import Programme, Team

router = Router(tags=["community"])
bearer = BearerToken()
optional_bearer = OptionalBearerToken()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = region_get_by_code(code)
    if region is None:
        raise NotFound(field="region")
    return region


class ProgrammeOut(Schema):
    slug: str
    name: str
    name_en: str
    town: RegionRef
    institution: InstitutionRef | None
    level: str
    started_year: int
    ended_year: int | None = Field(description="null: still running")


class ProgrammeFiguresOut(Schema):
    activities: int
    people_served: int = Field(
        description="Distinct learners with a confirmed registration on, or a check-in at, its activities"
    )
    attendance: int
    hours: Hours = Field(description="Learning hours its activities gave, to one decimal place")


class ProgrammeDetailOut(ProgrammeOut):
    story: str
    story_en: str
    figures: ProgrammeFiguresOut


class ProgrammePage(Schema):
    items: list[ProgrammeOut]
    count: int


class ProgrammeQuery(PageQuery):
    region: str | None = Field(None, max_length=12, description="Region code; its whole subtree")
    level: Level | None = None


@router.get("/programmes", response={200: ProgrammePage, 404: ErrorOut, 422: ErrorOut}, summary="Brand programmes")
def programme_list(request, query: Query[ProgrammeQuery]):
    programmes = selectors.programme_public_list(region=_region(query.region), level=query.level)
    return paginate(programmes, query)


@router.get(
    "/programmes/{slug}", response={200: ProgrammeDetailOut, 404: ErrorOut}, summary="A programme and its figures"
)
def programme_detail(request, slug: str):
    """Public: the programme, and what its published and completed activities achieved,
    counted from the raw records (see `records.programme_figures`)."""
    programme: Programme | None = selectors.programme_get(slug=slug)
    if programme is None:
        raise NotFound()
    programme.figures = records.programme_figures(programme=programme)
    return programme


class LeaderOut(Schema):
    name: str


class TeamOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    region: RegionRef
    leader: LeaderOut
    member_count: int
    founded_year: int | None


class TeamDetailOut(TeamOut):
    description: str
    description_en: str
    institution: InstitutionRef | None
    is_active: bool


class TeamPage(Schema):
    items: list[TeamOut]
    count: int


class TeamQuery(PageQuery):
    region: str | None = Field(None, max_length=12, description="Region code; its whole subtree")
    kind: TeamKind | None = None


@router.get("/teams", response={200: TeamPage, 404: ErrorOut, 422: ErrorOut}, summary="Learning teams")
def team_list(request, query: Query[TeamQuery]):
    return paginate(selectors.team_public_list(region=_region(query.region), kind=query.kind), query)


def _actor(request):
    return request.user if request.user.is_authenticated else None


def _team(request, team_id: int) -> Team:
    team = selectors.team_visible(actor=_actor(request), team_id=team_id)
    if team is None:
        raise NotFound()
    return team


@router.get(
    "/teams/{team_id}", auth=optional_bearer, response={200: TeamDetailOut, **ERRORS}, summary="A learning team"
)
def team_detail(request, team_id: int):
    """Public for active teams; an inactive one only for its leader and the staff in scope."""
    return _team(request, team_id)


class MembershipOut(Schema):
    id: int
    status: str


class MembershipItemOut(MembershipOut):
    person: PersonRef
    requested_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_person(membership):
        return membership.user


class MembershipPage(Schema):
    items: list[MembershipItemOut]
    count: int


@router.post(
    "/teams/{team_id}/join", auth=bearer, response={201: MembershipOut, **ERRORS}, summary="Ask to join a team"
)
def team_join(request, team_id: int):
    """The leader is told and decides; 409 `already_member` while a request or membership is open."""
    membership = services.team_join_request(actor=request.user, team=_team(request, team_id))
    return Status(201, membership)


@router.post(
    "/teams/{team_id}/leave",
    auth=bearer,
    response={200: MembershipOut, **ERRORS},
    summary="Leave a team, or withdraw a request",
)
def team_leave(request, team_id: int):
    return services.team_leave(actor=request.user, team=_team(request, team_id))


@router.get(
    "/teams/{team_id}/memberships",
    auth=bearer,
    response={200: MembershipPage, **ERRORS},
    summary="The leader and staff in scope: members and requests waiting",
)
def team_memberships(request, team_id: int, query: Query[PageQuery]):
    team = _team(request, team_id)
    if not policy.may_see_members(request.user, team):
        raise NotFound()
    return paginate(selectors.team_members(actor=request.user, team=team), query)


def _decide(request, membership_id: int, approve: bool):
    membership = selectors.membership_for_decision(actor=request.user, membership_id=membership_id)
    if membership is None:
        raise NotFound()
    return services.team_membership_decide(actor=request.user, membership=membership, approve=approve)


@router.post(
    "/memberships/{membership_id}/approve", auth=bearer, response={200: MembershipOut, **ERRORS}, summary="Let in"
)
def membership_approve(request, membership_id: int):
    return _decide(request, membership_id, True)


@router.post(
    "/memberships/{membership_id}/decline", auth=bearer, response={200: MembershipOut, **ERRORS}, summary="Decline"
)
def membership_decline(request, membership_id: int):
    return _decide(request, membership_id, False)
