from django.db.models import Q, QuerySet

from .models import Region


def ancestor_paths(path: str) -> list[str]:
    """`330424/330424001/` → [`330424/`, `330424/330424001/`]: the paths of the region at `path`
    and of every region above it, top first."""
    codes = [code for code in path.split("/") if code]
    return ["".join(f"{code}/" for code in codes[: n + 1]) for n in range(len(codes))]


def over_or_under_q(path: str, field: str = "path") -> Q:
    """Rows whose region path (`field`) is that of the region at `path`, of a region above it
    (a prefix of `path`) or of one in its subtree (`path` is its prefix): a county's
    campaign for a town, and a town's own week for the county."""
    return Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": ancestor_paths(path)})


def region_list() -> QuerySet[Region]:
    """Every region, parents before children (regions are public)."""
    return Region.objects.select_related("parent").order_by("path")


def region_get_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def town_overview() -> QuerySet[Region]:
    return Region.objects.filter(level="town").order_by("code")
