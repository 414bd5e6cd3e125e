"""Background work for activities, run by the task worker, and its queueing: each task runs its
work from a module that does not import this one (`waitlist`, `reminders`); the services queue
the tasks through the `schedule_*` functions here."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .choices import RegistrationStatus
from .models import Activity, Registration, Session
from .reminders import LOW_ENROLMENT_LEAD, REMINDER_LEAD, low_enrolment_alert, session_remind
from .waitlist import waitlist_offer_lapse


@task()
def waitlist_offer_expire(registration_id: int) -> None:
    """Runs when a waitlist offer's time is up (enqueued with run_after = the deadline)."""
    schedule_offer_expiry(waitlist_offer_lapse(registration_id=registration_id))


@task()
def session_reminders(session_id: int, starts_at: str) -> None:
    """Runs the day before a session (enqueued with run_after = start - REMINDER_LEAD)."""
    session_remind(session_id=session_id, starts_at=starts_at)


@task()
def low_enrolment_check(activity_id: int) -> None:
    """Runs LOW_ENROLMENT_LEAD before registration closes."""
    low_enrolment_alert(activity_id=activity_id)


def schedule_offer_expiry(registration: Registration | None) -> None:
    """Once the transaction commits, queue the lapse of the seat the waitlist just offered to
    `registration` (`waitlist._promote_from_waitlist`'s answer): nothing when it placed nobody,
    or gave the seat outright."""
    if registration is None or registration.status != RegistrationStatus.OFFERED:
        return
    registration_id, run_after = registration.pk, registration.offer_expires_at
    transaction.on_commit(lambda: waitlist_offer_expire.using(run_after=run_after).enqueue(registration_id))


def schedule_reminder(session: Session) -> None:
    session_id, starts_at = session.pk, session.starts_at
    transaction.on_commit(
        lambda: session_reminders.using(run_after=starts_at - REMINDER_LEAD).enqueue(session_id, starts_at.isoformat())
    )


def schedule_low_enrolment_check(activity: Activity) -> None:
    run_after = activity.registration_closes - LOW_ENROLMENT_LEAD
    if run_after <= timezone.now():
        return  # published too close to the deadline for an alert to help
    activity_id = activity.pk
    transaction.on_commit(lambda: low_enrolment_check.using(run_after=run_after).enqueue(activity_id))
