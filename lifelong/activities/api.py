"""The activities API (DESIGN §5): catalogue, workflow, registrations and rosters."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from lifelong.accounts.auth import BearerToken, OptionalBearerToken
from lifelong.accounts.models import User
from lifelong.campaigns.models import Campaign
from lifelong.common.api import (
    CountyDateTime,
    ErrorOut,
    Hours,
    HoursIn,
    InputSchema,
    IsoDate,
    PageQuery,
    StatusOut,
    paginate,
)
from lifelong.common.errors import InvalidInput, NotFound
from lifelong.community.models import Programme, Team
from lifelong.institutions.api import InstitutionRef, VenueRef
from lifelong.institutions.models import Institution, Venue
from lifelong.institutions.services import BOOKING_MAX_LENGTH
from lifelong.regions.api import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import checkin, desk, selectors, services
from .choices import Audience, CampaignStatus, Category, CheckinMethod, RegistrationChannel
from .models import Activity, Session
from .session_times import SESSION_MAX_AHEAD, SESSION_MAX_LENGTH, SESSION_PAST_TOLERANCE

router = Router(tags=["activities"])
bearer = BearerToken()
optional_bearer = OptionalBearerToken()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# A session's time in a request: written-out text only, no offset read as county time. Its range
# is the service's to check (lifelong.activities.session_times).
SessionTime = CountyDateTime
SESSION_TIME_REFUSALS = (
    "A new or moved session ends after it starts (422 `invalid_period`), lasts at most "
    f"{SESSION_MAX_LENGTH.total_seconds() / 3600:g} hours (`session_too_long`), starts at most "
    f"{SESSION_PAST_TOLERANCE.days} days ago (`session_in_past`) and at most {SESSION_MAX_AHEAD.days} days "
    f"ahead (`session_too_far_ahead`); its room is booked for at most {BOOKING_MAX_LENGTH.days} days "
    "(`booking_too_long`). Times are ISO 8601 text (a number is 422 `invalid`)."
)


class SessionIn(InputSchema):
    starts_at: SessionTime
    ends_at: SessionTime
    venue: int | None = None


class ActivityIn(InputSchema):
    """A draft activity. Cover pictures are not uploaded through the API: organizers add them
    on the activity's console page."""

    title: str = Field(min_length=1, max_length=120)
    title_en: str = Field("", max_length=160)
    summary: str = Field("", max_length=5000)
    description: str = Field(
        "",
        max_length=20_000,
        description="HTML; cleaned to the same allow-list as news articles (paragraphs, headings, lists, "
        "emphasis, links; no scripts, styles, event handlers or outside pictures) before it is stored",
    )
    description_en: str = Field("", max_length=20_000, description="The description in English, cleaned the same way")
    contact_phone: str = Field(
        "",
        max_length=20,
        description="A mainland mobile number or a landline with its area code (0573-86121234); stored as digits "
        "and a dash; empty: learners see the organizer's number",
    )
    category: Category
    audiences: list[Audience] = Field(default_factory=lambda: [Audience.ALL], min_length=1, max_length=7)
    institution: int
    venue: int | None = None
    capacity: int = Field(ge=1, le=100_000)
    reserved_offline: int = Field(0, ge=0, le=100_000)
    registration_opens: CountyDateTime
    registration_closes: CountyDateTime
    requires_approval: bool = False
    waitlist: bool = True
    offer_hours: int = Field(24, ge=0, le=720)
    hours: HoursIn = Field(Decimal("0"))
    certificate: bool = False
    completion_share: int = Field(80, ge=1, le=100)
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)
    residents_of: str | None = Field(None, description="Region code; its whole subtree may register")
    campaign: str | None = Field(None, max_length=80, description="Slug of the campaign the activity joins")
    programme: str | None = Field(
        None,
        max_length=80,
        description="Slug of the brand programme it belongs to: one of the organizer's town, or run by the organizer",
    )
    team: int | None = Field(
        None, description="Id of the learning team running it: in the organizer's area or led by you"
    )
    sessions: list[SessionIn] = Field(min_length=1, max_length=200)
    over_venue_capacity: bool = Field(
        False,
        description="Admins whose area covers the organizer: allow a capacity above the venue's seats "
        "(otherwise 422 `over_venue_capacity`)",
    )


