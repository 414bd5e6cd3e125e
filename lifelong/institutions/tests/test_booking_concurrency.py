"""Real parallel clients (one database connection each) booking overlapping slots of one venue
at once, on PostgreSQL: exactly one wins, every other gets `venue_booked`.

Two controls show that the guarantee does not rest on the service's lock and check alone:
raw overlapping inserts racing in parallel are refused by the exclusion constraint
(IntegrityError), and the service with its lock and check switched off still answers every
loser with `venue_booked`, from that constraint.

A booker kept waiting for the venue's row longer than the lock wait limit (LOCK_TIMEOUT_MS) is
asked to try again (409 `busy_try_again`, a form error on the page) and nothing is booked.
"""

import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lifelong.common.errors import Conflict
from lifelong.institutions import services
from lifelong.institutions.models import VenueBooking
from lifelong.testkit.api import ApiClient
from lifelong.testkit.races import race

from .helpers import activity_at, county_time, memorial_hall

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and exclusion constraints need PostgreSQL"),
]
CLIENTS = 16


def overlapping_bookings(county, venue):
    """Two-hour slots starting a minute apart from 09:00: every pair of them overlaps."""
    return [
        lambda n=n: services.venue_booking_create(
            actor=county.town_admin if n % 2 else county.county_admin,
            venue=venue,
            starts_at=county_time(5, 9, n),
            ends_at=county_time(5, 11, n),
            purpose=f"抢订{n}",
        )
        for n in range(CLIENTS)
    ]


def assert_one_winner(outcomes, venue):
    winners = [o for o in outcomes if isinstance(o, VenueBooking)]
    losers = [o for o in outcomes if not isinstance(o, VenueBooking)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, Conflict) and o.code == "venue_booked" for o in losers), losers
    assert all(winners[0].purpose in o.detail for o in losers)
    assert list(VenueBooking.objects.filter(venue=venue).values_list("pk", flat=True)) == [winners[0].pk]


def test_many_clients_booking_overlapping_slots_leave_exactly_one_booking(county):
    hall = memorial_hall()
    assert_one_winner(race(overlapping_bookings(county, hall)), hall)


def test_sessions_and_hand_bookings_racing_for_one_slot_leave_one(county):
    hall = memorial_hall()
    calls = overlapping_bookings(county, hall)[: CLIENTS // 2]
    calls += [
        lambda n=n: activity_at(
            county.county_admin, hall, (county_time(5, 10), county_time(5, 12)), title=f"抢订活动{n}"
        )
        for n in range(CLIENTS // 2)
    ]
    outcomes = race(calls)
    assert sum(1 for o in outcomes if not isinstance(o, Exception)) == 1, outcomes
    assert all(getattr(o, "code", None) == "venue_booked" for o in outcomes if isinstance(o, Exception)), outcomes
    assert VenueBooking.objects.filter(venue=hall).count() == 1


def test_control_raw_overlapping_inserts_racing_are_refused_by_the_exclusion_constraint(county):
    """No service, no lock, no check: each client inserts its row and waits a moment before
    committing, so the inserts really overlap in time. Only the constraint stands in the way."""
    hall = memorial_hall()

    def insert(n):
        with transaction.atomic():
            booking = VenueBooking.objects.create(
                venue=hall,
                starts_at=county_time(5, 9),
                ends_at=county_time(5, 11, n),
                purpose=f"裸插入{n}",
                booked_by=county.county_admin,
            )
            time.sleep(0.05)
        return booking

    outcomes = race([lambda n=n: insert(n) for n in range(CLIENTS)])
    refused = [o for o in outcomes if isinstance(o, IntegrityError)]
    assert len(refused) == CLIENTS - 1, outcomes
    assert all(services.NO_OVERLAP_CONSTRAINT in str(error) for error in refused)
    assert VenueBooking.objects.filter(venue=hall).count() == 1


def test_control_without_the_lock_and_check_the_constraint_still_answers_venue_booked(county, monkeypatch):
    monkeypatch.setattr(services.BookingRaceWindowForTests, "unguarded", True)
    hall = memorial_hall()
    assert_one_winner(race(overlapping_bookings(county, hall)), hall)


def test_control_without_any_guard_the_race_double_books(county, monkeypatch):
    """With the lock, the check and the constraint all gone, the same race books the venue
    many times over: the harness really races, so the guarded runs' single winner means something."""
    monkeypatch.setattr(services.BookingRaceWindowForTests, "unguarded", True)
    hall = memorial_hall()
    table = connection.ops.quote_name(VenueBooking._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {services.NO_OVERLAP_CONSTRAINT}")
    try:
        race(overlapping_bookings(county, hall))
        assert VenueBooking.objects.filter(venue=hall).count() > 1, "the harness saw no race"
    finally:
        VenueBooking.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {services.NO_OVERLAP_CONSTRAINT} "
                "EXCLUDE USING gist (venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)"
            )


def test_touching_slots_booked_at_once_all_succeed(county):
    hall = memorial_hall()
    calls = [
        lambda n=n: services.venue_booking_create(
            actor=county.county_admin,
            venue=hall,
            starts_at=county_time(5, 8 + n),
            ends_at=county_time(5, 9 + n),
            purpose=f"第{n}小时",
        )
        for n in range(8)
    ]
    outcomes = race(calls)
    assert all(isinstance(o, VenueBooking) for o in outcomes), outcomes
    assert VenueBooking.objects.filter(venue=hall).count() == 8


def while_the_venue_is_held(venue, call):
    """Run `call` in another connection while this one holds the venue's row (as a booker in
    the middle of deciding does), longer than the lock wait limit."""
    with transaction.atomic():
        list(type(venue).objects.select_for_update().filter(pk=venue.pk).values_list("pk"))
        [outcome] = race([call])
    return outcome


def test_a_booker_kept_waiting_past_the_limit_is_asked_to_try_again_and_nothing_is_booked(county, settings):
    settings.LOCK_TIMEOUT_MS = 300
    hall = memorial_hall()
    api = ApiClient(county.town_admin)
    api.headers["Accept-Language"] = "en"
    body = {
        "starts_at": county_time(5, 9).isoformat(),
        "ends_at": county_time(5, 11).isoformat(),
        "purpose": "党员学习日",
    }
    refused = while_the_venue_is_held(hall, lambda: api.post(f"/venues/{hall.pk}/bookings", body))
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Many people are doing this right now; please try again in a moment.",
        "code": "busy_try_again",
    }
    assert not VenueBooking.objects.filter(venue=hall).exists()
    # The same request, sent again once the venue is free, books it.
    assert api.post(f"/venues/{hall.pk}/bookings", body).status_code == 201


def test_the_booking_page_says_to_try_again_when_kept_waiting(county, settings, verified_client):
    settings.LOCK_TIMEOUT_MS = 300
    hall = memorial_hall()
    client = verified_client(county.town_admin)
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    form = {"starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00", "purpose": "党员学习日"}
    url = f"/console/venues/{hall.pk}/bookings/"
    page = while_the_venue_is_held(hall, lambda: client.post(url, form, headers={"accept-language": "en"}))
    assert page.status_code == 200
    assert "Many people are doing this right now; please try again in a moment." in page.content.decode()
    assert not VenueBooking.objects.filter(venue=hall).exists()
