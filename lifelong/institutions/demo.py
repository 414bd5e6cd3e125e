"""Demo bookings of the experience halls in the coming days (demo only, never in production),
made through the booking service as staff would. Afternoons are chosen so that they never meet
the demo activities, which start at 09:00."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from lifelong.accounts.models import User

from .models import Venue, VenueBooking
from .services import venue_booking_create

# (experience hall, days from today, start as (hour, minute) in county time, hours, purpose,
# who books: a persona's phone)
DEMO_BOOKINGS = [
    ("步鑫生纪念馆", 1, (14, 0), 2, "武原街道社区党员学习日参观", "13900000002"),
    ("步鑫生纪念馆", 3, (14, 30), 1.5, "海盐县实验小学研学参观", "13900000002"),
    ("通元农耕文化体验馆", 2, (13, 30), 2.5, "通元镇老年大学农耕体验课", "13900000001"),
    ("秦山核电科普馆", 4, (14, 0), 2, "企业新员工安全文化培训", "13900000001"),
]


def venue_bookings_demo_load() -> int:
    """Book the experience halls for a few afternoons; returns how many bookings were made."""
    today = timezone.localdate()
    bookers = {user.phone: user for user in User.objects.filter(phone__in={row[-1] for row in DEMO_BOOKINGS})}
    for hall, days, (hour, minute), hours, purpose, phone in DEMO_BOOKINGS:
        venue = Venue.objects.get(institution__kind="experience_hall", institution__name=hall)
        starts = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour, minute)))
        venue_booking_create(
            actor=bookers[phone],
            venue=venue,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            purpose=purpose,
        )
    return VenueBooking.objects.filter(session=None).count()