class SessionPatchIn(SessionIn):
    id: int | None = Field(None, description="A session of this activity to keep (and move); none: a new session")
    venue: int | None = Field(
        None,
        description="Left out: the session keeps its venue (one held at the activity's venue follows it); "
        "null: online or to be announced",
    )


class ActivityPatchIn(InputSchema):
    """Any of the fields set at creation; those left out stay as they are. The organizer
    institution cannot change. `sessions`, when given, is the full list: sessions named by `id`
    are kept (and moved), ones without `id` added, the rest removed."""

    title: str = Field(None, min_length=1, max_length=120)
    title_en: str = Field(None, max_length=160)
    summary: str = Field(None, max_length=5000)
    description: str = Field(None, max_length=20_000, description="HTML, cleaned as on creation")
    description_en: str = Field(None, max_length=20_000)
    contact_phone: str = Field(None, max_length=20)
    category: Category = None
    audiences: list[Audience] = Field(None, min_length=1, max_length=7)
    venue: int | None = None
    capacity: int = Field(None, ge=1, le=100_000)
    reserved_offline: int = Field(None, ge=0, le=100_000)
    registration_opens: CountyDateTime = None
    registration_closes: CountyDateTime = None
    requires_approval: bool = None
    waitlist: bool = None
    offer_hours: int = Field(None, ge=0, le=720)
    hours: HoursIn = Field(None)
    certificate: bool = None
    completion_share: int = Field(None, ge=1, le=100)
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)
    residents_of: str | None = Field(None, description="Region code; null: anyone")
    campaign: str | None = Field(None, max_length=80, description="Campaign slug; null: none")
    programme: str | None = Field(None, max_length=80, description="Programme slug; null: none")
    team: int | None = Field(None, description="Team id; null: none")
    sessions: list[SessionPatchIn] = Field(None, min_length=1, max_length=200)
    over_venue_capacity: bool = Field(
        False, description="Admins whose area covers the organizer: allow a capacity above the venue's seats"
    )


class CopyIn(InputSchema):
    """Where the copy's sessions go: shifted by `offset_days`, or so the first starts at
    `first_starts_at`; neither: the same weekday and time, the week after the original's last
    session (and not in the past). The registration window moves by the same shift."""

    offset_days: int | None = Field(None, ge=-3650, le=3650)
    first_starts_at: SessionTime | None = None

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """The document says what `activity_copy` refuses: both a shift and a first start."""
        schema = handler(core_schema)
        handler.resolve_ref_schema(schema)["not"] = {
            "required": ["offset_days", "first_starts_at"],
            "properties": {"offset_days": {"not": {"type": "null"}}, "first_starts_at": {"not": {"type": "null"}}},
        }
        return schema


class SessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    venue: VenueRef | None


class ActivityOut(Schema):
    id: int
    title: str
    title_en: str
    category: str
    audiences: list[str]
    region: RegionRef
    starts_at: datetime | None
    next_starts_at: datetime | None = Field(None, description="The next session not yet ended; null once it is over")
    capacity: int
    seats_left: int
    status: str
    campaign: str | None = None

    @staticmethod
    def resolve_campaign(activity: Activity) -> str | None:
        """The campaign whose programme holds the activity (a mere proposal is not shown)."""
        return activity.campaign.slug if activity.campaign_status == CampaignStatus.ACCEPTED else None

    @staticmethod
    def resolve_next_starts_at(activity: Activity) -> datetime | None:
        if hasattr(activity, "next_starts_at"):  # the catalogue's annotation
            return activity.next_starts_at
        now = timezone.now()  # one activity: its prefetched sessions
        return min((s.starts_at for s in activity.sessions.all() if s.ends_at > now), default=None)

    @staticmethod
    def resolve_region(activity: Activity):
        return activity.institution.region

    @staticmethod
    def resolve_audiences(activity: Activity) -> list[str]:
        return activity.audience_list


class ProgrammeRef(Schema):
    slug: str
    name: str
    name_en: str


