from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from lifelong.activities import services as activity_services
from lifelong.activities.models import Activity
from lifelong.institutions.models import Institution, Venue, VenueBooking
from lifelong.institutions.services import venue_booking_create


def county_time(days: int, hour: int, minute: int = 0) -> datetime:
    """`days` from today at hour:minute, Asia/Shanghai."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute)))


def memorial_hall() -> Venue:
    """The Bu Xinsheng Memorial Hall's exhibition hall, in Wuyuan (the town admin's)."""
    return Venue.objects.get(institution__name="步鑫生纪念馆")


def school_classroom() -> Venue:
    """The Tongyuan community school's big classroom (the organizer's own institution)."""
    return Venue.objects.get(institution__kind="community_school", institution__region__code="330424105", capacity=60)


def booked(actor, venue: Venue, days: int, purpose: str, hours: tuple[int, int] = (9, 10)) -> VenueBooking:
    """`venue` booked by `actor`, `days` from today, between the two whole hours (county time)."""
    starts, ends = hours
    return venue_booking_create(
        actor=actor, venue=venue, starts_at=county_time(days, starts), ends_at=county_time(days, ends), purpose=purpose
    )


def village_meeting(actor, days: int) -> VenueBooking:
    """The school classroom booked for a village meeting, `days` from today, 09:00 to 11:00."""
    return booked(actor, school_classroom(), days, "村民大会", hours=(9, 11))


def activity_at(
    actor, venue: Venue | None, *slots: tuple[datetime, datetime], title: str = "太极入门", **extra
) -> Activity:
    """A submitted activity of `venue`'s institution (or the Tongyuan school's without a
    venue), one session per slot, held at `venue`: submitted, because a draft holds no rooms.
    A clash refuses the whole activity, as a refused submit of a new draft would leave it."""
    institution = (
        venue.institution if venue else Institution.objects.get(kind="community_school", region__code="330424105")
    )
    now = timezone.now()
    fields = {
        "title": title,
        "category": "health",
        "audiences": ["elderly"],
        "capacity": 20,
        "registration_opens": now - timedelta(days=1),
        "registration_closes": now + timedelta(days=5),
        **extra,
    }
    with transaction.atomic():
        draft = activity_services.activity_create(
            actor=actor,
            institution=institution,
            sessions=[{"starts_at": s, "ends_at": e, "venue": venue} for s, e in slots],
            **fields,
        )
        return activity_services.activity_submit(actor=actor, activity=draft)
