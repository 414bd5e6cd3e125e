"""The honours API: the public roll, and calls for nominations with their nominations,
reviews and award for staff in scope (404 `not_found` outside it)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.accounts.auth import BearerToken
from lifelong.common.api import (
    ErrorOut,
    Hours,
    InputSchema,
    IsoDate,
    PageQuery,
    PersonRef,
    StatusOut,
    decimal_number,
    paginate,
)
from lifelong.common.errors import NotFound
from lifelong.common.quantities import tenths
from lifelong.community.choices import Level
from lifelong.regions.schemas import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import selectors, services
from .choices import RecipientKind
from .models import Honor, HonorCall, Nomination

router = Router(tags=["honours"])
bearer = BearerToken()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RecipientOut(Schema):
    kind: str
    id: int | None = Field(description="Null for learners: the public roll names them but gives no id")
    name: str
    name_en: str
    region: RegionRef | None = Field(description="Where the recipient is: a learner's town, an institution's region…")
    url: str | None = Field(description="The recipient's public page, where one exists")


def _recipient(item: Honor | Nomination, *, public: bool) -> dict:
    recipient = item.recipient
    kind = item.recipient_kind
    learner = kind == RecipientKind.LEARNER
    # The public learns a learner's town only, and no id; a region is named by its code.
    region = item.recipient_town if learner and public else item.recipient_place
    return {
        "kind": kind,
        "id": None if (learner and public) or kind == RecipientKind.REGION else recipient.pk,
        "name": item.recipient_name,
        "name_en": "" if learner else recipient.name_en,
        "region": region,
        "url": item.recipient_url or None,
    }


class HonourOut(Schema):
    id: int
    title: str
    title_en: str
    level: str
    year: int
    awarding_body: str
    awarding_body_en: str
    citation: str
    recipient: RecipientOut
    awarded_at: datetime | None

    @staticmethod
    def resolve_recipient(honour: Honor) -> dict:
        return _recipient(honour, public=True)


class HonourPage(Schema):
    items: list[HonourOut]
    count: int


class RollQuery(PageQuery):
    level: Level | None = None
    year: int | None = Field(None, ge=1949, le=2100)
    kind: RecipientKind | None = None


@router.get("/honors", response={200: HonourPage, 422: ErrorOut}, summary="The public honour roll")
def honour_list(request, query: Query[RollQuery]):
    """Public: every honour, newest year first. Learners are named with their town only."""
    return paginate(selectors.honour_roll(level=query.level, year=query.year, kind=query.kind), query)


class CallOut(Schema):
    id: int
    title: str
    title_en: str
    level: str
    year: int
    region: RegionRef
    awarding_body: str
    opens_on: date
    closes_on: date
    status: str
    accepts: list[str]
    nomination_count: int = Field(description="Nominations not withdrawn")

    @staticmethod
    def resolve_accepts(call: HonorCall) -> list[str]:
        return call.accepted_kinds


class CallPage(Schema):
    items: list[CallOut]
    count: int


@router.get("/honor-calls", auth=bearer, response={200: CallPage, **ERRORS}, summary="Calls for nominations in scope")
def call_list(request, query: Query[PageQuery]):
    return paginate(selectors.calls_in_scope(actor=request.user), query)


class CallIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field("", max_length=240)
    year: int = Field(ge=1949, le=2100)
    region: str = Field(max_length=12, description="Code of the county or town the call is for")
    awarding_body: str = Field(min_length=1, max_length=200)
    awarding_body_en: str = Field("", max_length=240)
    description: str = Field("", max_length=5000)
    description_en: str = Field("", max_length=5000)
    opens_on: IsoDate
    closes_on: IsoDate
    accepts: list[RecipientKind] = Field(min_length=1, max_length=5)


@router.post("/honor-calls", auth=bearer, response={201: StatusOut, **ERRORS}, summary="Open a call for nominations")
def call_open(request, body: CallIn):
    region = region_get_by_code(body.region)
    if region is None:
        raise NotFound(field="region")
    fields = body.model_dump(exclude={"region", "accepts"})
    call = services.honour_call_open(
        actor=request.user, region=region, accepts=[kind.value for kind in body.accepts], **fields
    )
    return Status(201, call)


class ReviewOut(Schema):
    id: int
    reviewer: PersonRef
    score: int
    comment: str
    created_at: datetime


class RecordFiguresOut(Schema):
    hours: Hours
    points: int
    activities: int = Field(description="Different activities attended")


class LearnerRecordOut(Schema):
    """A learner's passport when they were nominated (kept as it was then)."""

    period: dict[str, date] = Field(description='"from" and "to": the days the record covers')
    year: int
    this_year: RecordFiguresOut
    in_all: RecordFiguresOut