class TeamRef(Schema):
    id: int
    name: str
    name_en: str


class ActivityDetailOut(ActivityOut):
    summary: str
    institution: InstitutionRef
    programme: ProgrammeRef | None
    team: TeamRef | None
    reserved_offline: int
    registration_opens: datetime
    registration_closes: datetime
    requires_approval: bool
    waitlist: bool
    offer_hours: int
    hours: Hours = Field(description="Learning hours per session, to one decimal place")
    certificate: bool
    completion_share: int
    min_age: int | None
    max_age: int | None
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(activity: Activity):
        return list(activity.sessions.all())


class ActivityPage(Schema):
    items: list[ActivityOut]
    count: int


class CatalogueQuery(PageQuery):
    q: str = Field("", max_length=50)
    region: str | None = None
    category: Category | None = None
    audience: Audience | None = None
    campaign: str | None = Field(None, max_length=80)
    available: bool | None = Field(
        None,
        description="Only activities a learner can register for online now: still to come, inside the "
        "registration window, with a seat open to online registration",
    )
    when: Literal["coming", "past"] = Field(
        "coming",
        description="coming (the default): activities with a session not yet ended, by their next session; "
        "past: the rest, the latest first",
    )
    date_from: IsoDate | None = Field(None, description="Activities with a session on or after this day")
    date_to: IsoDate | None = Field(None, description="Activities with a session on or before this day")


def _institution_for(actor: User, institution_id: int) -> Institution:
    institution = Institution.objects.select_related("region").filter(pk=institution_id).first()
    if institution is None or not services.may_manage_activities_of(actor, institution):
        raise NotFound(field="institution")
    return institution


def _campaign(slug: str) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise NotFound(field="campaign")
    return campaign


def _programme(slug: str) -> Programme:
    programme = Programme.objects.select_related("town").filter(slug=slug).first()
    if programme is None:
        raise NotFound(field="programme")
    return programme


def _team(team_id: int) -> Team:
    team = Team.objects.select_related("region").filter(pk=team_id).first()
    if team is None:
        raise NotFound(field="team")
    return team


def _region(code: str):
    region = region_get_by_code(code)
    if region is None:
        raise NotFound(field="residents_of")
    return region


def _venue(venue_id: int | None) -> Venue | None:
    if venue_id is None:
        return None
    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(field="venue")
    return venue


@router.post(
    "/activities",
    auth=bearer,
    response={201: StatusOut, **ERRORS},
    summary="Create a draft activity",
    description=SESSION_TIME_REFUSALS,
)
def activity_create(request, body: ActivityIn):
    data = body.model_dump(
        exclude={
            "institution",
            "venue",
            "residents_of",
            "campaign",
            "programme",
            "team",
            "sessions",
            "over_venue_capacity",
        }
    )
    residents_of = _region(body.residents_of) if body.residents_of else None
    activity = services.activity_create(
        actor=request.user,
        institution=_institution_for(request.user, body.institution),
        venue=_venue(body.venue),
        residents_of=residents_of,
        campaign=_campaign(body.campaign) if body.campaign else None,
        programme=_programme(body.programme) if body.programme else None,
        team=_team(body.team) if body.team is not None else None,
        sessions=[{"starts_at": s.starts_at, "ends_at": s.ends_at, "venue": _venue(s.venue)} for s in body.sessions],
        over_venue_capacity=body.over_venue_capacity,
        **data,
    )
    return Status(201, {"id": activity.pk, "status": activity.status})


def _managed(request, activity_id: int) -> Activity:
    activity = selectors.activity_managed(actor=request.user, activity_id=activity_id)
    if activity is None:
        raise NotFound()
    return activity


# The references a change may name, read from the body as on creation (null clears them).
_REFERENCES = {
    "venue": _venue,
    "residents_of": lambda code: _region(code) if code else None,
    "campaign": lambda slug: _campaign(slug) if slug else None,
    "programme": lambda slug: _programme(slug) if slug else None,
    "team": lambda team_id: _team(team_id) if team_id is not None else None,
}


