"""The approval workflow: draft → submitted → published (or rejected), and cancelling."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import audit_record
from lifelong.institutions.services import session_bookings_release, session_bookings_sync
from lifelong.notifications.services import notify

from .. import notices
from ..choices import ACTIVE_STATUSES, ActivityStatus, RegistrationStatus
from ..models import Activity, Registration
from ..tasks import schedule_low_enrolment_check, schedule_reminder
from .access import _require_manager


def _book_rooms(actor: User, activity: Activity) -> None:
    """Sessions held at a venue book it once the activity is submitted (or published straight
    from a draft); a clash refuses the step with `venue_booked`, naming the booking in the way."""
    sessions = list(activity.sessions.select_related("activity"))
    session_bookings_sync(actor=actor, sessions=sessions)


def _transition(activity: Activity, to: ActivityStatus, allowed_from: set[str], **extra: Any) -> Activity:
    # NO KEY UPDATE: rows that merely point at the activity (a check-in's ledger entry, a
    # completion) may still be written meanwhile, so a cancel and a check-in never deadlock.
    current = (
        Activity.objects.select_for_update(of=("self",), no_key=True)
        .select_related("institution__region")
        .get(pk=activity.pk)
    )
    if current.status not in allowed_from:
        raise Conflict(
            _("The activity cannot go from “%(from)s” to “%(to)s”.")
            % {"from": current.get_status_display(), "to": to.label},
            code="invalid_transition",
        )
    current.status = to
    for name, value in extra.items():
        setattr(current, name, value)
    current.save(update_fields=["status", *extra])
    return current


@transaction.atomic
@short_lock_wait()
def activity_submit(*, actor: User, activity: Activity) -> Activity:
    _require_manager(actor, activity)
    submitted = _transition(
        activity, ActivityStatus.SUBMITTED, {ActivityStatus.DRAFT, ActivityStatus.REJECTED}, rejection_reason=""
    )
    _book_rooms(actor, submitted)
    audit_record(actor=actor, action=AuditAction.UPDATED, target=submitted, summary="submitted")
    return submitted


@transaction.atomic
@short_lock_wait()
def activity_publish(*, actor: User, activity: Activity) -> Activity:
    """Admins whose subtree covers the organizer publish submitted activities, and may publish
    drafts directly."""
    if not policy.covers(actor, activity.institution.region):
        raise NotFound()
    published = _transition(activity, ActivityStatus.PUBLISHED, {ActivityStatus.SUBMITTED, ActivityStatus.DRAFT})
    _book_rooms(actor, published)  # a draft's first; a submitted one's are already held
    audit_record(actor=actor, action=AuditAction.UPDATED, target=published, summary="published")
    notify(
        notices.ACTIVITY_PUBLISHED,
        activity_id=published.pk,
        subject_ids=[published.created_by_id],
        event=f"published:{published.pk}",
    )
    for session in published.sessions.all():
        schedule_reminder(session)
    schedule_low_enrolment_check(published)
    return published


@transaction.atomic
@short_lock_wait()
def activity_reject(*, actor: User, activity: Activity, reason: str) -> Activity:
    if not policy.covers(actor, activity.institution.region):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the activity is rejected."), code="reason_required", field="reason")
    rejected = _transition(activity, ActivityStatus.REJECTED, {ActivityStatus.SUBMITTED}, rejection_reason=reason[:300])
    session_bookings_release(actor=actor, activity=rejected)  # held again when submitted again
    audit_record(actor=actor, action=AuditAction.UPDATED, target=rejected, summary="rejected")
    notify(
        notices.ACTIVITY_REJECTED,
        activity_id=rejected.pk,
        subject_ids=[rejected.created_by_id],
        event=f"rejected:{rejected.pk}:{timezone.now().isoformat()}",
        reason=rejected.rejection_reason,
    )
    return rejected


@transaction.atomic
@short_lock_wait()
def activity_cancel(*, actor: User, activity: Activity) -> Activity:
    """Cancel an activity and every active registration on it."""
    _require_manager(actor, activity)
    cancelled = _transition(
        activity, ActivityStatus.CANCELLED, {ActivityStatus.DRAFT, ActivityStatus.SUBMITTED, ActivityStatus.PUBLISHED}
    )
    active = Registration.objects.filter(activity=cancelled, status__in=ACTIVE_STATUSES)
    registered = list(active.values_list("learner_id", flat=True))
    active.update(
        status=RegistrationStatus.CANCELLED, waitlist_position=None, offer_expires_at=None, updated_at=timezone.now()
    )
    Activity.objects.filter(pk=cancelled.pk).update(seats_taken=0, seats_taken_online=0)
    session_bookings_release(actor=actor, activity=cancelled)  # its venues are free again
    audit_record(actor=actor, action=AuditAction.UPDATED, target=cancelled, summary="cancelled")
    notify(
        notices.ACTIVITY_CANCELLED,
        activity_id=cancelled.pk,
        subject_ids=registered,
        event=f"cancelled:{cancelled.pk}",
    )
    return cancelled
