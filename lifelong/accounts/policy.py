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
from django.utils.translation import gettext_lazy as _

from lifelong.campaigns.models import Campaign
from lifelong.common.errors import DomainError, Forbidden, InvalidInput, NotFound
from lifelong.community.models import Programme, Team
from lifelong.institutions.models import Institution, Venue, VenueBooking
from lifelong.news.models import Article
from lifelong.passport.models import Certificate, LearningRecord, RecordImport
from lifelong.regions.models import Region
from lifelong.resources.models import Resource

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


def _paths_q(actor: User | None, path_lookup: str) -> Q:
    """Q for rows whose region path (`path_lookup`) lies in one of the actor's admin subtrees."""
    if is_superuser(actor):
        return Q()
    paths = [r.path for r in admin_regions(actor)]
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_lookup}__startswith": p}) for p in paths))


def _own_institution_ids(actor: User | None) -> list[int]:
    return [g.institution_id for g in grants(actor) if g.role in INSTITUTION_ROLES]


def _role_paths_q(actor: User | None, role: Role, path_lookup: str) -> Q:
    """Q for rows in the subtree of a region where the actor holds `role` (editors and
    reviewers work on content for a region; they administer nothing)."""
    paths = [g.region.path for g in grants(actor) if g.role == role]
    return reduce(or_, (Q(**{f"{path_lookup}__startswith": p}) for p in paths), Q(pk__in=[]))


def _editor_paths_q(actor: User | None, path_lookup: str) -> Q:
    return _role_paths_q(actor, Role.EDITOR, path_lookup)


def _holds_role_over(actor: User | None, role: Role, region: Region) -> bool:
    return any(g.role == role and g.region is not None and g.region.contains(region) for g in grants(actor))


def may_write_articles_for(actor: User | None, region: Region) -> bool:
    """Editors of a region covering `region` and admins over it write its articles."""
    return covers(actor, region) or _holds_role_over(actor, Role.EDITOR, region)


def may_review_articles_for(actor: User | None, region: Region) -> bool:
    """Reviewers of a region covering `region` and admins over it publish its articles."""
    return covers(actor, region) or _holds_role_over(actor, Role.REVIEWER, region)


def works_on_articles(actor: User | None) -> bool:
    """Writes or reviews articles somewhere (opens the console's news pages)."""
    return is_admin(actor) or any(g.role in (Role.EDITOR, Role.REVIEWER) and g.region_id for g in grants(actor))


def article_regions(actor: User | None) -> QuerySet[Region]:
    """The regions `may_write_articles_for` allows, as a query (the form's choices)."""
    return Region.objects.filter(_paths_q(actor, "path") | _editor_paths_q(actor, "path"))


def may_share_resources_of(actor: User | None, institution: Institution) -> bool:
    """May the actor publish learning resources for the institution? Its organizers and
    instructors, editors of a region covering it, and admins whose subtree covers it."""
    if institution.pk in _own_institution_ids(actor) or covers(actor, institution.region):
        return True
    return any(g.role == Role.EDITOR and g.region.contains(institution.region) for g in grants(actor))


def resource_publishing_institutions(actor: User | None) -> QuerySet[Institution]:
    """The institutions `may_share_resources_of` allows, as a query (form choices, scope)."""
    q = _paths_q(actor, "region__path") | Q(pk__in=_own_institution_ids(actor)) | _editor_paths_q(actor, "region__path")
    return Institution.objects.filter(q)


def _organized_institution_ids(actor: User | None) -> list[int]:
    return [g.institution_id for g in grants(actor) if g.role == Role.ORGANIZER]


def restrict(actor: User | None, action: Action, queryset: QuerySet) -> QuerySet:
    """Filter `queryset` to the objects `actor` may `action`."""
    model = queryset.model
    if model is Region:
        q = _paths_q(actor, "path")
    elif model is Institution:
        q = _paths_q(actor, "region__path")
        if action is Action.VIEW:
            q |= Q(pk__in=_own_institution_ids(actor))
    elif model is Venue:
        q = _paths_q(actor, "institution__region__path")
        if action is Action.VIEW:
            q |= Q(institution_id__in=_own_institution_ids(actor))
        elif action is Action.BOOK:
            q |= Q(institution_id__in=_organized_institution_ids(actor))
    elif model is VenueBooking:
        # Seen and cancelled by whoever may book the venue: admins over it, its organizers.
        q = _paths_q(actor, "venue__institution__region__path") | Q(
            venue__institution_id__in=_organized_institution_ids(actor)
        )
    elif model is RoleGrant:
        q = _paths_q(actor, "region__path") | _paths_q(actor, "institution__region__path")
    elif model is User:
        q = _paths_q(actor, "home_region__path")
    elif model is LearningRecord:
        q = _paths_q(actor, "learner__home_region__path")
    elif model is Certificate:
        # Admins over the institution that ran the activity, or over the holder's home.
        q = _paths_q(actor, "activity__institution__region__path") | _paths_q(actor, "learner__home_region__path")
    elif model is RecordImport:
        q = _paths_q(actor, "region__path")
    elif model is Resource:
        # The same people as `may_share_resources_of`, for both seeing and changing (the
        # public library is a selector of its own).
        q = (
            _paths_q(actor, "institution__region__path")
            | Q(institution_id__in=_own_institution_ids(actor))
            | _editor_paths_q(actor, "institution__region__path")
        )
    elif model is Programme:
        q = _paths_q(actor, "town__path")
    elif model is Team:
        q = _paths_q(actor, "region__path")
    elif model is Campaign:
        q = _paths_q(actor, "host_region__path")
    elif model is Article:
        # Admins over its region see, write and review it; editors write and reviewers review
        # what their region covers, and both see it (a reviewer reads what they will judge).
        q = _paths_q(actor, "region__path")
        if action in (Action.VIEW, Action.CHANGE):
            q |= _editor_paths_q(actor, "region__path")
        if action in (Action.VIEW, Action.REVIEW):
            q |= _role_paths_q(actor, Role.REVIEWER, "region__path")
    else:
        raise TypeError(f"No scope rule for {model.__name__}")
    return queryset.filter(q)


def can(actor: User | None, action: Action, obj: Model) -> bool:
    """May `actor` do `action` on the saved object `obj`? The same rule as `restrict()`."""
    return restrict(actor, action, type(obj).objects.filter(pk=obj.pk)).exists()


def grant_refusal(
    actor: User | None, *, role: str, region: Region | None, institution: Institution | None
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
