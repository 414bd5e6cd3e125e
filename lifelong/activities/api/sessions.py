"""Sessions: checking in, the check-in code for the venue screen, and moving a session."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from lifelong.accounts.models import User
from lifelong.common.api import (
    InputSchema,
)
from lifelong.common.errors import InvalidInput, NotFound

from .. import checkin, selectors, services
from ..choices import CheckinMethod
from ..models import Session
from ..policy import may_manage_activities_of
from .base import ERRORS, SESSION_TIME_REFUSALS, _venue, bearer, router
from .schemas import SessionIn, SessionOut


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
    if not may_manage_activities_of(request.user, session.activity.institution):
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
