"""Writes that change an activity after it was created: the full edit (`activity_update`) and the
one-session shortcut (`session_update`). ("Copy as a new draft" is `services.copying`.)

The rules (DESIGN §4, issue 14):
- the activity's row is locked (NO KEY UPDATE, as in the workflow) for the whole edit, so seats
  are neither taken nor freed while the capacity is checked against them: registrations take
  seats by a conditional UPDATE of that same row and wait for the edit to finish;
- capacity never goes below the seats taken (409 `capacity_below_taken`) and never above a
  venue's seats unless an admin whose scope covers the organizer says so (422
  `over_venue_capacity`);
- sessions are given as the full list: kept (with their `id`), moved, added or removed; a session
  with check-ins stays (409 `session_has_checkins`); an activity that holds rooms (submitted or
  published) books and frees them with its sessions (409 `venue_booked`);
- a change of time or place, an added or removed session tells every registered and waitlisted
  learner once per edit; more seats go to the waitlist in FIFO order in the same transaction;
- every change is audited field by field (the contact phone masked).
"""

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.masking import mask_phone
from lifelong.common.pictures import save_with_cover_edit
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.institutions.models import Venue
from lifelong.institutions.services import session_bookings_release, session_bookings_sync
from lifelong.notifications.services import notify

from . import notices, services
from .choices import ACTIVE_STATUSES, ActivityStatus, Audience, Category
from .models import Activity, Attendance, Registration, Session
from .session_times import session_times_check

# An activity in these states holds its rooms; a draft or a rejected one holds none, so that an
# idea never submitted keeps nobody else out of a room.
HOLDS_ROOMS = (ActivityStatus.SUBMITTED, ActivityStatus.PUBLISHED)
# Nothing about these changes any more.
FINISHED = (ActivityStatus.CANCELLED, ActivityStatus.COMPLETED)
# What the notice and the console say changed (the notice's words are in activities.notices).
CHANGE_TIME, CHANGE_PLACE, CHANGE_ADDED, CHANGE_REMOVED = "time", "place", "added", "removed"


class EditRaceWindowForTests:
    """Test-only switch for the concurrency suite's control run: when `unguarded`, an edit reads
    the activity without locking its row and pauses, so registrations take seats between the
    check and the write. Never set outside tests."""

    unguarded = False
    pause_seconds = 0.3


@dataclass
class ActivityChange:
    """What an edit did, for the page that says so and for the API."""

    activity: Activity
    changed: list[str] = field(default_factory=list)  # the activity's own fields, cover included
    sessions_added: int = 0
    sessions_moved: int = 0  # a new time or a new place
    sessions_removed: int = 0
    told: int = 0  # learners told of a change of time or place
    promoted: int = 0  # waitlisted learners who got a seat (or an offer of one)

    @property
    def anything(self) -> bool:
        return bool(self.changed or self.sessions_added or self.sessions_moved or self.sessions_removed)


