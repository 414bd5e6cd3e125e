"""`POST /api/v1/activities/{id}/messages`: an activity's staff write to its learners (see
`participants.activity_message_send` for who is told and the limits)."""

from ninja import Router, Schema, Status
from pydantic import Field

from lifelong.accounts.auth import BearerToken
from lifelong.common.api import ErrorOut, InputSchema
from lifelong.common.errors import NotFound

from . import participants, selectors

router = Router(tags=["activities"])
bearer = BearerToken()


class MessageIn(InputSchema):
    text: str = Field(
        min_length=1,
        max_length=2000,
        description="The message, 1 to 300 characters once surrounding spaces are trimmed (longer: 422 `invalid`)",
    )
    include_waitlisted: bool = Field(
        False, description="Also tell those on the waitlist and those waiting for approval"
    )


class MessageOut(Schema):
    recipients: int = Field(
        description="How many learners are told (a managed profile's family member is told for them)"
    )


@router.post(
    "/activities/{activity_id}/messages",
    auth=bearer,
    response={201: MessageOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Message the activity's learners by app notice and SMS",
    description="The activity's organizers and instructors and admins over it (others 404). 409 `no_recipients` "
    "when nobody would be told; 429 `too_many_messages` after one message in the last 10 minutes or "
    f"{participants.MESSAGES_PER_DAY} in the last 24 hours of the activity.",
)
def activity_message_send(request, activity_id: int, body: MessageIn):
    activity = selectors.activity_managed(actor=request.user, activity_id=activity_id)
    if activity is None:
        raise NotFound()
    sent = participants.activity_message_send(
        actor=request.user,
        activity=activity,
        text=body.text,
        include_waitlisted=body.include_waitlisted,
        request=request,
    )
    return Status(201, {"recipients": sent.recipients})
