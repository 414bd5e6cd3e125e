"""Who may do what in the honours flow, on top of the one policy module.

Admin scope is `policy.covers` (the actor administers a region whose subtree holds the
place). Calls add one twist: a county call invites nominations from the towns and villages
below, so an admin whose own region lies *inside* the call's region takes part too (they
nominate from their own subtree only). Reviewers hold the `reviewer` role at a region; it
covers calls in that region's subtree.
"""

from lifelong.accounts import policy
from lifelong.accounts.choices import ADMIN_ROLE_LEVEL, Role
from lifelong.accounts.models import User
from lifelong.regions.models import Region


def _grant_regions(actor: User | None, roles) -> list[Region]:
    return [g.region for g in policy.grants(actor) if g.role in roles and g.region_id]


def reviewer_regions(actor: User | None) -> list[Region]:
    return _grant_regions(actor, {Role.REVIEWER})


def takes_part_in(actor: User | None, region: Region) -> bool:
    """An admin above the call's region, or inside it."""
    if policy.is_superuser(actor):
        return True
    return any(r.contains(region) or region.contains(r) for r in _grant_regions(actor, set(ADMIN_ROLE_LEVEL)))


def may_run_call(actor: User | None, region: Region) -> bool:
    """Admins whose subtree covers the call's region open, close and award it."""
    return policy.covers(actor, region)


def may_review(actor: User | None, region: Region) -> bool:
    """Reviewers whose region covers the call's, and the call's own admins."""
    return policy.covers(actor, region) or any(r.contains(region) for r in reviewer_regions(actor))


def may_see_call(actor: User | None, region: Region) -> bool:
    return takes_part_in(actor, region) or may_review(actor, region)


def may_nominate(actor: User | None, *, call_region: Region, place: Region | None) -> bool:
    """The recipient lies in the call's region and in the actor's own admin subtree."""
    return place is not None and call_region.contains(place) and policy.covers(actor, place)
