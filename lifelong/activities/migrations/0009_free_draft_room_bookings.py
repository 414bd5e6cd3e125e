from django.db import migrations


def free_draft_bookings(apps, schema_editor):
    """A draft (or a rejected activity) holds no room until it is submitted: the bookings its
    sessions made when drafts still booked are freed, so an idea never submitted keeps nobody
    else out of a room. Submitting the activity books them again."""
    VenueBooking = apps.get_model("institutions", "VenueBooking")
    VenueBooking.objects.filter(session__activity__status__in=["draft", "rejected"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0008_activity_description_contact_cover"),
        ("institutions", "0005_venue_transport_coordinates_cover"),
    ]

    # Undoing keeps things as they are: a freed room was free to book meanwhile.
    operations = [migrations.RunPython(free_draft_bookings, migrations.RunPython.noop)]
