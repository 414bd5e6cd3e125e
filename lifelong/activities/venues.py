"""Reads for the public venue pages (`venue_views`): what is coming up at the venues. They live
here, above institutions, because a venue's programme is made of activities' sessions."""

from datetime import datetime

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from lifelong.institutions.choices import InstitutionKind
from lifelong.institutions.models import Institution, Venue
from lifelong.institutions.selectors import HALL_KINDS, institution_public_list
from lifelong.regions.models import Region

from .choices import ActivityStatus
from .models import Session

# How many upcoming activities the directory shows under each venue.
UPCOMING_PER_VENUE = 3


def upcoming_sessions(*, now: datetime | None = None) -> QuerySet[Session]:
    """Sessions of published activities that have not ended yet, soonest first."""
    return (
        Session.objects.filter(activity__status=ActivityStatus.PUBLISHED, ends_at__gt=now or timezone.now())
        .select_related("activity")
        .order_by("starts_at", "id")
    )


def hall_directory(
    *, town: Region | None = None, kind: str | None = None, now: datetime | None = None
) -> QuerySet[Institution]:
    """Active experience and culture halls (experience halls first), optionally in a town's
    subtree or of one kind, each with `active_venues`, and each venue with its next
    `upcoming_sessions` (at most UPCOMING_PER_VENUE): a fixed number of queries per page."""
    kinds = [kind] if kind in HALL_KINDS else list(HALL_KINDS)
    sessions = upcoming_sessions(now=now)[:UPCOMING_PER_VENUE]  # sliced per venue (a window query)
    venues = (
        Venue.objects.filter(is_active=True)
        .order_by("name", "id")
        .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="upcoming_sessions"))
    )
    experience_first = Case(
        When(kind=InstitutionKind.EXPERIENCE_HALL, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        institution_public_list(region=town)
        .filter(kind__in=kinds)
        .select_related("region__parent")
        .prefetch_related(Prefetch("venues", queryset=venues, to_attr="active_venues"))
        .order_by(experience_first, "region__path", "name", "id")
    )
