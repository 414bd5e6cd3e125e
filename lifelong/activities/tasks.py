"""Background work for activities, run by the task worker."""

from django_tasks import task


@task()
def waitlist_offer_expire(registration_id: int) -> None:
    """Runs when a waitlist offer's time is up (enqueued with run_after = the deadline)."""
    from .services import waitlist_offer_lapse

    waitlist_offer_lapse(registration_id=registration_id)


@task()
def session_reminders(session_id: int, starts_at: str) -> None:
    """Runs the day before a session (enqueued with run_after = start - REMINDER_LEAD)."""
    from .services import session_remind

    session_remind(session_id=session_id, starts_at=starts_at)


@task()
def low_enrolment_check(activity_id: int) -> None:
    """Runs LOW_ENROLMENT_LEAD before registration closes."""
    from .services import low_enrolment_alert

    low_enrolment_alert(activity_id=activity_id)
