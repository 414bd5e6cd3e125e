from collections import Counter

from django.db.models import Prefetch, QuerySet

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.regions.models import Region

from .models import Institution, Venue


def town_path(path: str) -> str:
    """The town part of a materialized path (`330424/330424105/330424105201/` → `330424/330424105/`)."""
    return "/".join(path.split("/")[:2]) + "/"


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


def network_counts_by_town() -> dict[str, Counter]:
    """Per town path: how many institutions and venues its subtree holds (two queries)."""
    counts: dict[str, Counter] = {}
    for path in Institution.objects.filter(is_active=True, region__level__in=["town", "village"]).values_list(
        "region__path", flat=True
    ):
        counts.setdefault(town_path(path), Counter())["institutions"] += 1
    for path in (
        venue_public_list()
        .filter(institution__region__level__in=["town", "village"])
        .values_list("institution__region__path", flat=True)
    ):
        counts.setdefault(town_path(path), Counter())["venues"] += 1
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
