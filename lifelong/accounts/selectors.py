from contextlib import suppress

from django.db.models import Q, QuerySet

from lifelong.common.errors import InvalidInput
from lifelong.regions.models import Region

from . import policy
from .models import RoleGrant, User
from .phone import normalize_phone


def learner_list(*, actor: User, query: str = "") -> QuerySet[User]:
    """Citizens whose home village lies in the actor's admin scope; with `query`, those whose
    name contains it or, when it is a whole mobile number, whose number it is (any form
    `normalize_phone` reads: spaces, +86). Scope first: a number finds nobody outside it."""
    learners = policy.restrict(actor, policy.Action.VIEW, User.objects.all())
    query = query.strip()
    if query:
        match = Q(name__icontains=query)
        with suppress(InvalidInput):  # not a mobile number: the name alone
            match |= Q(phone=normalize_phone(query))
        learners = learners.filter(match)
    return learners.select_related("home_region__parent").order_by("home_region__path", "name", "id")


def learner_get(*, actor: User, learner_id: int) -> User | None:
    return learner_list(actor=actor).filter(pk=learner_id).first()


def role_grant_list(*, actor: User) -> QuerySet[RoleGrant]:
    grants = policy.restrict(actor, policy.Action.VIEW, RoleGrant.objects.all())
    return grants.select_related("user", "region", "institution__region").order_by("role", "user__name", "id")


def villages_in_scope(*, actor: User) -> QuerySet[Region]:
    regions = policy.restrict(actor, policy.Action.VIEW, Region.objects.all())
    return regions.filter(level="village").select_related("parent").order_by("path")


def regions_in_scope(*, actor: User) -> QuerySet[Region]:
    return policy.restrict(actor, policy.Action.VIEW, Region.objects.all()).select_related("parent")


def managed_profiles(*, actor: User) -> QuerySet[User]:
    return User.objects.filter(managed_by=actor).select_related("home_region__parent").order_by("name")
