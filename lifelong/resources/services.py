"""Writes for the resource library: publishing resources (files checked by content), counting
views and downloads, and a learner's "I have studied this".

Who may write: organizers and instructors of the publishing institution, editors of a region
covering it and admins whose subtree covers it (`resources.policy.may_share_resources_of`); anyone else
gets 404, as if the resource did not exist. Every creation, edit and (un)publication is
audited. A refused upload writes nothing: every check runs before the file is stored.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.activities.choices import Audience, Category
from lifelong.common import sniffing
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.quantities import hours_to_tenth
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.institutions.models import Institution
from lifelong.passport.choices import RecordSource
from lifelong.passport.services import entry_write, points_for

from .choices import ResourceKind, Visibility
from .models import Resource, ResourceOpen, ResourceStudy, ResourceView
from .policy import may_share_resources_of

# Fields staff may set; anything else in a request is not theirs to set.
EDITABLE_FIELDS = ("title", "title_en", "summary", "category", "audiences", "hours", "visibility", "url")


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    file_type: sniffing.FileType


def _max_mb() -> int:
    return settings.RESOURCES_UPLOAD_MAX_BYTES // (1024 * 1024)


def upload_check(*, kind: str, upload: UploadedFile | None) -> CheckedUpload:
    """Refuse an upload unless its bytes are an accepted type of the declared kind and its name
    ends in an extension of that type; size-capped by RESOURCES_UPLOAD_MAX_MB. Reads only
    the file's head; writes nothing."""
    if upload is None:
        raise InvalidInput(_("Choose the file to upload."), code="file_required", field="file")
    if not upload.size:
        raise InvalidInput(_("The file is empty."), code="empty_file", field="file")
    if upload.size > settings.RESOURCES_UPLOAD_MAX_BYTES:
        raise InvalidInput(_("The file is larger than %(mb)s MB.") % {"mb": _max_mb()}, code="too_large", field="file")
    upload.seek(0)
    head = upload.read(sniffing.HEAD_BYTES)
    upload.seek(0)
    file_type = sniffing.sniff(head)
    if file_type is None:
        raise InvalidInput(
            _(
                "This file is not one the library accepts: a PDF, an MP4 or WebM video, MP3, M4A or OGG "
                "audio, or a PNG or JPEG image."
            ),
            code="bad_file_type",
            field="file",
        )
    if file_type.kind != kind:
        raise InvalidInput(
            _("The file is %(found)s, not %(declared)s: choose the right kind.")
            % {"found": ResourceKind(file_type.kind).label, "declared": ResourceKind(kind).label},
            code="kind_mismatch",
            field="file",
        )
    extension = sniffing.extension_of(upload.name or "")
    if extension not in file_type.extensions:
        raise InvalidInput(
            _("The file's name must end in .%(extension)s for what it contains.") % {"extension": file_type.extension},
            code="extension_mismatch",
            field="file",
        )
    return CheckedUpload(upload=upload, file_type=file_type)


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown field."), code="invalid", field=sorted(unknown)[0])
    cleaned = dict(fields)
    if "audiences" in cleaned:
        audiences = list(cleaned["audiences"] or [Audience.ALL])
        if not set(audiences) <= set(Audience.values):
            raise InvalidInput(_("Unknown audience."), code="invalid", field="audiences")
        cleaned["audiences"] = Resource.audiences_value(audiences)
    if "category" in cleaned and cleaned["category"] not in Category.values:
        raise InvalidInput(_("Unknown category."), code="invalid", field="category")
    if "visibility" in cleaned and cleaned["visibility"] not in Visibility.values:
        raise InvalidInput(_("Unknown visibility."), code="invalid", field="visibility")
    if "hours" in cleaned:
        hours = hours_to_tenth(cleaned["hours"] or 0)
        if hours < 0 or hours > 999:
            raise InvalidInput(_("Learning hours must be between 0 and 999."), code="invalid", field="hours")
        cleaned["hours"] = hours
    for name in ("title", "title_en", "summary", "url"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    return cleaned


def _require_sharer(actor: User, institution: Institution, field: str | None = None) -> None:
    if not may_share_resources_of(actor, institution):
        raise NotFound(field=field)


def _stored_name(file_type: sniffing.FileType) -> str:
    """A generated name: the uploader's file name never reaches the file system."""
    return f"{secrets.token_hex(16)}.{file_type.extension}"


def _store(resource: Resource, checked: CheckedUpload) -> None:
    resource.file.save(_stored_name(checked.file_type), checked.upload, save=False)
    resource.content_type = checked.file_type.mime
    resource.file_size = checked.upload.size


def _delete_file_on_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def resource_create(
    *,
    actor: User,
    institution: Institution,
    kind: str,
    upload: UploadedFile | None = None,
    publish: bool = False,
    now: datetime | None = None,
    **fields: Any,
) -> Resource:
    """A new resource of `institution` (a draft unless `publish`). A link needs `url` and no
    file; every other kind needs an `upload` of that kind. Every value is checked before the
    file is stored, and a file stored for a row that then fails is removed again."""
    _require_sharer(actor, institution, field="institution")
    if kind not in ResourceKind.values:
        raise InvalidInput(_("Unknown kind of resource."), code="invalid", field="kind")
    cleaned = _clean_fields({"audiences": [Audience.ALL], **fields})
    checked = None
    if kind == ResourceKind.LINK:
        if upload is not None:
            raise InvalidInput(_("A link has no file."), code="invalid", field="file")
        if not cleaned.get("url"):
            raise InvalidInput(_("Give the link's address."), code="url_required", field="url")
    else:
        if cleaned.get("url"):
            raise InvalidInput(_("Only links have an address; upload the file instead."), code="invalid", field="url")
        checked = upload_check(kind=kind, upload=upload)
    now = now or timezone.now()
    resource = Resource(
        institution=institution,
        kind=kind,
        created_by=actor,
        is_published=publish,
        published_at=now if publish else None,
        **cleaned,
    )
    # Validate everything but the file (not stored yet) before anything is written.
    resource.file.name = "pending" if checked is not None else ""
    full_clean_or_raise(resource)
    resource.file.name = ""
    if checked is not None:
        _store(resource, checked)
    try:
        with transaction.atomic():
            resource.save()
    except Exception:
        if resource.file.name:
            resource.file.storage.delete(resource.file.name)
        raise
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=resource,
        summary="resource created",
        changes={"kind": kind, "institution": institution.pk, "published": publish},
    )
    return resource


