"""The waitlist: a freed seat offered (or given) to the first in line whose channel may take it,
and an offer that lapses. An offer lapses by the task worker at its deadline; this module, which
that task runs, does not import the tasks: whoever calls `_promote_from_waitlist` (cancelling, a
larger capacity, the lapse task) queues a new offer's expiry with `tasks.schedule_offer_expiry`."""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from lifelong.notifications.services import notify

from . import notices
from .choices import RegistrationStatus
from .models import Activity, Registration
from .seats import _release_seat, _take_seat

# How far down the waitlist a freed seat looks for someone whose channel may take it.
PROMOTION_SCAN = 200


def _promote_from_waitlist(activity: Activity, *, now: datetime) -> Registration | None:
    """Hand a freed seat to the first waitlisted learner whose channel may take it: confirmed
    at once when the activity gives no time to accept, otherwise offered until a deadline (the
    caller has the offer's expiry queued: `tasks.schedule_offer_expiry`). Returns whom it placed."""
    queue = Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).order_by(
        "waitlist_position"
    )
    if connection.features.has_select_for_update_skip_locked:
        # Two cancellations at once must not promote the same learner twice.
        queue = queue.select_for_update(skip_locked=True)
    for candidate in queue[:PROMOTION_SCAN]:
        if not _take_seat(activity.pk, online=candidate.counts_online):
            if candidate.counts_online:
                continue  # only an offline-reserved seat is free; someone further down may take it
            return None
        candidate.waitlist_position = None
        if activity.offer_hours == 0:
            candidate.status = RegistrationStatus.CONFIRMED
            candidate.save(update_fields=["status", "waitlist_position", "updated_at"])
            notify(
                notices.PROMOTED,
                activity_id=activity.pk,
                subject_ids=[candidate.learner_id],
                event=f"promoted:{candidate.pk}",
            )
        else:
            candidate.status = RegistrationStatus.OFFERED
            candidate.offer_expires_at = now + timedelta(hours=activity.offer_hours)
            candidate.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
            notify(
                notices.SEAT_OFFERED,
                activity_id=activity.pk,
                subject_ids=[candidate.learner_id],
                event=f"offered:{candidate.pk}",
                deadline=format_date(timezone.localtime(candidate.offer_expires_at), "Y-m-d H:i"),
            )
        return candidate
    return None


@transaction.atomic
def waitlist_offer_lapse(*, registration_id: int, now: datetime | None = None) -> Registration | None:
    """An offer not accepted in time: the seat passes to the next in line, whom it returns (the
    task that runs it queues the expiry of a new offer). Safe to run twice or early (it then
    does nothing)."""
    now = now or timezone.now()
    current = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(pk=registration_id, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .first()
    )
    if current is None:
        return None
    current.status = RegistrationStatus.CANCELLED
    current.offer_expires_at = None
    current.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _release_seat(current.activity_id, online=current.counts_online)
    notify(
        notices.OFFER_LAPSED,
        activity_id=current.activity_id,
        subject_ids=[current.learner_id],
        event=f"offer_lapsed:{current.pk}",
    )
    return _promote_from_waitlist(current.activity, now=now)
