"""Whose dashboard: the regions an actor may open, and the public open-data page."""

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.errors import NotFound
from lifelong.regions.models import Region

from .periods import Period
from .results import Dashboard
from .rollups import _dashboard


def _county() -> Region:
    county = Region.objects.filter(parent__isnull=True).order_by("path").first()
    if county is None:
        raise NotFound(field="region")
    return county


def dashboard_for(*, actor: User, region_code: str | None, period: Period) -> Dashboard:
    """The dashboard of `region_code`'s subtree for an admin whose scope covers it (a
    superuser: any region). `region_code` None opens the actor's highest admin region (a
    superuser's: the county). Unknown regions, regions outside the actor's admin subtrees and
    actors who administer nothing all answer NotFound, so scope never reveals what exists.
    The breadcrumb starts at the highest of the actor's admin regions that covers the region."""
    superuser = policy.is_superuser(actor)
    scopes = sorted(policy.admin_regions(actor), key=lambda r: (len(r.path), r.path))
    if not superuser and not scopes:
        raise NotFound(field="region")
    if region_code is None:
        region = _county() if superuser else scopes[0]
    else:
        region = Region.objects.filter(code=str(region_code)).first()
        if region is None or not policy.covers(actor, region):
            raise NotFound(field="region")
    top_path = "" if superuser else next(r.path for r in scopes if r.contains(region))
    return _dashboard(region, period, top_path=top_path)


def open_data(*, period: Period) -> Dashboard:
    """The county's dashboard for the public open-data page: no actor, no scope check. The
    rollups hold counts only (no names, no person-level rows), so nothing personal can show;
    the page shows the county and its towns. Breadcrumb: [county]."""
    county = _county()
    return _dashboard(county, period, top_path=county.path)
