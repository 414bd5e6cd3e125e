from contextlib import suppress
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

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


MY_REGISTRATIONS_SHOWN = 50


def my_registrations_with_times(*, actor: User, now: datetime | None = None) -> tuple[list, list]:
    """The /me/ page's registrations (the actor's and their relatives', cancelled and rejected
    ones left out) split into those still to come and those whose sessions are all over.
    Each carries `next_starts_at` (its next session not yet ended) and `last_starts_at` (its
    last session), read by two subqueries in the same single query: a date block per card
    without a query per card."""
    from lifelong.activities.models import Session  # activities imports accounts' models
    from lifelong.activities.selectors import my_registrations

    now = now or timezone.now()
    sessions = Session.objects.filter(activity_id=OuterRef("activity_id")).order_by()
    registrations = (
        my_registrations(actor=actor)
        .exclude(status__in=["cancelled", "rejected"])
        .annotate(
            next_starts_at=Subquery(sessions.filter(ends_at__gt=now).order_by("starts_at").values("starts_at")[:1]),
            last_starts_at=Subquery(sessions.order_by("-starts_at").values("starts_at")[:1]),
        )
    )[:MY_REGISTRATIONS_SHOWN]
    coming, past = [], []
    for registration in registrations:
        (coming if registration.next_starts_at else past).append(registration)
    # Soonest first for what is coming; the newest first for what is over.
    coming.sort(key=lambda r: r.next_starts_at)
    past.sort(key=lambda r: r.last_starts_at or r.created_at, reverse=True)
    return coming, past
