from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.regions.models import Region

from .choices import InstitutionKind
from .models import Institution, Venue, VenueBooking


def institution_public_list(*, region: Region | None = None, kind: str | None = None) -> QuerySet[Institution]:
    """Active institutions, public fields, optionally within a region's subtree."""
    institutions = Institution.objects.filter(is_active=True).select_related("region")
    if region is not None:
        institutions = institutions.filter(region__path__startswith=region.path)
    if kind:
        institutions = institutions.filter(kind=kind)
    return institutions.order_by("region__path", "kind", "name", "id")


def venue_public_list(*, region: Region | None = None) -> QuerySet[Venue]:
    venues = Venue.objects.filter(is_active=True, institution__is_active=True).select_related("institution__region")
    if region is not None:
        venues = venues.filter(institution__region__path__startswith=region.path)
    return venues.order_by("institution__region__path", "institution__name", "name", "id")


# A town's materialized path is its county code, "/", its own 9-digit code and "/".
TOWN_PATH_LENGTH = len("330424/330424001/")


def network_counts_by_town() -> dict[str, dict[str, int]]:
    """Per town path: how many institutions and venues its subtree holds (two grouped queries)."""
    counts: dict[str, dict[str, int]] = {}
    grouped = [
        ("institutions", Institution.objects.filter(is_active=True).exclude(region__level="county"), "region__path"),
        ("venues", venue_public_list().exclude(institution__region__level="county"), "institution__region__path"),
    ]
    for label, queryset, path_field in grouped:
        rows = (
            queryset.annotate(town_path=Substr(path_field, 1, TOWN_PATH_LENGTH))
            .order_by()
            .values("town_path")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts.setdefault(row["town_path"], {})[label] = row["n"]
    return counts


def town_institutions(*, town: Region) -> QuerySet[Institution]:
    active_venues = Venue.objects.filter(is_active=True).order_by("name")
    return institution_public_list(region=town).prefetch_related(
        Prefetch("venues", queryset=active_venues, to_attr="active_venues")
    )


def institution_staff_list(*, actor: User, action: policy.Action = policy.Action.VIEW) -> QuerySet[Institution]:
    return policy.restrict(actor, action, Institution.objects.all()).select_related("region__parent")


def venue_staff_list(*, actor: User, action: policy.Action = policy.Action.VIEW) -> QuerySet[Venue]:
    return policy.restrict(actor, action, Venue.objects.all()).select_related("institution__region")


# --- The public venue directory (/venues/, lifelong.activities.venue_views) and bookings -----

# The halls the directory lists: lifelong-learning experience halls, then rural culture halls.
HALL_KINDS = (InstitutionKind.EXPERIENCE_HALL, InstitutionKind.CULTURE_HALL)


def venue_public_get(*, venue_id: int) -> Venue | None:
    return venue_public_list().select_related("cover", "institution__region__parent").filter(pk=venue_id).first()


def venue_bookable_list(*, actor: User) -> QuerySet[Venue]:
    """Active venues the actor may book: admins' venues in their subtree, organizers' own."""
    venues = Venue.objects.filter(is_active=True, institution__is_active=True)
    return policy.restrict(actor, policy.Action.BOOK, venues).select_related("institution__region")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def venue_bookings(
    *,
    actor: User,
    venue: Venue,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> QuerySet[VenueBooking]:
    """The venue's bookings the actor may see, in time order: those not yet over, or, given
    `date_from`/`date_to` (days in county time), those touching that period."""
    bookings = policy.restrict(actor, policy.Action.VIEW, VenueBooking.objects.filter(venue=venue))
    if date_from is None and date_to is None:
        bookings = bookings.filter(ends_at__gt=now or timezone.now())
    if date_from is not None:
        bookings = bookings.filter(ends_at__gt=_day_start(date_from))
    if date_to is not None:
        bookings = bookings.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    return bookings.select_related("venue", "booked_by", "session__activity").order_by("starts_at", "id")


def booking_for_actor(*, actor: User, booking_id: int) -> VenueBooking | None:
    return (
        policy.restrict(actor, policy.Action.VIEW, VenueBooking.objects.filter(pk=booking_id))
        .select_related("venue", "booked_by", "session__activity")
        .first()
    )
