"""What the activity endpoints read and answer: activities and their sessions."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from lifelong.common.api import (
    CountyDateTime,
    Hours,
    HoursIn,
    InputSchema,
    IsoDate,
    PageQuery,
)
from lifelong.institutions.schemas import InstitutionRef, VenueRef
from lifelong.regions.schemas import RegionRef

from ..choices import Audience, CampaignStatus, Category
from ..models import Activity
from .base import SessionTime


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