def _audit_value(name: str, value: Any) -> Any:
    if name == "contact_phone":
        return mask_phone(value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if value is None or isinstance(value, bool | int):
        return value
    return str(value)[:80]


def _session_audit(session: Session) -> list[Any]:
    return [
        timezone.localtime(session.starts_at).isoformat(),
        timezone.localtime(session.ends_at).isoformat(),
        session.venue_id,
    ]


@dataclass
class _SessionPlan:
    kept: list[Session]
    moved: list[Session]
    moved_before: dict[int, list[Any]]
    added: list[Session]
    removed: list[Session]
    changes: set[str]
    venues_before: set[int | None] = field(default_factory=set)


def _plan_sessions(
    *,
    actor: User,
    activity: Activity,
    specs: list[dict[str, Any]] | None,
    old_venue_id: int | None,
    now: datetime,
    shown: set[int] | None = None,
    time_fields: tuple[str, str] = ("sessions", "sessions"),
) -> _SessionPlan:
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
    if specs is None:
        specs = []
        shown = set()
    if shown is not None:
        named = {spec.get("id") for spec in specs}
        # Not shown to the editor, so neither removed nor changed: kept as a spec without a venue.
        specs = [
            *specs,
            *(
                {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at}
                for s in existing
                if s.pk not in shown and s.pk not in named
            ),
        ]
    if not specs:
        raise InvalidInput(_("An activity needs at least one session."), code="no_sessions", field="sessions")
    plan = _SessionPlan(
        kept=[], moved=[], moved_before={}, added=[], removed=[], changes=set(), venues_before={old_venue_id}
    )
    plan.venues_before.update(s.venue_id for s in existing)
    seen: set[int] = set()
    for spec in specs:
        session_id = spec.get("id")
        if session_id is not None:
            session = by_id.get(session_id)
            if session is None or session_id in seen:
                raise NotFound(field="sessions")
            seen.add(session_id)
        else:
            session = Session(activity=activity)
        if "venue" in spec:
            venue_id = spec["venue"].pk if spec["venue"] is not None else None
        elif session.pk is None or session.venue_id == old_venue_id:
            venue_id = activity.venue_id
        else:
            venue_id = session.venue_id
        if venue_id is not None and venue_id != session.venue_id:
            services._check_venue(actor, Venue(pk=venue_id))
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
        if session.pk is None:
            plan.added.append(session)
            plan.changes.add(CHANGE_ADDED)
            continue
        plan.kept.append(session)
        if before != (session.starts_at, session.ends_at, session.venue_id):
            plan.moved.append(session)
            plan.moved_before[session.pk] = [
                timezone.localtime(before[0]).isoformat(),
                timezone.localtime(before[1]).isoformat(),
                before[2],
            ]
            if before[:2] != (session.starts_at, session.ends_at):
                plan.changes.add(CHANGE_TIME)
            if before[2] != session.venue_id:
                plan.changes.add(CHANGE_PLACE)
    plan.removed = [s for s in existing if s.pk not in seen]
    if plan.removed:
        plan.changes.add(CHANGE_REMOVED)
        attended = (
            Attendance.objects.filter(session__in=plan.removed).values_list("session__starts_at", flat=True).first()
        )
        if attended is not None:
            raise Conflict(
                _("The session of %(start)s has check-ins and cannot be removed; change its time instead.")
                % {"start": timezone.localtime(attended).strftime("%Y-%m-%d %H:%M")},
                code="session_has_checkins",
                field="sessions",
            )
    return plan


def _validated_values(actor: User, current: Activity, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(services.ACTIVITY_FIELDS))
    if unknown:
        raise InvalidInput(_("These cannot be changed: %(names)s.") % {"names": ", ".join(unknown)}, code="invalid")
    values = dict(fields)
    values.update(services._content_values(values))
    if "audiences" in values:
        audiences = values["audiences"] or [Audience.ALL]
        if not set(audiences) <= set(Audience.values):
            raise InvalidInput(_("Unknown audience."), code="invalid", field="audiences")
        values["audiences"] = Activity.audiences_value(audiences)
    if "category" in values and values["category"] not in Category.values:
        raise InvalidInput(_("Unknown category."), code="invalid", field="category")
    if "title" in values and not (values["title"] or "").strip():
        raise InvalidInput(_("An activity needs a title."), code="invalid", field="title")
    if values.get("venue") is not None and values["venue"] != current.venue:
        services._check_venue(actor, values["venue"])
    return {name: value for name, value in values.items() if getattr(current, name) != value}


def _check_seats(current: Activity) -> None:
    """The seats already held stay held: read under the row's lock, so no registration takes
    or frees one meanwhile. The database's check constraints stand behind this."""
    if current.capacity < current.seats_taken:
        raise Conflict(
            _("%(n)d seats are already taken: the capacity cannot be lower than that.") % {"n": current.seats_taken},
            code="capacity_below_taken",
            field="capacity",
        )
    if current.reserved_offline > current.capacity:
        raise InvalidInput(
            _("The offline reserve cannot exceed the capacity."), code="invalid", field="reserved_offline"
        )
    if current.capacity - current.reserved_offline < current.seats_taken_online:
        raise Conflict(
            _(
                "Online registrations already hold %(n)d seats: the capacity less the seats kept for offline "
                "registration cannot be lower than that."
            )
            % {"n": current.seats_taken_online},
            code="capacity_below_taken",
            field="reserved_offline",
        )


def _apply_sessions(actor: User, current: Activity, plan: _SessionPlan) -> None:
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


def _promote_all(current: Activity, *, now: datetime) -> int:
    """Give every seat that opened to the waitlist, first come first served (each promotion is
    the same conditional UPDATE a registration makes)."""
    promoted = 0
    while services._promote_from_waitlist(current, now=now) is not None:
        promoted += 1
    return promoted


def _tell_learners(current: Activity, plan: _SessionPlan, *, now: datetime) -> int:
    """One notice per registered or waitlisted learner for the whole edit: a single session
    moved is told with its new time and place, anything more as a summary."""
    learners = list(
        Registration.objects.filter(activity=current, status__in=ACTIVE_STATUSES)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
    )
    if len(plan.moved) == 1 and not (plan.added or plan.removed):
        session = plan.moved[0]
        notify(
            notices.SESSION_CHANGED,
            activity_id=current.pk,
            subject_ids=learners,
            event=f"changed:{session.pk}:{now.isoformat()}",  # every change is news, even back again
            session_id=session.pk,
        )
    else:
        notify(
            notices.ACTIVITY_CHANGED,
            activity_id=current.pk,
            subject_ids=learners,
            event=f"act_changed:{current.pk}:{now.isoformat()}",
            changes=sorted(plan.changes),
        )
    return len(learners)


@transaction.atomic
@short_lock_wait()
def activity_update(
    *,
    actor: User,
    activity: Activity,
    sessions: list[dict[str, Any]] | None = None,
    sessions_shown: set[int] | None = None,
    session_time_fields: tuple[str, str] = ("sessions", "sessions"),
    over_venue_capacity: bool = False,
    cover_upload: UploadedFile | None = None,
    cover_alt: str | None = None,
    cover_clear: bool = False,
    now: datetime | None = None,
    **fields: Any,
) -> ActivityChange:
    """Change any of the fields an organizer sets at creation (`ACTIVITY_FIELDS`; the
    organizer institution stays) and, when `sessions` is given, the full list of sessions (see
    `_plan_sessions`); with `sessions_shown` (the ids of the sessions a page showed), a session
    is removed only if it was shown and left out, so one added meanwhile by someone else stays.
    A session time refusal names `session_time_fields` (start, end; `sessions` for both unless
    the caller's form has fields of its own). Managers of the activity only (404 otherwise); a cancelled or completed
    activity changes no more (409 `invalid_transition`). Refusals change nothing: `invalid`,
    `no_sessions` (422), the session time rules' codes (422, see session_times), the booking
    rules' `booking_too_long` (422), `capacity_below_taken`, `session_has_checkins`,
    `venue_booked` (409), `over_venue_capacity` (422). A published activity tells its learners of a change of time or
    place and gives new seats to its waitlist."""
    now = now or timezone.now()
    locked = Activity.objects.select_for_update(of=("self",), no_key=True)
    if EditRaceWindowForTests.unguarded:  # the concurrency suite's control run only
        locked = Activity.objects.all()
    current = locked.select_related("institution__region", "venue", "cover", "campaign").get(pk=activity.pk)
    if EditRaceWindowForTests.unguarded:
        time.sleep(EditRaceWindowForTests.pause_seconds)
    services._require_manager(actor, current)
    if current.status in FINISHED:
        raise Conflict(_("A cancelled or completed activity cannot change."), code="invalid_transition")
    changed = _validated_values(actor, current, fields)
    before = {name: getattr(current, name) for name in changed}
    old_venue_id = current.venue_id
    for name, value in changed.items():
        setattr(current, name, value)
    if {"programme", "team"} & set(changed):
        services._check_programme_and_team(actor, current.institution, current.programme, current.team)
    saved = list(changed)
    if "campaign" in changed:
        current.campaign_status = (
            services.campaign_placement(actor, current.campaign) if current.campaign is not None else ""
        )
        saved.append("campaign_status")
    if {"capacity", "reserved_offline"} & set(changed):
        _check_seats(current)
    full_clean_or_raise(current)
    plan = _plan_sessions(
        actor=actor,
        activity=current,
        specs=sessions,
        old_venue_id=old_venue_id,
        now=now,
        shown=sessions_shown,
        time_fields=session_time_fields,
    )
    # A new capacity is held to every venue; otherwise only a venue the activity was not held
    # at before is checked, so an admin's allowed capacity survives a change of time.
    held_at = {current.venue_id, *(s.venue_id for s in [*plan.kept, *plan.added])} - {None}
    if "capacity" not in changed:
        held_at -= plan.venues_before
    overridden = services.venue_capacity_check(
        actor=actor,
        activity=current,
        venues=list(Venue.objects.filter(pk__in=held_at)),
        over_venue_capacity=over_venue_capacity,
    )
    # A new venue for the activity is a change of place for learners only where a session moved
    # with it (then `plan` says so); sessions kept at their own venues go on where they were.
    _apply_sessions(actor, current, plan)
    # Last, the activity's own row and its cover: nothing after this can refuse the edit, so an
    # uploaded picture's files never outlive a rolled-back edit.
    saved = save_with_cover_edit(
        actor=actor, target=current, changed_fields=saved, upload=cover_upload, alt=cover_alt, clear=cover_clear
    )
    result = ActivityChange(
        activity=current,
        changed=[name for name in saved if name != "campaign_status"],
        sessions_added=len(plan.added),
        sessions_moved=len(plan.moved),
        sessions_removed=len(plan.removed),
    )
    if not result.anything:
        return result
    published = current.status == ActivityStatus.PUBLISHED
    if published and {"capacity", "reserved_offline"} & set(changed):
        result.promoted = _promote_all(current, now=now)
    audit = {name: [_audit_value(name, before[name]), _audit_value(name, getattr(current, name))] for name in changed}
    if "cover" in result.changed and "cover" not in audit:
        audit["cover"] = _audit_value("cover", current.cover)
    if plan.added:
        audit["sessions_added"] = [_session_audit(s) for s in plan.added]
    if plan.moved:
        audit["sessions_moved"] = [
            {"session": s.pk, "from": plan.moved_before[s.pk], "to": _session_audit(s)} for s in plan.moved
        ]
    if plan.removed:
        audit["sessions_removed"] = [[s.pk, *_session_audit(s)] for s in plan.removed]
    if overridden:
        audit["over_venue_capacity"] = True
    if result.promoted:
        audit["promoted_from_waitlist"] = result.promoted
    audit_record(actor=actor, action=AuditAction.UPDATED, target=current, summary="activity edited", changes=audit)
    if published:
        if plan.changes:
            result.told = _tell_learners(current, plan, now=now)
        for session in [*plan.moved, *plan.added]:
            services._schedule_reminder(session)
    current.refresh_from_db(fields=["seats_taken", "seats_taken_online"])
    return result


@transaction.atomic
@short_lock_wait()
def session_update(
    *,
    actor: User,
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    venue: Venue | None | object = services.KEEP_VENUE,
    now: datetime | None = None,
) -> Session:
    """Move one session or change its venue (`None`: to be announced; left out: unchanged):
    `activity_update` naming this session alone as shown, so the other sessions stay exactly as
    they are, one added a moment ago included (they are never read here, so never a stale list).
    The activity's row is locked first, as `activity_update` does, so the session is read under
    the same lock that the edit holds. Everyone holding or waiting for a place is told, and the
    reminder follows the new time. New times meet the session time rules, refused on the field
    that breaks them (`starts_at` or `ends_at`)."""
    activity_id = Session.objects.filter(pk=session.pk).values_list("activity_id", flat=True).first()
    if activity_id is None:
        raise NotFound()
    activity = Activity.objects.select_for_update(of=("self",), no_key=True).get(pk=activity_id)
    current = Session.objects.filter(pk=session.pk, activity_id=activity_id).first()
    if current is None:  # removed while we waited for the lock
        raise NotFound()
    now = now or timezone.now()
    spec: dict[str, Any] = {"id": current.pk, "starts_at": starts_at, "ends_at": ends_at}
    if venue is not services.KEEP_VENUE:
        spec["venue"] = venue
    else:
        spec["venue"] = current.venue  # its own place, even if it is the activity's venue
    activity_update(
        actor=actor,
        activity=activity,
        sessions=[spec],
        sessions_shown={current.pk},
        session_time_fields=("starts_at", "ends_at"),
        now=now,
    )
    return Session.objects.select_related("venue").get(pk=current.pk)
