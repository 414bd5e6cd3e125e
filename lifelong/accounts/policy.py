"""The one policy module: "may this actor do this?" and "which objects may this actor see?".

Scope comes from `RoleGrant`s. An admin role (county, town, village) covers its region's
subtree; organizers and instructors see their own institution. Every staff list, detail and
form choice is filtered with `restrict()` in the query itself; anything outside answers 404.
Grants are read once per request (cached on the user object), so a revoked role stops
working on the actor's next request.
"""

from enum import StrEnum
from functools import reduce
from operator import or_

from django.db.models import Model, Q, QuerySet

from lifelong.institutions.models import Institution, Venue
from lifelong.regions.models import Region

from .choices import ADMIN_ROLE_LEVEL, INSTITUTION_ROLES, ROLE_RANK, Role
from .models import RoleGrant, User


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"


SUPERUSER_RANK = 99


def grants(actor: User | None) -> list[RoleGrant]:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return []
    cached = getattr(actor, "_lifelong_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=actor).select_related("region", "institution__region"))
        actor._lifelong_grants = cached
    return cached


def is_superuser(actor: User | None) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active and actor.is_superuser)


def is_staff_member(actor: User | None) -> bool:
    """Holds any staff role (or is a superuser): needs two-factor and may open the console."""
    return is_superuser(actor) or bool(grants(actor))


def admin_regions(actor: User | None) -> list[Region]:
    return [g.region for g in grants(actor) if g.role in ADMIN_ROLE_LEVEL]


def rank(actor: User | None) -> int:
    if is_superuser(actor):
        return SUPERUSER_RANK
    return max((ROLE_RANK[g.role] for g in grants(actor)), default=-1)


def covers(actor: User | None, region: Region | None) -> bool:
    """Does one of the actor's admin roles cover `region` (its subtree included)?"""
    if region is None:
        return False
    return is_superuser(actor) or any(r.contains(region) for r in admin_regions(actor))


def _subtree_q(actor: User | None, field: str) -> Q:
    """Q for objects whose region (reached by `field`) lies in an admin subtree of the actor."""
    if is_superuser(actor):
        return Q()
    paths = [r.path for r in admin_regions(actor)]
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__path__startswith": p}) for p in paths))


def _own_institution_ids(actor: User | None) -> list[int]:
    return [g.institution_id for g in grants(actor) if g.role in INSTITUTION_ROLES]


def restrict(actor: User | None, action: Action, queryset: QuerySet) -> QuerySet:
    """Filter `queryset` to the objects `actor` may `action`."""
    model = queryset.model
    if model is Region:
        q = _region_q(actor)
    elif model is Institution:
        q = _subtree_q(actor, "region")
        if action is Action.VIEW:
            q |= Q(pk__in=_own_institution_ids(actor))
    elif model is Venue:
        q = _subtree_q(actor, "institution__region")
        if action is Action.VIEW:
            q |= Q(institution_id__in=_own_institution_ids(actor))
    elif model is RoleGrant:
        q = _subtree_q(actor, "region") | _subtree_q(actor, "institution__region")
    elif model is User:
        q = _subtree_q(actor, "home_region")
    else:
        raise TypeError(f"No scope rule for {model.__name__}")
    return queryset.filter(q)


def _region_q(actor: User | None) -> Q:
    if is_superuser(actor):
        return Q()
    paths = [r.path for r in admin_regions(actor)]
    return reduce(or_, (Q(path__startswith=p) for p in paths)) if paths else Q(pk__in=[])


def can(actor: User | None, action: Action, obj: Model) -> bool:
    """May `actor` do `action` on the saved object `obj`? The same rule as `restrict()`."""
    return restrict(actor, action, type(obj).objects.filter(pk=obj.pk)).exists()


def may_grant(actor: User | None, *, role: str, region: Region | None, institution: Institution | None) -> bool:
    """Nobody grants a role above their own, nor outside their own subtree."""
    place = institution.region if institution is not None else region
    return covers(actor, place) and ROLE_RANK[Role(role)] <= rank(actor) and _level_fits(role, region)


def may_revoke(actor: User | None, grant: RoleGrant) -> bool:
    """Revoking needs a strictly higher rank: admins do not remove their peers or superiors
    (a superuser removes a county admin), and nobody removes their own grants this way."""
    if grant.user_id == getattr(actor, "pk", None):
        return False
    return covers(actor, grant.scope_region) and ROLE_RANK[Role(grant.role)] < rank(actor)


def _level_fits(role: str, region: Region | None) -> bool:
    level = ADMIN_ROLE_LEVEL.get(Role(role))
    return level is None or (region is not None and region.level == level)
