"""The policy's building blocks: "may this actor do this?" and "which objects may this actor see?".

Scope comes from `RoleGrant`s. An admin role (county, town, village) covers its region's
subtree; organizers and instructors see their own institution. Every staff list, detail and
form choice is filtered with `restrict()` in the query itself; anything outside answers 404.
Grants are read once per request (cached on the user object), so a revoked role stops
working on the actor's next request.

Each app owns the rules for its own models: its `policy.py` writes one scope rule per model
(`rule(actor, action) -> Q`, the one queryset filter for it) from the blocks here
(`subtree_q`, `own_institution_ids`, `role_subtree_q`…) and registers it from its
`AppConfig.ready()` with `register_scope`. `restrict()` and `can()` look the rule up, so this
module imports no app above accounts. Its own models (User, RoleGrant) and Region (regions lies
below accounts and cannot import it) have their rules here.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import reduce
from operator import or_
from typing import Protocol

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lifelong.common.errors import DomainError, Forbidden, InvalidInput, NotFound
from lifelong.regions.models import Region

from .choices import ADMIN_ROLE_LEVEL, INSTITUTION_ROLES, ROLE_RANK, Role
from .models import RoleGrant, User


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    BOOK = "book"  # venues: book rooms (admins over the venue, organizers of its institution)
    REVIEW = "review"  # articles: send back, publish, archive (reviewers and admins over it)


SUPERUSER_RANK = 99
NO_RANK = -1


def grants(actor: User | None) -> list[RoleGrant]:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return []
    cached = getattr(actor, "_lifelong_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=actor).select_related("region", "institution__region"))
        actor._lifelong_grants = cached
    return cached


def remember_no_grants(actor: User) -> None:
    """The caller already knows the actor holds no role (see the bearer-token lookup)."""
    actor._lifelong_grants = []


def is_superuser(actor: User | None) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active and actor.is_superuser)


def is_staff_member(actor: User | None) -> bool:
    """Holds any staff role (or is a superuser): needs two-factor and may open the console."""
    return is_superuser(actor) or bool(grants(actor))


def admin_regions(actor: User | None) -> list[Region]:
    return [g.region for g in grants(actor) if g.role in ADMIN_ROLE_LEVEL]


def is_admin(actor: User | None) -> bool:
    """Administers some part of the network (and so may create and edit there)."""
    return is_superuser(actor) or bool(admin_regions(actor))


def rank_at(actor: User | None, region: Region | None) -> int:
    """The actor's highest admin rank among the grants that cover `region`. A town admin of
    Ganpu who is also village admin in Tongyuan acts in Tongyuan as a village admin only."""
    if region is None:
        return NO_RANK
    if is_superuser(actor):
        return SUPERUSER_RANK
    ranks = [ROLE_RANK[g.role] for g in grants(actor) if g.role in ADMIN_ROLE_LEVEL and g.region.contains(region)]
    return max(ranks, default=NO_RANK)


def covers(actor: User | None, region: Region | None) -> bool:
    """Does one of the actor's admin roles cover `region` (its subtree included)?"""
    return rank_at(actor, region) > NO_RANK


def subtree_q(actor: User | None, path_lookup: str) -> Q:
    """Q for rows whose region path (`path_lookup`) lies in one of the actor's admin subtrees:
    `covers()` as a query. A superuser's is true of every row: not the empty `Q()`, which an
    or (`Q() | Q(x)` is `Q(x)`) would drop, leaving a superuser only what the other part grants."""
    if is_superuser(actor):
        return ~Q(pk__in=[])
    paths = [r.path for r in admin_regions(actor)]
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_lookup}__startswith": p}) for p in paths))


def own_institution_ids(actor: User | None) -> list[int]:
    """The institutions where the actor is an organizer or an instructor."""
    return [g.institution_id for g in grants(actor) if g.role in INSTITUTION_ROLES]


def organized_institution_ids(actor: User | None) -> list[int]:
    """The institutions where the actor is an organizer."""
    return [g.institution_id for g in grants(actor) if g.role == Role.ORGANIZER]


def role_subtree_q(actor: User | None, role: Role, path_lookup: str) -> Q:
    """Q for rows in the subtree of a region where the actor holds `role` (editors and
    reviewers work on content for a region; they administer nothing): `holds_role_over()`
    as a query."""
    paths = [g.region.path for g in grants(actor) if g.role == role]
    return reduce(or_, (Q(**{f"{path_lookup}__startswith": p}) for p in paths), Q(pk__in=[]))


