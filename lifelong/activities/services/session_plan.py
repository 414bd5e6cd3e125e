"""An edit's sessions (`editing`): comparing the sessions an editor sent with the stored ones
(`plan_sessions`: kept, moved, added, removed, and what changed for learners), then writing them
and their room bookings (`apply_sessions`)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.services import full_clean_or_raise
from lifelong.institutions.models import Venue
from lifelong.institutions.services import session_bookings_release, session_bookings_sync

from ..choices import ActivityStatus
from ..models import Activity, Attendance, Session
from ..session_times import session_times_check
from .activities import _check_venue

# An activity in these states holds its rooms; a draft or a rejected one holds none, so that an
# idea never submitted keeps nobody else out of a room.
HOLDS_ROOMS = (ActivityStatus.SUBMITTED, ActivityStatus.PUBLISHED)
# What the notice and the console say changed (the notice's words are in activities.notices).
CHANGE_TIME, CHANGE_PLACE, CHANGE_ADDED, CHANGE_REMOVED = "time", "place", "added", "removed"


@dataclass
class SessionPlan:
    kept: list[Session]
    moved: list[Session]
    moved_before: dict[int, list[Any]]
    added: list[Session]
    removed: list[Session]
    changes: set[str]
    venues_before: set[int | None] = field(default_factory=set)

    def add_or_keep(self, session: Session, before: tuple) -> None:
        """Count a checked session: new, or kept (and moved when its time or place differ from
        `before`, its stored start, end and venue)."""
        if session.pk is None:
            self.added.append(session)
            self.changes.add(CHANGE_ADDED)
            return
        self.kept.append(session)
        if before == (session.starts_at, session.ends_at, session.venue_id):
            return
        self.moved.append(session)
        self.moved_before[session.pk] = [
            timezone.localtime(before[0]).isoformat(),
            timezone.localtime(before[1]).isoformat(),
            before[2],
        ]
        if before[:2] != (session.starts_at, session.ends_at):
            self.changes.add(CHANGE_TIME)
        if before[2] != session.venue_id:
            self.changes.add(CHANGE_PLACE)


def plan_sessions(
    *,
    actor: User,
    activity: Activity,
    specs: list[dict[str, Any]] | None,
    old_venue_id: int | None,
    now: datetime,
    shown: set[int] | None = None,
    time_fields: tuple[str, str] = ("sessions", "sessions"),
) -> SessionPlan:
    """Compare the given sessions with the stored ones. A spec with an `id` keeps that session
    (moved when its time or place differ); one without is new; a stored session not named is
    removed, but with `shown`, only if it is among those ids (the sessions the editor saw): one
    added meanwhile by someone else stays as it is. A spec without a `venue` key keeps its
    session's venue, except that sessions held at the activity's old venue follow the activity
    to its new one (a new session is held at the activity's venue); `venue: None` means online
    or to be announced. No `specs`: every session stays, following the activity's venue as
    above. A new session, and one given a new time, meets lifelong.activities.session_times,
    refused on `time_fields` (the start's field, the end's)."""
    existing = list(activity.sessions.select_for_update(of=("self",)).order_by("starts_at", "id"))
    by_id = {s.pk: s for s in existing}
    specs = _with_unshown(specs, shown, existing)
    if not specs:
        raise InvalidInput(_("An activity needs at least one session."), code="no_sessions", field="sessions")
    plan = SessionPlan(
        kept=[], moved=[], moved_before={}, added=[], removed=[], changes=set(), venues_before={old_venue_id}
    )
    plan.venues_before.update(s.venue_id for s in existing)
    seen: set[int] = set()
    for spec in specs:
        session = _named_session(spec, by_id, seen, activity)
        venue_id = _venue_id_for(spec, session, activity, old_venue_id)
        if venue_id is not None and venue_id != session.venue_id:
            _check_venue(actor, Venue(pk=venue_id))
        before = (session.starts_at, session.ends_at, session.venue_id)
        if session.pk is None or before[:2] != (spec["starts_at"], spec["ends_at"]):
            session_times_check(
                starts_at=spec["starts_at"],
                ends_at=spec["ends_at"],
                now=now,
                start_field=time_fields[0],
                end_field=time_fields[1],
            )
        session.starts_at, session.ends_at, session.venue_id = spec["starts_at"], spec["ends_at"], venue_id
        session.activity = activity  # a booking is named after the activity's (new) title
        full_clean_or_raise(session)
        plan.add_or_keep(session, before)
    plan.removed = [s for s in existing if s.pk not in seen]
    if plan.removed:
        plan.changes.add(CHANGE_REMOVED)
        _refuse_removing_attended(plan.removed)
    return plan


def _with_unshown(
    specs: list[dict[str, Any]] | None, shown: set[int] | None, existing: list[Session]
) -> list[dict[str, Any]]:
    """The specs, and a spec for every stored session the editor was not shown (none given:
    every session), so that those are neither removed nor changed: kept, without a venue."""
    if specs is None:
        specs = []
        shown = set()
    if shown is None:
        return specs
    named = {spec.get("id") for spec in specs}
    return [
        *specs,
        *(
            {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at}
            for s in existing
            if s.pk not in shown and s.pk not in named
        ),
    ]


def _named_session(spec: dict[str, Any], by_id: dict[int, Session], seen: set[int], activity: Activity) -> Session:
    """The stored session a spec names by `id` (404 for one not the activity's, or named
    twice), or a new one."""
    session_id = spec.get("id")
    if session_id is None:
        return Session(activity=activity)
    session = by_id.get(session_id)
    if session is None or session_id in seen:
        raise NotFound(field="sessions")
    seen.add(session_id)
    return session


def _venue_id_for(spec: dict[str, Any], session: Session, activity: Activity, old_venue_id: int | None) -> int | None:
    """The venue a spec gives; without one, a session held at the activity's old venue (or a
    new one) follows the activity's venue, another keeps its own."""
    if "venue" in spec:
        return spec["venue"].pk if spec["venue"] is not None else None
    if session.pk is None or session.venue_id == old_venue_id:
        return activity.venue_id
    return session.venue_id


def _refuse_removing_attended(removed: list[Session]) -> None:
    attended = Attendance.objects.filter(session__in=removed).values_list("session__starts_at", flat=True).first()
    if attended is not None:
        raise Conflict(
            _("The session of %(start)s has check-ins and cannot be removed; change its time instead.")
            % {"start": timezone.localtime(attended).strftime("%Y-%m-%d %H:%M")},
            code="session_has_checkins",
            field="sessions",
        )


def apply_sessions(actor: User, current: Activity, plan: SessionPlan) -> None:
    """Write the sessions and, while the activity holds rooms, their bookings (a clash refuses
    the whole edit with `venue_booked`)."""
    holds_rooms = current.status in HOLDS_ROOMS
    if plan.removed:
        if holds_rooms:
            session_bookings_release(actor=actor, sessions=plan.removed)
        Session.objects.filter(pk__in=[s.pk for s in plan.removed]).delete()
    for session in plan.moved:
        session.save(update_fields=["starts_at", "ends_at", "venue"])
    for session in plan.added:
        session.save()
    if holds_rooms and (plan.moved or plan.added):
        session_bookings_sync(actor=actor, sessions=[*plan.kept, *plan.added])