@transaction.atomic
@short_lock_wait()
def resource_update(
    *,
    actor: User,
    resource: Resource,
    institution: Institution | None = None,
    upload: UploadedFile | None = None,
    **fields: Any,
) -> Resource:
    """Change a resource's description, its publisher (only to another institution the actor
    may publish for: nothing moves out of the editor's scope) or, for files, replace the file
    with one of the same kind (the old one is removed once the change commits)."""
    current = Resource.objects.select_for_update().select_related("institution__region").get(pk=resource.pk)
    _require_sharer(actor, current.institution)
    cleaned = _clean_fields(fields)
    if "url" in cleaned and current.kind != ResourceKind.LINK and cleaned["url"]:
        raise InvalidInput(_("Only links have an address; upload the file instead."), code="invalid", field="url")
    if current.kind == ResourceKind.LINK:
        if upload is not None:
            raise InvalidInput(_("A link has no file."), code="invalid", field="file")
        if "url" in cleaned and not cleaned["url"]:
            raise InvalidInput(_("Give the link's address."), code="url_required", field="url")
    else:
        cleaned.pop("url", None)
    changes: dict[str, Any] = {}
    if institution is not None and institution.pk != current.institution_id:
        _require_sharer(actor, institution, field="institution")
        current.institution = institution
        changes["institution"] = institution.pk
    for name, value in cleaned.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changes[name] = str(value)[:200]
    checked = upload_check(kind=current.kind, upload=upload) if upload is not None else None
    full_clean_or_raise(current)
    old_name = current.file.name
    if checked is not None:
        _store(current, checked)
        changes["file"] = current.content_type
    if not changes:
        return current
    # Only the changed columns: the counters beside them move by relative UPDATEs.
    columns = {"file", "content_type", "file_size"} if "file" in changes else set()
    columns |= {name for name in changes if name != "file"}
    try:
        with transaction.atomic():
            current.save(update_fields=sorted(columns | {"updated_at"}))
    except Exception:
        if checked is not None:
            current.file.storage.delete(current.file.name)
        raise
    if checked is not None and old_name:
        _delete_file_on_commit(current.file.storage, old_name)
    audit_record(actor=actor, action=AuditAction.UPDATED, target=current, summary="resource edited", changes=changes)
    return current


