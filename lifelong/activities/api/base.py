"""What every activities endpoint shares: the router, authentication, error responses, a session's
time, and looking up what a request names."""

from typing import TYPE_CHECKING

from ninja import Router

from lifelong.accounts.auth import BearerToken, OptionalBearerToken
from lifelong.common.api import (
    CountyDateTime,
    ErrorOut,
)
from lifelong.common.errors import NotFound
from lifelong.community.models import Programme, Team
from lifelong.institutions.models import Venue
from lifelong.institutions.services import BOOKING_MAX_LENGTH
from lifelong.regions.selectors import region_get_by_code

from .. import selectors
from ..campaign_rules import campaign_by_slug
from ..models import Activity
from ..session_times import SESSION_MAX_AHEAD, SESSION_MAX_LENGTH, SESSION_PAST_TOLERANCE

if TYPE_CHECKING:  # campaigns sits above activities: for type hints only
    from lifelong.campaigns.models import Campaign

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


def _campaign(slug: str) -> "Campaign":
    campaign = campaign_by_slug(slug)
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


def _managed(request, activity_id: int) -> Activity:
    activity = selectors.activity_managed(actor=request.user, activity_id=activity_id)
    if activity is None:
        raise NotFound()
    return activity
