"""Writes for institutions and venues. Only admins whose subtree covers the place may write,
and an edit may not move an object out of the editor's scope."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import NotFound
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.common.sms import mask_phone
from lifelong.regions.models import Region

from .models import Institution, Venue

INSTITUTION_FIELDS = ("kind", "name", "name_en", "region", "address", "contact_phone", "description", "is_active")
VENUE_FIELDS = (
    "institution",
    "name",
    "name_en",
    "capacity",
    "address",
    "accessibility_notes",
    "accessibility_notes_en",
    "is_active",
)


# Fields whose values the audit log keeps only masked.
MASKED_FIELDS = {"contact_phone"}


def _audit_changes(obj: Any, fields: Iterable[str]) -> dict[str, str]:
    return {
        field: mask_phone(getattr(obj, field)) if field in MASKED_FIELDS else str(getattr(obj, field))
        for field in fields
    }


def _create(*, actor: User, obj: Model, place: Region, place_field: str, request: HttpRequest | None) -> Model:
    if not policy.covers(actor, place):
        raise NotFound(field=place_field)
    full_clean_or_raise(obj)
    obj.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=obj,
        request=request,
        changes=_audit_changes(obj, (f.name for f in obj._meta.concrete_fields if f.name != "id")),
    )
    return obj


def _update(
    *,
    actor: User,
    current: Model,
    fields: dict[str, Any],
    allowed: tuple[str, ...],
    place_of: Callable[[Model], Region],
    place_field: str,
    request: HttpRequest | None,
) -> Model:
    """Apply the changed `allowed` fields to `current` (already locked), refusing to edit an
    object outside the actor's scope or to move it out of that scope."""
    if not policy.covers(actor, place_of(current)):
        raise NotFound()
    changed = [name for name in allowed if name in fields and getattr(current, name) != fields[name]]
    for name in changed:
        setattr(current, name, fields[name])
    if place_field in changed and not policy.covers(actor, place_of(current)):
        raise NotFound(field=place_field)
    full_clean_or_raise(current)
    if changed:
        current.save(update_fields=changed)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=current,
            request=request,
            changes=_audit_changes(current, changed),
        )
    return current


def _pick(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in allowed}


@transaction.atomic
def institution_create(
    *, actor: User, region: Region, request: HttpRequest | None = None, **fields: Any
) -> Institution:
    institution = Institution(**_pick({**fields, "region": region}, INSTITUTION_FIELDS))
    return _create(actor=actor, obj=institution, place=region, place_field="region", request=request)


@transaction.atomic
def institution_update(
    *, actor: User, institution: Institution, request: HttpRequest | None = None, **fields: Any
) -> Institution:
    # The row is re-read under lock so concurrent edits of one institution apply one by one.
    current = Institution.objects.select_for_update().select_related("region").get(pk=institution.pk)
    return _update(
        actor=actor,
        current=current,
        fields=fields,
        allowed=INSTITUTION_FIELDS,
        place_of=lambda obj: obj.region,
        place_field="region",
        request=request,
    )


@transaction.atomic
def venue_create(*, actor: User, institution: Institution, request: HttpRequest | None = None, **fields: Any) -> Venue:
    venue = Venue(**_pick({**fields, "institution": institution}, VENUE_FIELDS))
    return _create(actor=actor, obj=venue, place=institution.region, place_field="institution", request=request)


@transaction.atomic
def venue_update(*, actor: User, venue: Venue, request: HttpRequest | None = None, **fields: Any) -> Venue:
    current = Venue.objects.select_for_update().select_related("institution__region").get(pk=venue.pk)
    return _update(
        actor=actor,
        current=current,
        fields=fields,
        allowed=VENUE_FIELDS,
        place_of=lambda obj: obj.institution.region,
        place_field="institution",
        request=request,
    )
