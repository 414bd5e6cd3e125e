"""Where a person's audit events are filed (see `lifelong.common.audit_regions`): registered
for `accounts.user` by this app's `AppConfig.ready()`, since roles are this app's."""

from django.db import models

from lifelong.common.audit_regions import REGION_RESOLVERS

from ..choices import ROLE_RANK
from ..models import RoleGrant


def region_id_of_user(user: models.Model) -> int | None:
    """Where a person works (their widest admin region, else their institution's or role's
    region), else where they live."""
    grants = RoleGrant.objects.filter(user_id=user.pk).select_related("region", "institution")
    best: tuple[int, int, int] | None = None  # (rank, -depth, region id): the highest, then the widest
    for grant in grants:
        if grant.region_id is not None:
            place = (ROLE_RANK.get(grant.role, 0), -grant.region.path.count("/"), grant.region_id)
        elif grant.institution is not None:
            place = (ROLE_RANK.get(grant.role, 0), -99, grant.institution.region_id)
        else:
            continue
        if best is None or place[:2] > best[:2]:
            best = place
    if best is not None:
        return best[2]
    return getattr(user, "home_region_id", None)


def register_user_region_resolver() -> None:
    REGION_RESOLVERS["accounts.user"] = region_id_of_user
