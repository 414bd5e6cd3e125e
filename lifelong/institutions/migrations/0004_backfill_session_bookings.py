from django.db import migrations


def book_existing_sessions(apps, schema_editor):
    """Sessions held at a venue before bookings existed book it now, so that nobody books a
    room an activity already uses. Sessions of cancelled activities hold no room; where two
    existing sessions already share a room at once, the earlier-created one keeps it (the
    database would refuse a second claim) and staff see the clash when they next move either."""
    Session = apps.get_model("activities", "Session")
    VenueBooking = apps.get_model("institutions", "VenueBooking")
    sessions = (
        Session.objects.filter(venue__isnull=False)
        .exclude(activity__status="cancelled")
        .filter(booking__isnull=True)
        .select_related("activity")
        .order_by("id")
    )
    for session in sessions.iterator():
        taken = VenueBooking.objects.filter(
            venue_id=session.venue_id, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
        ).exists()
        if not taken:
            VenueBooking.objects.create(
                venue_id=session.venue_id,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                purpose=session.activity.title[:160],
                booked_by_id=session.activity.created_by_id,
                session=session,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_create_activity_session_registration"),
        ("institutions", "0003_add_venue_booking"),
    ]

    # Undoing keeps the rows: they are ordinary bookings, and 0003's reversal drops the table.
    operations = [migrations.RunPython(book_existing_sessions, migrations.RunPython.noop)]