RECORD = "A learner's passport when nominated; null for other recipients"


def _record(nomination: Nomination) -> dict | None:
    return nomination.record or None


class NominationOut(Schema):
    id: int
    recipient: RecipientOut
    nominated_by: PersonRef
    statement: str
    record: LearnerRecordOut | None = Field(description=RECORD)
    status: str
    created_at: datetime
    average_score: decimal_number(1, "The reviewers' mean score, to one decimal place") | None = None
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_recipient(nomination: Nomination) -> dict:
        return _recipient(nomination, public=False)

    @staticmethod
    def resolve_record(nomination: Nomination) -> dict | None:
        return _record(nomination)

    @staticmethod
    def resolve_average_score(nomination: Nomination) -> Decimal | None:
        average = getattr(nomination, "average_score", None)
        return None if average is None else tenths(average)

    @staticmethod
    def resolve_reviews(nomination: Nomination) -> list:
        return list(nomination.reviews.all())


class CallDetailOut(CallOut):
    description: str
    description_en: str
    nominations: list[NominationOut]

    @staticmethod
    def resolve_nominations(call: HonorCall) -> list:
        return call.visible_nominations


@router.get("/honor-calls/{call_id}", auth=bearer, response={200: CallDetailOut, **ERRORS}, summary="A call")
def call_detail(request, call_id: int):
    """The call, and the nominations the caller may see in it (all of them for its admins and
    reviewers; an admin below the call's region sees those from their own area)."""
    call = selectors.call_in_scope(actor=request.user, call_id=call_id)
    call.visible_nominations = list(selectors.nominations_of_call(actor=request.user, call=call))
    call.nomination_count = sum(1 for n in call.visible_nominations if n.status != "withdrawn")
    return call


class NominationIn(InputSchema):
    kind: RecipientKind
    recipient: int | str = Field(
        description="The recipient's id; a programme's slug or a region's code also work",
    )
    statement: str = Field(min_length=1, max_length=5000)


class NominationCreatedOut(Schema):
    id: int
    status: str
    record: LearnerRecordOut | None = Field(description=RECORD)

    @staticmethod
    def resolve_record(nomination: Nomination) -> dict | None:
        return _record(nomination)


@router.post(
    "/honor-calls/{call_id}/nominations",
    auth=bearer,
    response={201: NominationCreatedOut, **ERRORS},
    summary="Nominate a recipient in the caller's area",
)
def nomination_create(request, call_id: int, body: NominationIn):
    """A learner's nomination carries their passport record (hours, points, activities
    attended, this year and in all), computed when it is made."""
    call = selectors.call_in_scope(actor=request.user, call_id=call_id)
    recipient = selectors.candidate_get(actor=request.user, kind=body.kind, key=body.recipient, within=call.region)
    nomination = services.nomination_create(
        actor=request.user, call=call, kind=body.kind.value, recipient=recipient, statement=body.statement
    )
    return Status(201, nomination)


class ReviewIn(InputSchema):
    score: int = Field(ge=1, le=100)
    comment: str = Field("", max_length=2000)


class ReviewCreatedOut(Schema):
    id: int
    score: int


@router.post(
    "/nominations/{nomination_id}/reviews",
    auth=bearer,
    response={201: ReviewCreatedOut, **ERRORS},
    summary="Score a nomination (1–100) while its call is under review",
)
def review_create(request, nomination_id: int, body: ReviewIn):
    nomination = selectors.nomination_in_scope(actor=request.user, nomination_id=nomination_id)
    review = services.review_submit(actor=request.user, nomination=nomination, score=body.score, comment=body.comment)
    return Status(201, review)


@router.post(
    "/honor-calls/{call_id}/close",
    auth=bearer,
    response={200: StatusOut, **ERRORS},
    summary="Close a call for nominations (review starts)",
)
def call_close(request, call_id: int):
    call = selectors.call_in_scope(actor=request.user, call_id=call_id)
    return services.honour_call_close(actor=request.user, call=call)


class AwardIn(InputSchema):
    nominations: list[int] = Field(min_length=1, max_length=500)


class AwardOut(Schema):
    id: int
    status: str
    honours: list[int]


@router.post(
    "/honor-calls/{call_id}/award",
    auth=bearer,
    response={200: AwardOut, **ERRORS},
    summary="Award the chosen nominations; the rest are not awarded",
)
def call_award(request, call_id: int, body: AwardIn):
    call = selectors.call_in_scope(actor=request.user, call_id=call_id)
    honours = services.honour_call_award(actor=request.user, call=call, nomination_ids=body.nominations)
    return {"id": call.pk, "status": "awarded", "honours": [honour.pk for honour in honours]}
