"""Seats, taken and freed so that an activity is never overbooked.

Seat rules (DESIGN §4): seats are taken by one conditional UPDATE of the activity's counters
(`... WHERE seats_taken < capacity`), never by counting and then inserting; online
registrations, and a family member's for a relative they manage, may hold at most
`capacity - reserved_offline` seats (`Registration.counts_online`): the reserve is for staff
registering the people they serve; a freed seat goes, in the cancelling transaction, to the
first waitlisted learner whose registration may take it. Freeing a seat needs no lock. The
counters' check constraints make overbooking impossible even if a caller got this wrong.
"""

import time

from django.db.models import F
from django.utils.translation import gettext as _

from lifelong.common.errors import Conflict

from .choices import RegistrationStatus
from .models import Activity, Registration


class RaceWindowForTests:
    """Test-only switch for the concurrency suite's control run: when `unguarded`, seats are
    decided by counting registrations and then inserting (the classic bug), with a pause in
    between, so the test can show that its clients really race. Never set outside tests."""

    unguarded = False
    pause_seconds = 0.05


def _take_seat(activity_id: int, *, online: bool) -> bool:
    """Take one seat with a single conditional UPDATE; False when none is open to the channel."""
    seats = Activity.objects.filter(pk=activity_id, seats_taken__lt=F("capacity"))
    if online:
        seats = seats.filter(seats_taken_online__lt=F("capacity") - F("reserved_offline"))
        return seats.update(seats_taken=F("seats_taken") + 1, seats_taken_online=F("seats_taken_online") + 1) == 1
    return seats.update(seats_taken=F("seats_taken") + 1) == 1


def _release_seat(activity_id: int, *, online: bool) -> None:
    changes = {"seats_taken": F("seats_taken") - 1}
    if online:
        changes["seats_taken_online"] = F("seats_taken_online") - 1
    Activity.objects.filter(pk=activity_id).update(**changes)


def _next_waitlist_position(activity_id: int) -> int:
    Activity.objects.filter(pk=activity_id).update(waitlist_last_position=F("waitlist_last_position") + 1)
    return Activity.objects.values_list("waitlist_last_position", flat=True).get(pk=activity_id)


def _unguarded_seat_check(activity: Activity) -> bool:
    """The race the concurrency suite's control run must be able to see (see RaceWindowForTests)."""
    held = Registration.objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED).count()
    time.sleep(RaceWindowForTests.pause_seconds)
    return held < activity.capacity


def _looks_full(activity: Activity, registration: Registration) -> bool:
    return (activity.online_seats_left if registration.counts_online else activity.seats_left) <= 0


def _place(registration: Registration, activity: Activity) -> None:
    """Give the registration a seat, or a place on the waitlist, or refuse with `full`."""
    if _take_seat(activity.pk, online=registration.counts_online):
        registration.status = RegistrationStatus.CONFIRMED
    elif activity.waitlist:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_position = _next_waitlist_position(activity.pk)
        registration.was_waitlisted = True
    else:
        raise Conflict(_("This activity is full."), code="full")