@transaction.atomic
@short_lock_wait()
def resource_publish(*, actor: User, resource: Resource, published: bool, now: datetime | None = None) -> Resource:
    """Publish (dated now) or withdraw a resource. Publishing again re-dates it."""
    current = Resource.objects.select_for_update().select_related("institution__region").get(pk=resource.pk)
    _require_sharer(actor, current.institution)
    if current.is_published == published:
        return current
    current.is_published = published
    if published:
        current.published_at = now or timezone.now()
    current.save(update_fields=["is_published", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="resource published" if published else "resource withdrawn",
        changes={"published": published},
    )
    return current


def resource_view_count(*, resource: Resource, visitor: str, day: date) -> bool:
    """Count a view unless this visitor already viewed the resource that day. The (resource,
    visitor, day) row is unique, so concurrent first views by one visitor count once, and the
    counter moves by a relative UPDATE, so concurrent visitors lose nothing. True when counted."""
    if ResourceView.objects.filter(resource=resource, visitor=visitor, day=day).exists():
        return False
    try:
        with transaction.atomic():
            ResourceView.objects.create(resource=resource, visitor=visitor, day=day)
            Resource.objects.filter(pk=resource.pk).update(view_count=F("view_count") + 1)
    except IntegrityError:  # the same visitor's other request counted it a moment ago
        return False
    return True


def resource_download_count(*, resource: Resource) -> None:
    """One more download (a relative UPDATE: concurrent downloads all count)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


def resource_open_record(*, learner: User | None, resource: Resource, now: datetime | None = None) -> bool:
    """Remember that a signed-in learner opened the resource (its file fetched, its link
    followed), which `resource_study` asks for. The first opening is kept; True when this one
    was the first. Visitors who are not signed in leave nothing (there is nobody to credit)."""
    if learner is None or not learner.is_authenticated:
        return False
    if ResourceOpen.objects.filter(learner=learner, resource=resource).exists():
        return False
    try:
        with transaction.atomic():
            ResourceOpen.objects.create(learner=learner, resource=resource, opened_at=now or timezone.now())
    except IntegrityError:  # the same learner's other request (a player's range requests) was first
        return False
    return True


@transaction.atomic
@short_lock_wait()
def resource_study(*, learner: User, resource: Resource, now: datetime | None = None) -> ResourceStudy:
    """The learner studied the resource: its declared hours (and points for them) go into their
    passport as one ledger entry with source "resource". Once per learner and resource: the
    ResourceStudy row is inserted first and is unique, so a repeat (or a concurrent double
    press) answers 409 `already_studied` and writes nothing. Only a resource the learner has
    opened (`resource_open_record`) may be marked studied: before that, 409 `not_opened`; one
    without hours, 409 `no_hours`."""
    if learner is None or not learner.is_authenticated:
        raise NotAuthenticated()
    if not resource.is_published:
        raise NotFound()
    if resource.hours <= 0:
        raise Conflict(_("This resource carries no learning hours."), code="no_hours")
    if not ResourceOpen.objects.filter(learner=learner, resource=resource).exists():
        raise Conflict(
            _("Open the resource first (read, play or download it); then you can record your learning hours."),
            code="not_opened",
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            study = ResourceStudy.objects.create(
                learner=learner, resource=resource, hours=resource.hours, studied_at=now
            )
    except IntegrityError:
        raise Conflict(_("You have already studied this resource."), code="already_studied") from None
    entry_write(
        learner=learner,
        source=RecordSource.RESOURCE,
        hours=resource.hours,
        points=points_for(resource.hours),
        learned_on=timezone.localdate(now),
        category=resource.category,
        title=resource.title[:200],
        title_en=resource.title_en[:200],
        resource=resource,
        region_id=learner.home_region_id,
        recorded_by=learner,
    )
    return study
