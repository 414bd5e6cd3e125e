"""Migration 0004 books the venues of sessions that existed before bookings did."""

import importlib

from django.apps import apps

from lifelong.activities.models import Activity, Session
from lifelong.institutions.models import VenueBooking

from .helpers import activity_at, county_time, memorial_hall

backfill = importlib.import_module("lifelong.institutions.migrations.0004_backfill_session_bookings")


def test_existing_sessions_at_venues_are_booked_skipping_clashes_and_cancelled_ones(demo):
    hall = memorial_hall()
    activity = activity_at(demo.county_admin, None, (county_time(5, 9), county_time(5, 11)), title="老活动")
    cancelled = activity_at(demo.county_admin, None, (county_time(6, 9), county_time(6, 11)), title="已取消")
    Activity.objects.filter(pk=cancelled.pk).update(status="cancelled")
    # Sessions written before bookings existed: straight to the table, as old rows are.
    Session.objects.filter(activity__in=[activity, cancelled]).update(venue=hall)
    clashing = Session.objects.create(
        activity=activity, venue=hall, starts_at=county_time(5, 10), ends_at=county_time(5, 12)
    )
    elsewhere = Session.objects.create(
        activity=activity, venue=None, starts_at=county_time(7, 9), ends_at=county_time(7, 10)
    )

    backfill.book_existing_sessions(apps, None)
    backfill.book_existing_sessions(apps, None)  # running twice books nothing twice

    booking = VenueBooking.objects.get()
    assert booking.session == activity.sessions.order_by("id").first() and booking.venue == hall
    assert (booking.starts_at, booking.ends_at, booking.purpose) == (county_time(5, 9), county_time(5, 11), "老活动")
    assert booking.booked_by == demo.county_admin
    assert not VenueBooking.objects.filter(session__in=[clashing, elsewhere]).exists()
