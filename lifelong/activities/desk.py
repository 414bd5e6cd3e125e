"""The desk: staff finding the person in front of them by the full mobile number they give.

A number finds anyone registered, even outside the staff member's admin scope (the person is
standing there and said it), so a lookup tells whether a number is registered. Three rules keep
it from being used for that:

- Only staff who may manage the activity (its institution's organizers and instructors, and
  admins whose subtree covers the institution) may look, and that is checked before the number
  is read: anyone else gets one answer whatever the number (403 `desk_staff_only`, or 404 for an
  activity they may not see).
- Each lookup by number counts against the staff member's own allowance,
  `DESK_LOOKUPS_PER_HOUR` and `DESK_LOOKUPS_PER_DAY` (429 `throttled`, checked before the number
  is read). Per account, never per address: a village hall shares one.
- A number nobody holds answers 404 on `phone`; what is then shown of a stranger is a masked name.

Searching by name stays within the actor's own admin scope and counts nothing.
"""

from django.utils.translation import gettext as _

from lifelong.accounts import codes
from lifelong.accounts.models import User
from lifelong.accounts.phone import normalize_phone
from lifelong.common.errors import Forbidden, InvalidInput, NotFound

from . import selectors
from .choices import ActivityStatus
from .models import Activity
from .policy import may_manage_activities_of


def desk_lookup_count(*, actor: User) -> None:
    """Count one lookup by number against the actor's allowance, or raise `Throttled`
    (nothing counted)."""
    codes.number_lookup_count(actor=actor)


def _full_number(query: str) -> str | None:
    try:
        return normalize_phone(query)
    except InvalidInput:
        return None


def desk_learner_lookup(*, actor: User, activity: Activity, query: str) -> tuple[list[User], str | None]:
    """The console's lookup on an activity the actor manages (the caller has checked): a name
    searches the actor's admin scope; a full number finds anyone, and counts against the
    actor's allowance (raises `Throttled`)."""
    if _full_number(query):
        desk_lookup_count(actor=actor)
    return selectors.learner_lookup(actor=actor, query=query)


def desk_learner_find(*, actor: User, activity_id: int, phone: str) -> tuple[Activity, User, str]:
    """The person the activity's staff register at the desk by the number they give: the
    activity, the person and the normalised number. Refusals, in this order, so that nothing
    about the number shows before the actor is known to be allowed: 404 for an activity the
    actor may not see; 403 `desk_staff_only` for anyone who may not manage it; 422
    `invalid_phone`; 429 `throttled`; 404 on `phone` for a number nobody active holds."""
    activity = Activity.objects.select_related("institution__region").filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    if not may_manage_activities_of(actor, activity.institution):
        if activity.status != ActivityStatus.PUBLISHED:
            raise NotFound()  # an unpublished activity is invisible to everyone else
        raise Forbidden(
            _("Only the activity's staff may register someone by their mobile number."),
            code="desk_staff_only",
            field="phone",
        )
    normalized = normalize_phone(phone)
    desk_lookup_count(actor=actor)
    learner = User.objects.select_related("home_region").filter(phone=normalized, is_active=True).first()
    if learner is None:
        raise NotFound(field="phone")
    return activity, learner, normalized
