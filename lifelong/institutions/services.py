"""Writes for institutions and venues. Only admins whose subtree covers the place may write,
and an edit may not move an object out of the editor's scope."""

from typing import Any

from django.db import transaction
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


def _audit_changes(obj: Any, fields: tuple[str, ...]) -> dict[str, str]:
    return {
        field: mask_phone(getattr(obj, field)) if field in MASKED_FIELDS else str(getattr(obj, field))
        for field in fields
    }


@transaction.atomic
def institution_create(
    *, actor: User, region: Region, request: HttpRequest | None = None, **fields: Any
) -> Institution:
    if not policy.covers(actor, region):
        raise NotFound(field="region")
    institution = Institution(region=region, **{k: v for k, v in fields.items() if k in INSTITUTION_FIELDS})
    full_clean_or_raise(institution)
    institution.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=institution,
        request=request,
        changes=_audit_changes(institution, INSTITUTION_FIELDS),
    )
    return institution


@transaction.atomic
def institution_update(
    *, actor: User, institution: Institution, request: HttpRequest | None = None, **fields: Any
) -> Institution:
    # The row is re-read under lock so concurrent edits of one institution apply one by one.
    current = Institution.objects.select_for_update().select_related("region").get(pk=institution.pk)
    if not policy.covers(actor, current.region):
        raise NotFound()
    changed = [k for k in INSTITUTION_FIELDS if k in fields and getattr(current, k) != fields[k]]
    for name in changed:
        setattr(current, name, fields[name])
    if "region" in changed and not policy.covers(actor, current.region):
        raise NotFound(field="region")
    full_clean_or_raise(current)
    if changed:
        current.save(update_fields=changed)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=current,
            request=request,
            changes=_audit_changes(current, tuple(changed)),
        )
    return current


@transaction.atomic
def venue_create(*, actor: User, institution: Institution, request: HttpRequest | None = None, **fields: Any) -> Venue:
    if not policy.covers(actor, institution.region):
        raise NotFound(field="institution")
    venue = Venue(institution=institution, **{k: v for k, v in fields.items() if k in VENUE_FIELDS})
    full_clean_or_raise(venue)
    venue.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=venue,
        request=request,
        changes=_audit_changes(venue, VENUE_FIELDS),
    )
    return venue


@transaction.atomic
def venue_update(*, actor: User, venue: Venue, request: HttpRequest | None = None, **fields: Any) -> Venue:
    current = Venue.objects.select_for_update().select_related("institution__region").get(pk=venue.pk)
    if not policy.covers(actor, current.institution.region):
        raise NotFound()
    changed = [k for k in VENUE_FIELDS if k in fields and getattr(current, k) != fields[k]]
    for name in changed:
        setattr(current, name, fields[name])
    if "institution" in changed and not policy.covers(actor, current.institution.region):
        raise NotFound(field="institution")
    full_clean_or_raise(current)
    if changed:
        current.save(update_fields=changed)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=current,
            request=request,
            changes=_audit_changes(current, tuple(changed)),
        )
    return current
