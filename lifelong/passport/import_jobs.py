"""Import jobs (RecordImport): the console's upload and "run it again", which queue the task
worker's run (`import_runs`: the run, its progress and report). Both kinds of import, learning
records (`imports`) and residents (`learner_imports`), run through this code; only reading a row
and writing a batch differ.
"""

import io
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.services import audit_record
from lifelong.common.spreadsheets import Columns, check_upload, read_table
from lifelong.regions.models import Region

from .choices import ImportKind
from .imports import RECORD_FILE_COLUMNS
from .learner_rows import LEARNER_FILE_COLUMNS
from .models import RecordImport
from .tasks import record_import_run


def _check_upload(upload: Any) -> str:
    return check_upload(upload, max_bytes=settings.PASSPORT_IMPORT_MAX_BYTES)


def importer_region(actor: User | None) -> Region | None:
    """The widest region the actor administers: the import is theirs and their superiors'.
    An operator at the command line (no actor) imports for the whole county."""
    if actor is None or policy.is_superuser(actor):
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    regions = policy.admin_regions(actor)
    if not regions:
        return None
    return min(regions, key=lambda region: len(region.path))


def _file_columns(kind: str) -> Columns:
    if kind == ImportKind.LEARNERS:
        return LEARNER_FILE_COLUMNS
    return RECORD_FILE_COLUMNS


@transaction.atomic
def record_import_start(*, actor: User, upload: Any, issuer: str = "", kind: str = ImportKind.RECORDS) -> RecordImport:
    """Check an uploaded file (kind by content, size, columns) and queue its import for the task
    worker. Admins only; records are imported for learners in their area only, residents into
    villages in their area only."""

    region = importer_region(actor)
    if region is None:
        raise NotFound()
    if kind not in ImportKind.values:
        raise InvalidInput(_("Choose what the file holds."), code="invalid", field="kind")
    issuer = (issuer or "").strip()
    if kind == ImportKind.RECORDS and not issuer:
        raise InvalidInput(_("Say who issued these records."), code="invalid", field="issuer")
    file_type = _check_upload(upload)
    if file_type == "csv":
        # The header is in the first 64 KB: a bad one is refused at once. (A workbook must be
        # unpacked whole to read its first row, which is the worker's job, not the request's.)
        sample = io.BytesIO(upload.read(65536))
        upload.seek(0)
        read_table(sample, "upload.csv", _file_columns(kind))
    record_import = RecordImport(
        kind=kind,
        original_name=(upload.name or "")[:200],
        issuer=issuer[:120] if kind == ImportKind.RECORDS else "",
        region=region,
        created_by=actor,
    )
    record_import.file.save(f"{kind}.{file_type}", upload, save=False)
    record_import.save()
    if kind == ImportKind.LEARNERS:
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            target=record_import,
            summary="resident import",
            changes={"region": region.code},
        )
    pk = record_import.pk
    transaction.on_commit(lambda: record_import_run.enqueue(record_import_id=pk))
    return record_import


@transaction.atomic
def record_import_retry(*, actor: User, record_import: RecordImport) -> RecordImport:
    """Queue a failed or stalled import again (admins who see it)."""

    if not record_import.may_run_again(timezone.now()):
        raise Conflict(_("This import is running or finished; there is nothing to run again."), code="not_retryable")
    pk = record_import.pk
    transaction.on_commit(lambda: record_import_run.enqueue(record_import_id=pk))
    return record_import
