from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Substr

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.regions.models import Region

from .models import Institution, Venue


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
