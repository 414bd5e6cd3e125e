"""Reads for the audit viewer (`/console/audit/`), scoped to the acting admin's subtree.

An event is in an admin's scope when the region it was filed under (see `lifelong.common.audit_regions`) lies
in one of the subtrees the admin administers. Events with no region (written before regions
were recorded, or about nothing placeable, such as a failed sign-in to an unknown number) are
seen only by superusers and admins at the top of the region tree.
"""

import datetime
from contextlib import suppress
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lifelong.common.errors import DomainError
from lifelong.common.models import AuditEvent

from .. import policy
from ..models import User
from ..phone import normalize_phone

ACTOR_MATCHES_SHOWN = 20


@dataclass(frozen=True)
class AuditFilters:
    """What the viewer narrows the events to; every part optional. Nothing here is personal
    data, so the filters may travel in the page's URL (the actor is named by id only)."""

    actor_id: int | None = None
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None

    def as_changes(self) -> dict[str, str]:
        """The filters that are set, for the audit record of an export."""
        values = {
            "actor": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def may_view_audit(actor: User | None) -> bool:
    """Admins (county, town, village) and superusers read the audit log of their subtree."""
    return policy.is_admin(actor)


def audit_events_in_scope(*, actor: User | None) -> QuerySet[AuditEvent]:
    if policy.is_superuser(actor):
        return AuditEvent.objects.all()
    regions = policy.admin_regions(actor)
    if not regions:
        return AuditEvent.objects.none()
    scope = reduce(or_, (Q(region__path__startswith=region.path) for region in regions))
    if any(region.parent_id is None for region in regions):
        scope |= Q(region__isnull=True)
    return AuditEvent.objects.filter(scope)


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` where the county is (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def audit_event_list(*, actor: User | None, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events in the actor's scope matching `filters`, newest first."""
    events = audit_events_in_scope(actor=actor)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.since is not None:
        events = events.filter(occurred_at__gte=_day_start(filters.since))
    if filters.until is not None:  # the whole of the last day
        events = events.filter(occurred_at__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    return events.select_related("actor", "region").order_by("-occurred_at", "-id")


def audit_actor(*, actor: User | None, actor_id: int) -> User | None:
    """The person behind an actor filter, when they acted somewhere in the viewer's scope (an
    id alone must not reveal the name of anyone else)."""
    in_scope = audit_events_in_scope(actor=actor).filter(actor_id=OuterRef("pk"))
    return User.objects.filter(pk=actor_id).filter(Exists(in_scope)).first()


def audit_actor_matches(*, actor: User | None, query: str) -> list[User]:
    """People whose name contains `query`, or whose mobile number is `query`, and who acted
    somewhere in the viewer's scope."""
    query = query.strip()
    if not query:
        return []
    match = Q(name__icontains=query)
    with suppress(DomainError):  # not a phone number: the name alone
        match |= Q(phone=normalize_phone(query))
    in_scope = audit_events_in_scope(actor=actor).filter(actor_id=OuterRef("pk"))
    return list(User.objects.filter(match).filter(Exists(in_scope)).order_by("name", "pk")[:ACTOR_MATCHES_SHOWN])


def audited_object_types() -> list[tuple[str, str]]:
    """The kinds of object an event may be about: Lifelong's models, by their readable name."""
    kinds = [
        (model._meta.label_lower, str(model._meta.verbose_name))
        for model in apps.get_models()
        if model.__module__.startswith("lifelong.") and model is not AuditEvent
    ]
    return sorted(kinds, key=lambda kind: kind[1].lower())