@router.patch(
    "/activities/{activity_id}",
    auth=bearer,
    response={200: ActivityDetailOut, **ERRORS},
    summary="Change an activity (organizer or admin in scope); learners are told of a new time or place",
    description="Any subset of the fields set at creation (others: 422). 409 `capacity_below_taken` when "
    "fewer seats than are taken; 422 `over_venue_capacity` above the venue's seats (an admin may send "
    "`over_venue_capacity: true`); 409 `venue_booked` when a room is taken at a new time; 409 "
    "`session_has_checkins` for removing a session someone attended; 409 `invalid_transition` once "
    "cancelled or completed. " + SESSION_TIME_REFUSALS + " More seats go to the waitlist first come, first served.",
)
def activity_update(request, activity_id: int, body: ActivityPatchIn):
    activity = _managed(request, activity_id)
    given = body.model_fields_set - {"sessions", "over_venue_capacity"}
    fields = {name: getattr(body, name) for name in given}
    for name, read in _REFERENCES.items():
        if name in fields:
            fields[name] = read(fields[name])
    sessions = None
    if body.sessions is not None:
        sessions = []
        for item in body.sessions:
            spec = {"id": item.id, "starts_at": item.starts_at, "ends_at": item.ends_at}
            if "venue" in item.model_fields_set:
                spec["venue"] = _venue(item.venue)
            sessions.append(spec)
    services.activity_update(
        actor=request.user,
        activity=activity,
        sessions=sessions,
        over_venue_capacity=body.over_venue_capacity,
        **fields,
    )
    return selectors.activity_visible(actor=request.user, activity_id=activity.pk)


@router.post(
    "/activities/{activity_id}/copy",
    auth=bearer,
    response={201: StatusOut, **ERRORS},
    summary="Copy as a new draft (same content and rules, sessions shifted, no registrations)",
    description=SESSION_TIME_REFUSALS,
)
def activity_copy(request, activity_id: int, body: CopyIn | None = None):
    body = body or CopyIn()
    copy = services.activity_copy(
        actor=request.user,
        activity=_managed(request, activity_id),
        offset=timedelta(days=body.offset_days) if body.offset_days is not None else None,
        first_starts_at=body.first_starts_at,
    )
    return Status(201, {"id": copy.pk, "status": copy.status})


@router.post("/activities/{activity_id}/submit", auth=bearer, response={200: StatusOut, **ERRORS})
def activity_submit(request, activity_id: int):
    return services.activity_submit(actor=request.user, activity=_managed(request, activity_id))


@router.post("/activities/{activity_id}/publish", auth=bearer, response={200: StatusOut, **ERRORS})
def activity_publish(request, activity_id: int):
    return services.activity_publish(actor=request.user, activity=_managed(request, activity_id))


class RejectIn(InputSchema):
    reason: str = Field(min_length=1, max_length=300)


@router.post("/activities/{activity_id}/reject", auth=bearer, response={200: StatusOut, **ERRORS})
def activity_reject(request, activity_id: int, body: RejectIn):
    return services.activity_reject(actor=request.user, activity=_managed(request, activity_id), reason=body.reason)


@router.post("/activities/{activity_id}/cancel", auth=bearer, response={200: StatusOut, **ERRORS})
def activity_cancel(request, activity_id: int):
    return services.activity_cancel(actor=request.user, activity=_managed(request, activity_id))


@router.get("/activities", response={200: ActivityPage, 404: ErrorOut, 422: ErrorOut}, summary="The catalogue")
def activity_list(request, query: Query[CatalogueQuery]):
    region = None
    if query.region:
        region = region_get_by_code(query.region)
        if region is None:
            raise NotFound(field="region")
    activities = selectors.activity_catalogue(
        campaign=_campaign(query.campaign) if query.campaign else None,
        q=query.q.strip(),
        region=region,
        category=query.category,
        audience=query.audience,
        available=bool(query.available),
        date_from=query.date_from,
        date_to=query.date_to,
        when=query.when,
    )
    return paginate(activities, query)


@router.get("/activities/{activity_id}", auth=optional_bearer, response={200: ActivityDetailOut, **ERRORS})
def activity_detail(request, activity_id: int):
    actor = request.user if request.user.is_authenticated else None
    activity = selectors.activity_visible(actor=actor, activity_id=activity_id)
    if activity is None:
        raise NotFound()
    return activity


