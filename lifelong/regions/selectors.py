from django.db.models import QuerySet

from .models import Region


def region_list() -> QuerySet[Region]:
    """Every region, parents before children (regions are public)."""
    return Region.objects.select_related("parent").order_by("path")


def region_get_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def town_overview() -> QuerySet[Region]:
    return Region.objects.filter(level="town").order_by("code")
