"""Writes that change an activity after it was created: the full edit (`activity_update`) and the
one-session shortcut (`session_update`); comparing and writing an edit's sessions is `session_plan`'s.
("Copy as a new draft" is `copying`.)

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
from lifelong.notifications.services import notify

from .. import notices
from ..campaign_rules import campaign_placement
from ..choices import ACTIVE_STATUSES, ActivityStatus, Audience, Category
from ..models import Activity, Registration, Session
from ..tasks import schedule_offer_expiry, schedule_reminder
from ..waitlist import _promote_from_waitlist
from .access import _require_manager
from .activities import (
    ACTIVITY_FIELDS,
    KEEP_VENUE,
    _check_programme_and_team,
    _check_venue,
    _content_values,
    venue_capacity_check,
)
from .session_plan import SessionPlan, apply_sessions, plan_sessions

# Nothing about these changes any more.
FINISHED = (ActivityStatus.CANCELLED, ActivityStatus.COMPLETED)


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


def _validated_values(actor: User, current: Activity, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(ACTIVITY_FIELDS))
    if unknown:
        raise InvalidInput(_("These cannot be changed: %(names)s.") % {"names": ", ".join(unknown)}, code="invalid")
    values = dict(fields)
    values.update(_content_values(values))
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
        _check_venue(actor, values["venue"])
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


def _promote_all(current: Activity, *, now: datetime) -> int:
    """Give every seat that opened to the waitlist, first come first served (each promotion is
    the same conditional UPDATE a registration makes)."""
    promoted = 0
    while (placed := _promote_from_waitlist(current, now=now)) is not None:
        schedule_offer_expiry(placed)
        promoted += 1
    return promoted


def _tell_learners(current: Activity, plan: SessionPlan, *, now: datetime) -> int:
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


def _locked_for_edit(actor: User, activity: Activity) -> Activity:
    """The activity's row, locked (NO KEY UPDATE) for the whole edit; 404 for anyone but its
    managers, 409 `invalid_transition` once it is cancelled or completed."""
    locked = Activity.objects.select_for_update(of=("self",), no_key=True)
    if EditRaceWindowForTests.unguarded:  # the concurrency suite's control run only
        locked = Activity.objects.all()
    current = locked.select_related("institution__region", "venue", "cover", "campaign").get(pk=activity.pk)
    if EditRaceWindowForTests.unguarded:
        time.sleep(EditRaceWindowForTests.pause_seconds)
    _require_manager(actor, current)
    if current.status in FINISHED:
        raise Conflict(_("A cancelled or completed activity cannot change."), code="invalid_transition")
    return current


def _set_fields(actor: User, current: Activity, changed: dict[str, Any]) -> list[str]:
    """Set the changed fields on the locked activity and check what they touch (programme and
    team, campaign, seats, the row's own rules); the fields to save."""
    for name, value in changed.items():
        setattr(current, name, value)
    if {"programme", "team"} & set(changed):
        _check_programme_and_team(actor, current.institution, current.programme, current.team)
    saved = list(changed)
    if "campaign" in changed:
        current.campaign_status = campaign_placement(actor, current.campaign) if current.campaign is not None else ""
        saved.append("campaign_status")
    if {"capacity", "reserved_offline"} & set(changed):
        _check_seats(current)
    full_clean_or_raise(current)
    return saved


def _venue_capacity_held(
    actor: User, current: Activity, plan: SessionPlan, *, capacity_changed: bool, over_venue_capacity: bool
) -> bool:
    """The capacity checked against the venues the activity is held at (see
    `venue_capacity_check`); True when an admin's override let it pass."""
    # A new capacity is held to every venue; otherwise only a venue the activity was not held
    # at before is checked, so an admin's allowed capacity survives a change of time.
    held_at = {current.venue_id, *(s.venue_id for s in [*plan.kept, *plan.added])} - {None}
    if not capacity_changed:
        held_at -= plan.venues_before
    return venue_capacity_check(
        actor=actor,
        activity=current,
        venues=list(Venue.objects.filter(pk__in=held_at)),
        over_venue_capacity=over_venue_capacity,
    )


def _edit_audit(
    current: Activity,
    result: ActivityChange,
    plan: SessionPlan,
    *,
    before: dict[str, Any],
    changed: dict[str, Any],
    overridden: bool,
) -> dict[str, Any]:
    """What the audit records of an edit: each field from and to (the contact phone masked),
    the sessions added, moved and removed, an override, the promotions."""
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
    return audit


def _change_of(current: Activity, saved: list[str], plan: SessionPlan) -> ActivityChange:
    return ActivityChange(
        activity=current,
        changed=[name for name in saved if name != "campaign_status"],
        sessions_added=len(plan.added),
        sessions_moved=len(plan.moved),
        sessions_removed=len(plan.removed),
    )


def _edit_follow_up(
    actor: User,
    current: Activity,
    result: ActivityChange,
    plan: SessionPlan,
    *,
    before: dict[str, Any],
    changed: dict[str, Any],
    overridden: bool,
    now: datetime,
) -> None:
    """After an edit that changed something: new seats go to the waitlist, the edit is audited,
    a published activity's learners are told and its new session times get their reminders."""
    published = current.status == ActivityStatus.PUBLISHED
    if published and {"capacity", "reserved_offline"} & set(changed):
        result.promoted = _promote_all(current, now=now)
    audit = _edit_audit(current, result, plan, before=before, changed=changed, overridden=overridden)
    audit_record(actor=actor, action=AuditAction.UPDATED, target=current, summary="activity edited", changes=audit)
    if published:
        if plan.changes:
            result.told = _tell_learners(current, plan, now=now)
        for session in [*plan.moved, *plan.added]:
            schedule_reminder(session)
    current.refresh_from_db(fields=["seats_taken", "seats_taken_online"])


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
    `session_plan.plan_sessions`); with `sessions_shown` (the ids of the sessions a page showed), a session
    is removed only if it was shown and left out, so one added meanwhile by someone else stays.
    A session time refusal names `session_time_fields` (start, end; `sessions` for both unless
    the caller's form has fields of its own). Managers of the activity only (404 otherwise); a cancelled or completed
    activity changes no more (409 `invalid_transition`). Refusals change nothing: `invalid`,
    `no_sessions` (422), the session time rules' codes (422, see session_times), the booking
    rules' `booking_too_long` (422), `capacity_below_taken`, `session_has_checkins`,
    `venue_booked` (409), `over_venue_capacity` (422). A published activity tells its learners of a change of time or
    place and gives new seats to its waitlist."""
    now = now or timezone.now()
    current = _locked_for_edit(actor, activity)
    changed = _validated_values(actor, current, fields)
    before = {name: getattr(current, name) for name in changed}
    old_venue_id = current.venue_id
    saved = _set_fields(actor, current, changed)
    plan = plan_sessions(
        actor=actor,
        activity=current,
        specs=sessions,
        old_venue_id=old_venue_id,
        now=now,
        shown=sessions_shown,
        time_fields=session_time_fields,
    )
    overridden = _venue_capacity_held(
        actor, current, plan, capacity_changed="capacity" in changed, over_venue_capacity=over_venue_capacity
    )
    # A new venue for the activity is a change of place for learners only where a session moved
    # with it (then `plan` says so); sessions kept at their own venues go on where they were.
    apply_sessions(actor, current, plan)
    # Last, the activity's own row and its cover: nothing after this can refuse the edit, so an
    # uploaded picture's files never outlive a rolled-back edit.
    saved = save_with_cover_edit(
        actor=actor, target=current, changed_fields=saved, upload=cover_upload, alt=cover_alt, clear=cover_clear
    )
    result = _change_of(current, saved, plan)
    if not result.anything:
        return result
    _edit_follow_up(actor, current, result, plan, before=before, changed=changed, overridden=overridden, now=now)
    return result


@transaction.atomic
@short_lock_wait()
def session_update(
    *,
    actor: User,
    session: Session,
    starts_at: datetime,
    ends_at: datetime,
    venue: Venue | None | object = KEEP_VENUE,
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
    if venue is not KEEP_VENUE:
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
