"""Registrations: an activity's roster, registering, cancelling, accepting an offer, and a
learner's own registrations."""

from datetime import datetime

from ninja import Query, Schema, Status
from pydantic import Field

from lifelong.accounts.models import User
from lifelong.common.api import (
    ErrorOut,
    InputSchema,
    PageQuery,
    paginate,
)
from lifelong.common.errors import NotFound

from .. import desk, selectors, services
from ..choices import RegistrationChannel
from ..models import Activity
from .base import ERRORS, _managed, bearer, router

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
