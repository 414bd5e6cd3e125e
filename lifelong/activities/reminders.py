"""Reminders and alerts, run by the task worker at their time (queued when an activity is
published or its sessions move: `tasks.schedule_reminder`, `tasks.schedule_low_enrolment_check`)."""

from datetime import datetime, timedelta

from django.utils import timezone

from lifelong.accounts.choices import Role
from lifelong.accounts.models import RoleGrant
from lifelong.notifications.services import notify

from . import notices
from .choices import ActivityStatus, RegistrationStatus
from .models import Activity, Registration, Session

# Confirmed learners are reminded this long before each session.
REMINDER_LEAD = timedelta(hours=24)
# Organizers hear of an activity this long before registration closes if fewer than this share
# of its seats is taken, while there is still time to spread the word.
LOW_ENROLMENT_LEAD = timedelta(hours=48)
LOW_ENROLMENT_SHARE = 0.3


def session_remind(*, session_id: int, starts_at: str, now: datetime | None = None) -> int:
    """Remind the confirmed learners of a session that starts within REMINDER_LEAD. Does
    nothing when the session has moved since (its new time has its own reminder), when the
    activity is no longer published, or when called early or late. Returns how many were told."""
    now = now or timezone.now()
    session = Session.objects.select_related("activity").filter(pk=session_id).first()
    if session is None or session.starts_at.isoformat() != starts_at:
        return 0
    if session.activity.status != ActivityStatus.PUBLISHED or not (
        session.starts_at - REMINDER_LEAD <= now < session.starts_at
    ):
        return 0
    learners = list(
        Registration.objects.filter(activity_id=session.activity_id, status=RegistrationStatus.CONFIRMED).values_list(
            "learner_id", flat=True
        )
    )
    notify(
        notices.REMINDER,
        activity_id=session.activity_id,
        subject_ids=learners,
        event=f"reminder:{session.pk}:{starts_at}",
        session_id=session.pk,
    )
    return len(learners)


def low_enrolment_alert(*, activity_id: int, now: datetime | None = None) -> bool:
    """Tell the organizers when, LOW_ENROLMENT_LEAD before registration closes, fewer than
    LOW_ENROLMENT_SHARE of the seats are taken. True when an alert went out."""
    now = now or timezone.now()
    activity = Activity.objects.filter(pk=activity_id, status=ActivityStatus.PUBLISHED).first()
    if activity is None or not (
        activity.registration_closes - LOW_ENROLMENT_LEAD <= now < activity.registration_closes
    ):
        return False
    if activity.seats_taken >= activity.capacity * LOW_ENROLMENT_SHARE:
        return False
    organizers = set(
        RoleGrant.objects.filter(institution_id=activity.institution_id, role=Role.ORGANIZER).values_list(
            "user_id", flat=True
        )
    )
    notify(
        notices.LOW_ENROLMENT,
        activity_id=activity.pk,
        subject_ids=sorted(organizers | {activity.created_by_id}),
        event=f"low:{activity.pk}",
    )
    return True
