"""Activities: creating, changing, copying, the approval workflow, the catalogue and one
activity's page."""

from datetime import timedelta

from ninja import Query, Status
from pydantic import Field

from lifelong.accounts.models import User
from lifelong.common.api import (
    ErrorOut,
    InputSchema,
    StatusOut,
    paginate,
)
from lifelong.common.errors import NotFound
from lifelong.institutions.models import Institution
from lifelong.regions.selectors import region_get_by_code

from .. import selectors, services
from ..policy import may_manage_activities_of
from .base import (
    ERRORS,
    SESSION_TIME_REFUSALS,
    _campaign,
    _managed,
    _programme,
    _region,
    _team,
    _venue,
    bearer,
    optional_bearer,
    router,
)
from .schemas import ActivityDetailOut, ActivityIn, ActivityPage, ActivityPatchIn, CatalogueQuery, CopyIn


def _institution_for(actor: User, institution_id: int) -> Institution:
    institution = Institution.objects.select_related("region").filter(pk=institution_id).first()
    if institution is None or not may_manage_activities_of(actor, institution):
        raise NotFound(field="institution")
    return institution


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
