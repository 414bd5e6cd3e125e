"""Import jobs (RecordImport): the console's upload, the task worker's run, its progress and
report, "run it again". Both kinds of import, learning records (`imports`) and residents
(`learner_imports`), run through this code; only reading a row and writing a batch differ.
"""

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, DomainError, InvalidInput, NotFound
from lifelong.common.services import audit_record
from lifelong.common.spreadsheets import Columns, check_upload, read_table
from lifelong.regions.models import Region

from .choices import ImportKind, ImportStatus
from .imports import RECORD_FILE_COLUMNS, import_records
from .learner_imports import import_learners
from .learner_rows import LEARNER_FILE_COLUMNS
from .models import STALLED_AFTER, RecordImport
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


def _claim(record_import: RecordImport, now: datetime) -> bool:
    """Mark the import running, unless another run holds it (one conditional UPDATE, so two
    workers, or a worker and a "run again", never import the same file at once)."""
    free = Q(status__in=[ImportStatus.QUEUED, ImportStatus.FAILED]) | Q(
        status=ImportStatus.RUNNING, heartbeat_at__lt=now - STALLED_AFTER
    )
    claimed = RecordImport.objects.filter(free, pk=record_import.pk).update(
        status=ImportStatus.RUNNING, error="", heartbeat_at=now, finished_at=None
    )
    return bool(claimed)


def _run(
    record_import: RecordImport, progress: Callable[[int, int], None] | None, report: list[tuple[int, str]] | None
) -> None:
    with record_import.file.open("rb") as binary:
        if record_import.kind == ImportKind.LEARNERS:
            result = import_learners(
                binary=binary,
                name=record_import.file.name,
                actor=record_import.created_by,
                record_import=record_import,
                progress=progress,
            )
        else:
            result = import_records(
                binary=binary,
                name=record_import.file.name,
                issuer=record_import.issuer,
                actor=record_import.created_by,
                record_import=record_import,
                progress=progress,
            )
    if report is not None:
        report.extend(result.problems)


def record_import_execute(
    *,
    record_import_id: int,
    progress: Callable[[int, int], None] | None = None,
    report: list[tuple[int, str]] | None = None,
) -> RecordImport:
    """Run one import to the end (the task worker, or the import command, calls this). Running
    it again after a crash is safe: a records import skips what was committed, a residents
    import resumes after its checkpoint. `report` receives every bad row of this run (the job
    keeps the first PROBLEMS_KEPT)."""
    record_import = RecordImport.objects.select_related("created_by").get(pk=record_import_id)
    if not _claim(record_import, timezone.now()):
        return record_import
    try:
        _run(record_import, progress, report)
    except DomainError as error:
        RecordImport.objects.filter(pk=record_import.pk).update(
            status=ImportStatus.FAILED, error=error.detail[:300], finished_at=timezone.now()
        )
    except BaseException:  # a crash, or Ctrl-C at the command line: the batches so far stay
        RecordImport.objects.filter(pk=record_import.pk).update(
            status=ImportStatus.FAILED,
            error=_("The import stopped unexpectedly. Run it again: nothing is counted twice."),
            finished_at=timezone.now(),
        )
        raise
    else:
        RecordImport.objects.filter(pk=record_import.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())
    record_import.refresh_from_db()
    if record_import.kind == ImportKind.LEARNERS and record_import.status == ImportStatus.DONE:
        audit_record(
            actor=record_import.created_by,
            action=AuditAction.UPDATED,
            target=record_import,
            summary="resident import finished",
            changes={
                "created": record_import.imported,
                "updated": record_import.updated,
                "unchanged": record_import.already_there,
                "bad_rows": record_import.bad_rows,
            },
        )
    return record_import


@transaction.atomic
def record_import_retry(*, actor: User, record_import: RecordImport) -> RecordImport:
    """Queue a failed or stalled import again (admins who see it)."""

    if not record_import.may_run_again(timezone.now()):
        raise Conflict(_("This import is running or finished; there is nothing to run again."), code="not_retryable")
    pk = record_import.pk
    transaction.on_commit(lambda: record_import_run.enqueue(record_import_id=pk))
    return record_import