# `waitlist_position` keeps its name in the contract but means the place in the queue now, the
# number a learner can act on; the stored first-come ticket only orders the queue.
WAITLIST_PLACE = (
    "On the waitlist: the learner's place in the queue now (1 = the next to be offered a seat). It counts "
    "only the people still waiting ahead, so it goes down as they are served or leave (the first-come "
    "ticket that orders the queue is not exposed). Null when not waitlisted."
)


class LearnerRef(Schema):
    id: int
    name: str


class RosterItemOut(Schema):
    id: int
    learner: LearnerRef
    status: str
    channel: str
    waitlist_position: int | None = Field(description=WAITLIST_PLACE)

    @staticmethod
    def resolve_waitlist_position(registration) -> int | None:
        return selectors.waitlist_place(registration)


class RosterPage(Schema):
    items: list[RosterItemOut]
    count: int


@router.get("/activities/{activity_id}/registrations", auth=bearer, response={200: RosterPage, **ERRORS})
def activity_roster(request, activity_id: int, query: Query[PageQuery]):
    activity = _managed(request, activity_id)
    return paginate(selectors.roster(actor=request.user, activity=activity), query)


class RegistrationIn(InputSchema):
    learner: int | None = Field(None, description="Staff or family: the learner to register")
    phone: str | None = Field(
        None,
        max_length=20,
        description="The activity's staff, for a walk-in outside their admin scope: the full mobile number "
        "the person gives at the desk (instead of `learner`)",
    )
    channel: RegistrationChannel | None = Field(None, description="Staff only: proxy (default) or onsite")


class RegistrationOut(Schema):
    id: int
    status: str
    waitlist_position: int | None = Field(description=WAITLIST_PLACE)

    @staticmethod
    def resolve_waitlist_position(registration) -> int | None:
        return selectors.waitlist_place(registration)


@router.post(
    "/activities/{activity_id}/registrations",
    auth=bearer,
    response={201: RegistrationOut, **ERRORS, 429: ErrorOut},
    summary="Register oneself (empty body) or, staff and family, a learner",
    description="By `phone` (a walk-in at the desk): only the activity's staff, that is its institution's "
    "organizers and instructors and the admins whose scope covers the institution; anyone else gets 403 "
    "`desk_staff_only` whatever the number (404 for an activity they may not see). A number nobody holds: 404 "
    "on `phone`. Each lookup by number counts against the staff member's own allowance (`DESK_LOOKUPS_PER_HOUR`, "
    "`DESK_LOOKUPS_PER_DAY`): past it, 429 `throttled` saying when to try again.",
)
def registration_create(request, activity_id: int, body: RegistrationIn):
    # The hottest path of all: the service reads the activity once and answers 404 for one
    # the caller may not see, so no listing query runs here.
    activity = Activity(pk=activity_id)
    learner, desk_phone = request.user, None
    if body.phone is not None:
        # Who may look a number up, and how often, is checked before the number is read.
        activity, learner, desk_phone = desk.desk_learner_find(
            actor=request.user, activity_id=activity_id, phone=body.phone
        )
    elif body.learner is not None and body.learner != request.user.pk:
        learner = User.objects.select_related("home_region").filter(pk=body.learner, is_active=True).first()
        if learner is None:
            # An activity the caller may not see answers its one 404 first, so that learner ids
            # cannot be told apart through it (the service checks it likewise for known ones).
            if selectors.activity_visible(actor=request.user, activity_id=activity_id) is None:
                raise NotFound()
            raise NotFound(field="learner")
    registration = services.registration_create(
        actor=request.user,
        activity=activity,
        learner=learner,
        channel=RegistrationChannel.ONSITE if desk_phone else body.channel,
        desk_phone=desk_phone,
    )
    return Status(201, registration)


def _registration(request, registration_id: int):
    registration = selectors.registration_for_actor(actor=request.user, registration_id=registration_id)
    if registration is None:
        raise NotFound()
    return registration


