"""`registration_retire`: the one place a registration is cancelled (by the learner or staff in
`registration_cancel`, and by a learner merge for the weaker of two registrations)."""

from django.db import transaction
from django.utils import timezone

from lifelong.activities import services
from lifelong.activities.models import Registration
from lifelong.notifications.models import Notification

from .helpers import assert_counters_match, new_learner, published_activity


def _retire(registration: Registration) -> None:
    with transaction.atomic():
        locked = Registration.objects.select_for_update().select_related("activity").get(pk=registration.pk)
        services.registration_retire(registration=locked, now=timezone.now())


def test_retiring_a_seat_frees_it_for_the_first_in_line_and_says_nothing(demo, django_capture_on_commit_callbacks):
    activity = published_activity(demo, capacity=1)
    holder, first, second = (new_learner(demo) for _ in range(3))
    held = services.registration_create(actor=holder, activity=activity, learner=holder)
    waiting = [services.registration_create(actor=who, activity=activity, learner=who) for who in (first, second)]
    notices_before = Notification.objects.filter(recipient=holder).count()
    with django_capture_on_commit_callbacks(execute=True):
        _retire(held)
    held.refresh_from_db()
    assert (held.status, held.waitlist_position, held.offer_expires_at) == ("cancelled", None, None)
    promoted, still_waiting = (Registration.objects.get(pk=r.pk) for r in waiting)
    assert (promoted.status, still_waiting.status) == ("confirmed", "waitlisted")  # offer_hours = 0: FIFO
    assert_counters_match(activity)
    # Telling the learner is the caller's business (a merge keeps their stronger registration).
    assert Notification.objects.filter(recipient=holder).count() == notices_before


def test_retiring_a_waitlisted_registration_frees_no_seat(demo):
    activity = published_activity(demo, capacity=1)
    holder, waiting = new_learner(demo), new_learner(demo)
    services.registration_create(actor=holder, activity=activity, learner=holder)
    queued = services.registration_create(actor=waiting, activity=activity, learner=waiting)
    _retire(queued)
    queued.refresh_from_db()
    assert (queued.status, queued.waitlist_position) == ("cancelled", None)
    activity.refresh_from_db()
    assert activity.seats_taken == 1
    assert_counters_match(activity)
