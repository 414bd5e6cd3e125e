from django.db.models import Q, QuerySet

from .models import Region


def region_list() -> QuerySet[Region]:
    """Every region, parents before children (regions are public)."""
    return Region.objects.select_related("parent").order_by("path")


def region_get_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def subtree_q(region: Region, field: str = "region") -> Q:
    """Q matching objects whose `field` region lies in `region`'s subtree (itself included)."""
    return Q(**{f"{field}__path__startswith": region.path})


def town_overview() -> QuerySet[Region]:
    return Region.objects.filter(level="town").order_by("code")
