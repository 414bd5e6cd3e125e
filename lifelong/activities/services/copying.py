"""Copy as a new draft: an activity's content, seats and rules again, its sessions shifted."""

import math
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import DomainError, InvalidInput, NotFound
from lifelong.common.services import audit_record

from ..campaign_rules import campaign_placement
from ..models import Activity, Session
from .access import _require_manager
from .activities import ACTIVITY_FIELDS, _check_programme_and_team, activity_create

# Copied as they are; the registration window and the sessions are shifted, the campaign,
# programme and team kept when they still take the copy.
COPIED_FIELDS = tuple(
    name
    for name in ACTIVITY_FIELDS
    if name not in ("registration_opens", "registration_closes", "campaign", "programme", "team")
)


def copy_offset(activity: Activity, *, now: datetime | None = None) -> timedelta:
    """What an organizer expects of "copy for next time": the same weekday and time, in the
    first week after the original's last session has ended, and not in the past. So a weekly
    class of eight weeks continues in week nine, and last year's class comes back next week."""
    now = now or timezone.now()
    times = list(activity.sessions.order_by("starts_at").values_list("starts_at", "ends_at"))
    first_start = times[0][0]
    last_end = max(end for _start, end in times)
    week = timedelta(days=7)
    weeks = max(1, math.ceil((max(last_end, now) - first_start) / week))
    if first_start + weeks * week < max(last_end, now):  # the division may land on the boundary
        weeks += 1
    return weeks * week


@transaction.atomic
def activity_copy(
    *,
    actor: User,
    activity: Activity,
    offset: timedelta | None = None,
    first_starts_at: datetime | None = None,
    now: datetime | None = None,
) -> Activity:
    """A new draft with the original's content, venue, seats, rules and eligibility, its
    sessions and registration window shifted by `offset` (or so that the first session starts
    at `first_starts_at`; by default see `copy_offset`), and no registrations. The campaign,
    programme and team come along while they still take the copy (a campaign that is over, or a
    programme the actor may no longer use, is left out). A draft holds no rooms, so copying never
    clashes with a booking. Managers of the original only (404 otherwise)."""
    original = (
        Activity.objects.select_related("institution__region", "campaign", "programme", "team", "venue", "cover")
        .filter(pk=activity.pk)
        .first()
    )
    if original is None:
        raise NotFound()
    _require_manager(actor, original)
    sessions = list(original.sessions.order_by("starts_at", "id"))
    offset = _shift(original, sessions, offset=offset, first_starts_at=first_starts_at, now=now)
    values = {name: getattr(original, name) for name in COPIED_FIELDS}
    values["audiences"] = original.audience_list
    values["registration_opens"] = original.registration_opens + offset
    values["registration_closes"] = original.registration_closes + offset
    values.update(_links_kept(actor, original))
    copy = activity_create(
        actor=actor,
        institution=original.institution,
        sessions=[
            {"starts_at": s.starts_at + offset, "ends_at": s.ends_at + offset, "venue": s.venue} for s in sessions
        ],
        # A capacity an admin once allowed above the venue's seats comes along only for an admin.
        over_venue_capacity=True,
        now=now,
        **values,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=copy,
        summary="copied",
        changes={"from": original.pk, "shift_days": round(offset.total_seconds() / 86400, 2)},
    )
    return copy


def _shift(
    original: Activity,
    sessions: list[Session],
    *,
    offset: timedelta | None,
    first_starts_at: datetime | None,
    now: datetime | None,
) -> timedelta:
    """How far the copy is shifted: `offset`, or so that the first session starts at
    `first_starts_at`, or else `copy_offset`; both given is 422 `invalid`."""
    if offset is not None and first_starts_at is not None:
        raise InvalidInput(_("Give either a shift or a new first date, not both."), code="invalid")
    if first_starts_at is not None:
        return first_starts_at - sessions[0].starts_at
    if offset is None:
        return copy_offset(original, now=now)
    return offset


def _links_kept(actor: User, original: Activity) -> dict[str, Any]:
    """The original's campaign, programme and team that still take the copy by this actor."""
    values: dict[str, Any] = {}
    if original.campaign is not None:
        try:
            campaign_placement(actor, original.campaign)
        except DomainError:
            pass  # the campaign is over: the copy stands on its own
        else:
            values["campaign"] = original.campaign
    for name in ("programme", "team"):
        candidate = getattr(original, name)
        if candidate is None:
            continue
        try:
            _check_programme_and_team(
                actor,
                original.institution,
                candidate if name == "programme" else None,
                candidate if name == "team" else None,
            )
        except DomainError:
            continue  # no longer open to this organizer: left out
        values[name] = candidate
    return values
