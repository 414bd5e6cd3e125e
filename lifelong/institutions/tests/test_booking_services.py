"""Venue bookings: no overlaps (half-open intervals), cancelling frees the slot, bad input
writes nothing, scope answers 404; sessions held at a venue book it and follow it."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from lifelong.activities import services as activity_services
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.institutions.models import VenueBooking
from lifelong.institutions.services import venue_booking_cancel, venue_booking_create

from .helpers import activity_at, county_time, memorial_hall, school_classroom


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def book(actor, venue, starts, ends, purpose="党员学习日"):
    return venue_booking_create(actor=actor, venue=venue, starts_at=starts, ends_at=ends, purpose=purpose)


def test_a_town_admin_books_a_hall_and_it_is_audited(demo):
    hall = memorial_hall()
    booking = book(demo.town_admin, hall, county_time(5, 9), county_time(5, 11))
    assert booking.venue == hall and booking.booked_by == demo.town_admin and booking.session is None
    event = AuditEvent.objects.get(object_type="institutions.venuebooking", object_id=str(booking.pk))
    assert event.action == "created" and event.actor == demo.town_admin
    assert event.changes["purpose"] == "党员学习日" and event.changes["venue"] == hall.pk


def test_an_overlapping_booking_is_refused_naming_the_booking_in_the_way(demo):
    hall = memorial_hall()
    book(demo.town_admin, hall, county_time(5, 9), county_time(5, 11), purpose="太极入门")
    day = timezone.localdate() + timedelta(days=5)
    for starts, ends in [
        (county_time(5, 10), county_time(5, 12)),  # overlaps the end
        (county_time(5, 8), county_time(5, 9, 30)),  # overlaps the start
        (county_time(5, 9, 30), county_time(5, 10)),  # inside
        (county_time(5, 8), county_time(5, 12)),  # around
        (county_time(5, 9), county_time(5, 11)),  # the very same slot
    ]:
        with pytest.raises(Conflict) as refused:
            book(demo.county_admin, hall, starts, ends, purpose="另一场")
        assert refused.value.code == "venue_booked"
        assert refused.value.detail == f"The venue is already booked for 太极入门 from {day:%Y-%m-%d} 09:00 to 11:00."
    assert VenueBooking.objects.filter(venue=hall).count() == 1


def test_touching_bookings_do_not_clash_and_other_venues_are_independent(demo):
    hall = memorial_hall()
    book(demo.town_admin, hall, county_time(5, 9), county_time(5, 10))
    book(demo.town_admin, hall, county_time(5, 10), county_time(5, 11))  # starts when the first ends
    book(demo.town_admin, hall, county_time(5, 8), county_time(5, 9))  # ends when the first starts
    book(demo.organizer, school_classroom(), county_time(5, 9), county_time(5, 10))  # another venue, same time
    assert VenueBooking.objects.filter(venue=hall).count() == 3


def test_a_clash_running_past_midnight_names_both_days(demo):
    hall = memorial_hall()
    book(demo.town_admin, hall, county_time(5, 20), county_time(6, 8), purpose="通宵观星")
    with pytest.raises(Conflict) as refused:
        book(demo.town_admin, hall, county_time(6, 7), county_time(6, 9))
    first, second = (timezone.localdate() + timedelta(days=d) for d in (5, 6))
    assert refused.value.detail == (
        f"The venue is already booked for 通宵观星 from {first:%Y-%m-%d} 20:00 to {second:%Y-%m-%d} 08:00."
    )


def test_cancelling_frees_the_slot_and_is_audited(demo):
    hall = memorial_hall()
    booking = book(demo.town_admin, hall, county_time(5, 9), county_time(5, 11))
    venue_booking_cancel(actor=demo.county_admin, booking=booking)
    assert not VenueBooking.objects.filter(pk=booking.pk).exists()
    event = AuditEvent.objects.get(object_id=str(booking.pk), summary="booking cancelled")
    assert event.actor == demo.county_admin and event.changes["starts_at"] == county_time(5, 9).isoformat()
    again = book(demo.county_admin, hall, county_time(5, 9), county_time(5, 11))
    assert again.pk != booking.pk


@pytest.mark.parametrize(
    ("starts", "ends", "code"),
    [
        ((5, 11), (5, 9), "invalid_period"),  # ends before it starts
        ((5, 9), (5, 9), "invalid_period"),  # zero length
        ((5, 9), (20, 9), "booking_too_long"),  # 15 days
        ((-3, 9), (-3, 11), "booking_in_past"),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_written(demo, starts, ends, code):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        book(demo.town_admin, memorial_hall(), county_time(*starts), county_time(*ends))
    assert refused.value.code == code
    assert not VenueBooking.objects.exists() and AuditEvent.objects.count() == before


def test_fourteen_days_is_the_longest_booking(demo):
    book(demo.town_admin, memorial_hall(), county_time(5, 9), county_time(19, 9))


def test_a_blank_purpose_is_refused(demo):
    with pytest.raises(InvalidInput) as refused:
        book(demo.town_admin, memorial_hall(), county_time(5, 9), county_time(5, 11), purpose="   ")
    assert refused.value.field == "purpose"
    assert not VenueBooking.objects.exists()


def test_only_staff_over_the_venue_book_it_and_others_get_not_found(demo):
    hall, classroom = memorial_hall(), school_classroom()  # Wuyuan; Tongyuan's school
    for actor, venue in [
        (demo.organizer, hall),  # another institution's
        (demo.village_admin, classroom),  # the town's school lies above a village admin
        (demo.town_admin, classroom),  # another town
        (demo.young_learner, hall),
    ]:
        with pytest.raises(NotFound):
            book(actor, venue, county_time(5, 9), county_time(5, 11))
    assert not VenueBooking.objects.exists()
    book(demo.organizer, classroom, county_time(5, 9), county_time(5, 11))  # their own institution's
    book(demo.county_admin, classroom, county_time(6, 9), county_time(6, 11))
    # Nor may someone outside cancel, or even see, a booking.
    booking = VenueBooking.objects.filter(venue=classroom).first()
    with pytest.raises(NotFound):
        venue_booking_cancel(actor=demo.town_admin, booking=booking)
    assert VenueBooking.objects.filter(venue=classroom).count() == 2


def test_an_inactive_venue_cannot_be_booked(demo):
    hall = memorial_hall()
    hall.is_active = False
    hall.save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        book(demo.county_admin, hall, county_time(5, 9), county_time(5, 11))


def test_a_booking_that_is_over_stays_on_the_record(demo):
    booking = book(demo.town_admin, memorial_hall(), county_time(1, 9), county_time(1, 11))
    with pytest.raises(Conflict) as refused:
        venue_booking_cancel(actor=demo.town_admin, booking=booking, now=county_time(1, 12))
    assert refused.value.code == "booking_over"
    assert VenueBooking.objects.filter(pk=booking.pk).exists()


# --- Sessions book their venue ----------------------------------------------------------------


def test_a_session_at_a_venue_books_it_and_a_clashing_activity_is_refused_whole(demo):
    hall = memorial_hall()
    first = activity_at(demo.county_admin, hall, (county_time(8, 9), county_time(8, 11)), title="太极入门")
    session = first.sessions.get()
    booking = VenueBooking.objects.get(session=session)
    assert (booking.venue, booking.starts_at, booking.ends_at) == (hall, session.starts_at, session.ends_at)
    assert booking.display_purpose == "太极入门" and booking.booked_by == demo.county_admin

    activities_before = first.__class__.objects.count()
    with pytest.raises(Conflict) as refused:
        activity_at(
            demo.town_admin,
            hall,
            (county_time(9, 9), county_time(9, 10)),  # free
            (county_time(8, 10), county_time(8, 12)),  # meets 太极入门
            title="书法班",
        )
    day = timezone.localdate() + timedelta(days=8)
    assert refused.value.code == "venue_booked"
    assert refused.value.detail == f"The venue is already booked for 太极入门 from {day:%Y-%m-%d} 09:00 to 11:00."
    assert first.__class__.objects.count() == activities_before  # nothing of the refused activity is left
    assert VenueBooking.objects.count() == 1


def test_a_booking_made_by_hand_blocks_a_session_too(demo):
    hall = memorial_hall()
    book(demo.town_admin, hall, county_time(8, 9), county_time(8, 11), purpose="党员学习日")
    with pytest.raises(Conflict) as refused:
        activity_at(demo.county_admin, hall, (county_time(8, 10), county_time(8, 11)))
    assert "党员学习日" in refused.value.detail


def test_a_session_without_a_venue_books_nothing(demo):
    activity = activity_at(demo.organizer, None, (county_time(8, 9), county_time(8, 11)))
    assert activity.sessions.get().venue is None
    assert not VenueBooking.objects.exists()
    # Many activities at the same time without a venue never clash.
    for _ in range(3):
        activity_at(demo.organizer, None, (county_time(8, 9), county_time(8, 11)))


def test_moving_a_session_moves_its_booking_or_is_refused_naming_the_clash(demo):
    hall = memorial_hall()
    activity = activity_at(demo.county_admin, hall, (county_time(8, 9), county_time(8, 11)), title="太极入门")
    other = activity_at(demo.county_admin, hall, (county_time(8, 14), county_time(8, 16)), title="书法班")
    session = activity.sessions.get()
    activity_services.session_update(
        actor=demo.county_admin, session=session, starts_at=county_time(9, 9), ends_at=county_time(9, 11)
    )
    booking = VenueBooking.objects.get(session=session)
    assert (booking.starts_at, booking.ends_at) == (county_time(9, 9), county_time(9, 11))
    # The old slot is free again.
    book(demo.town_admin, hall, county_time(8, 9), county_time(8, 11))

    with pytest.raises(Conflict) as refused:
        activity_services.session_update(
            actor=demo.county_admin,
            session=other.sessions.get(),
            starts_at=county_time(9, 10),
            ends_at=county_time(9, 12),
        )
    assert refused.value.code == "venue_booked" and "太极入门" in refused.value.detail
    moved = other.sessions.get()
    assert moved.starts_at == county_time(8, 14)  # the refused move changed nothing
    assert VenueBooking.objects.get(session=moved).starts_at == county_time(8, 14)


def test_changing_or_dropping_a_sessions_venue_follows_with_the_booking(demo):
    hall, classroom = memorial_hall(), school_classroom()
    activity = activity_at(demo.county_admin, hall, (county_time(8, 9), county_time(8, 11)))
    session = activity.sessions.get()
    book(demo.organizer, classroom, county_time(8, 10), county_time(8, 12), purpose="电脑班")
    with pytest.raises(Conflict) as refused:
        activity_services.session_update(
            actor=demo.county_admin,
            session=session,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            venue=classroom,
        )
    assert "电脑班" in refused.value.detail
    assert VenueBooking.objects.get(session=session).venue == hall
    activity_services.session_update(
        actor=demo.county_admin, session=session, starts_at=session.starts_at, ends_at=session.ends_at, venue=None
    )
    assert not VenueBooking.objects.filter(session=session).exists()
    activity_services.session_update(
        actor=demo.county_admin, session=session, starts_at=session.starts_at, ends_at=session.ends_at, venue=hall
    )
    assert VenueBooking.objects.get(session=session).venue == hall


def test_a_sessions_booking_is_not_cancelled_by_hand(demo):
    activity = activity_at(demo.county_admin, memorial_hall(), (county_time(8, 9), county_time(8, 11)))
    booking = VenueBooking.objects.get(session__activity=activity)
    with pytest.raises(Conflict) as refused:
        venue_booking_cancel(actor=demo.county_admin, booking=booking)
    assert refused.value.code == "booked_by_session" and "太极入门" in refused.value.detail
    assert VenueBooking.objects.filter(pk=booking.pk).exists()


def test_cancelling_an_activity_frees_its_sessions_venues(demo):
    hall = memorial_hall()
    activity = activity_at(
        demo.county_admin, hall, (county_time(8, 9), county_time(8, 11)), (county_time(15, 9), county_time(15, 11))
    )
    assert VenueBooking.objects.filter(session__activity=activity).count() == 2
    activity_services.activity_cancel(actor=demo.county_admin, activity=activity)
    assert not VenueBooking.objects.exists()
    assert AuditEvent.objects.filter(summary="session booking released").count() == 2
    activity_at(demo.town_admin, hall, (county_time(8, 9), county_time(8, 11)), title="新的活动")
