"""Background work for activities, run by the task worker."""

from django_tasks import task


@task()
def waitlist_offer_expire(registration_id: int) -> None:
    """Runs when a waitlist offer's time is up (enqueued with run_after = the deadline)."""
    from .services import waitlist_offer_lapse

    waitlist_offer_lapse(registration_id=registration_id)