def holds_role_over(actor: User | None, role: Role, region: Region) -> bool:
    """Does the actor hold `role` at a region covering `region`?"""
    return any(g.role == role and g.region is not None and g.region.contains(region) for g in grants(actor))


# --- The registry of scope rules ---------------------------------------------------------------

ScopeRule = Callable[[User | None, Action], Q]

_scope_rules: dict[type[Model], ScopeRule] = {}


def register_scope(model: type[Model], rule: ScopeRule) -> None:
    """Make `rule(actor, action) -> Q` the one filter `restrict()` and `can()` apply to `model`.
    Each app registers its own models' rules from its `AppConfig.ready()`. A model has one rule:
    registering a different one for it is a programming error."""
    existing = _scope_rules.get(model)
    if existing is not None and existing is not rule:
        raise ValueError(f"{model.__name__} already has a scope rule ({existing.__module__}.{existing.__qualname__})")
    _scope_rules[model] = rule


def scope_rule(model: type[Model]) -> ScopeRule:
    """The scope rule registered for `model` (TypeError naming the model when there is none)."""
    try:
        return _scope_rules[model]
    except KeyError:
        raise TypeError(f"No scope rule for {model.__name__}") from None


def restrict(actor: User | None, action: Action, queryset: QuerySet) -> QuerySet:
    """Filter `queryset` to the objects `actor` may `action`."""
    return queryset.filter(scope_rule(queryset.model)(actor, action))


def can(actor: User | None, action: Action, obj: Model) -> bool:
    """May `actor` do `action` on the saved object `obj`? The same rule as `restrict()`."""
    return restrict(actor, action, type(obj).objects.filter(pk=obj.pk)).exists()


# --- Accounts' own rules (and Region's) -------------------------------------------------------


def region_scope(actor: User | None, action: Action) -> Q:
    """Admins see and act in their subtree."""
    return subtree_q(actor, "path")


def role_grant_scope(actor: User | None, action: Action) -> Q:
    """A grant held at a region or at an institution inside the actor's admin subtree."""
    return subtree_q(actor, "region__path") | subtree_q(actor, "institution__region__path")


def user_scope(actor: User | None, action: Action) -> Q:
    """Learners whose home lies in the actor's admin subtree."""
    return subtree_q(actor, "home_region__path")


def register_account_scopes() -> None:
    """accounts' AppConfig.ready(): the rules for User, RoleGrant and Region."""
    register_scope(Region, region_scope)
    register_scope(RoleGrant, role_grant_scope)
    register_scope(User, user_scope)


# --- Granting and revoking roles ---------------------------------------------------------------


class HeldAt(Protocol):
    """Where an institution role is held (an institution; typed without importing the app
    above accounts that defines it)."""

    region: Region


def grant_refusal(
    actor: User | None, *, role: str, region: Region | None, institution: HeldAt | None
) -> DomainError | None:
    """Why `actor` may not grant `role` at this place, or None when they may. Nobody grants a
    role above their own, nor outside their own subtree (that answers 404, as if unseen)."""
    place = institution.region if institution is not None else region
    own_rank = rank_at(actor, place)
    if own_rank == NO_RANK:
        return NotFound(field="institution" if institution is not None else "region")
    if ROLE_RANK[Role(role)] > own_rank:
        return Forbidden(_("You cannot grant a role above your own."), code="role_above_own", field="role")
    level = ADMIN_ROLE_LEVEL.get(Role(role))
    if level is not None and (region is None or region.level != level):
        return InvalidInput(_("This role is held at a different level of region."), code="wrong_level", field="region")
    return None


def revoke_refusal(actor: User | None, grant: RoleGrant) -> DomainError | None:
    """Why `actor` may not revoke `grant`, or None. Revoking needs a strictly higher rank where
    the grant is held: admins do not remove their peers or superiors (a superuser removes a
    county admin), and nobody removes their own grants this way."""
    own_rank = rank_at(actor, grant.scope_region)
    if own_rank == NO_RANK:
        return NotFound()
    if grant.user_id == getattr(actor, "pk", None) or ROLE_RANK[Role(grant.role)] >= own_rank:
        return Forbidden(_("You may only remove roles below your own."), code="role_not_below_own")
    return None


def may_revoke(actor: User | None, grant: RoleGrant) -> bool:
    return revoke_refusal(actor, grant) is None