@router.delete("/registrations/{registration_id}", auth=bearer, response={200: RegistrationOut, **ERRORS})
def registration_cancel(request, registration_id: int):
    return services.registration_cancel(actor=request.user, registration=_registration(request, registration_id))


@router.post("/registrations/{registration_id}/accept", auth=bearer, response={200: RegistrationOut, **ERRORS})
def registration_accept(request, registration_id: int):
    return services.registration_offer_accept(actor=request.user, registration=_registration(request, registration_id))


class ActivityRef(Schema):
    id: int
    title: str


class MyRegistrationOut(Schema):
    id: int
    activity: ActivityRef
    learner: LearnerRef
    status: str
    waitlist_position: int | None = Field(description=WAITLIST_PLACE)
    offer_expires_at: datetime | None

    @staticmethod
    def resolve_waitlist_position(registration) -> int | None:
        return selectors.waitlist_place(registration)


class MyRegistrationPage(Schema):
    items: list[MyRegistrationOut]
    count: int


@router.get("/me/registrations", auth=bearer, response=MyRegistrationPage)
def my_registrations(request, query: Query[PageQuery]):
    return paginate(selectors.my_registrations(actor=request.user), query)


class CheckinIn(InputSchema):
    learner: int | None = Field(None, description="Staff: the learner to check in")
    token: str | None = Field(None, max_length=200, description="Learner: the code scanned at the venue")
    method: CheckinMethod | None = Field(None, description="Staff: staff (default) or paper")

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """The document says what `checkin_create` needs: a token, or else a learner (a check-in
        naming nobody is refused)."""
        schema = handler(core_schema)
        handler.resolve_ref_schema(schema)["anyOf"] = [
            {"required": ["token"], "properties": {"token": {"not": {"type": "null"}}}},
            {"required": ["learner"], "properties": {"learner": {"not": {"type": "null"}}}},
        ]
        return schema


class CheckinOut(Schema):
    id: int
    method: str
    checked_in_at: datetime


def _session(session_id: int) -> Session:
    session = Session.objects.select_related("activity__institution__region").filter(pk=session_id).first()
    if session is None:
        raise NotFound()
    return session


@router.post(
    "/sessions/{session_id}/checkins",
    auth=bearer,
    response={201: CheckinOut, **ERRORS},
    summary="Check in: staff send a learner, a learner sends the scanned code",
)
def checkin_create(request, session_id: int, body: CheckinIn):
    session = _session(session_id)
    learner = None
    if body.token is None:
        if body.learner is None:
            raise InvalidInput(_("Send either token or learner."), code="invalid", field="learner")
        learner = User.objects.filter(pk=body.learner, is_active=True).first()
        if learner is None:
            raise NotFound(field="learner")
    attendance = checkin.checkin_record(
        actor=request.user, session=session, learner=learner, token=body.token, method=body.method
    )
    return Status(201, attendance)


class CheckinTokenOut(Schema):
    token: str
    rotates_every_seconds: int


@router.get(
    "/sessions/{session_id}/checkin-token",
    auth=bearer,
    response={200: CheckinTokenOut, **ERRORS},
    summary="Staff: the current code for the venue screen",
)
def checkin_token(request, session_id: int):
    session = _session(session_id)
    if not services.may_manage_activities_of(request.user, session.activity.institution):
        raise NotFound()
    return {"token": checkin.checkin_token(session=session), "rotates_every_seconds": checkin.QR_ROTATION_SECONDS}


@router.patch(
    "/sessions/{session_id}",
    auth=bearer,
    response={200: SessionOut, **ERRORS},
    summary="Staff: move a session or change its venue (registered learners are told)",
    description=SESSION_TIME_REFUSALS + " A refusal of the times names `starts_at` or `ends_at` as its `field`.",
)
def session_update(request, session_id: int, body: SessionIn):
    session = selectors.session_managed(actor=request.user, session_id=session_id)
    if session is None:
        raise NotFound()
    venue = _venue(body.venue) if "venue" in body.model_fields_set else services.KEEP_VENUE
    updated = services.session_update(
        actor=request.user, session=session, starts_at=body.starts_at, ends_at=body.ends_at, venue=venue
    )
    return Session.objects.select_related("venue").get(pk=updated.pk)
