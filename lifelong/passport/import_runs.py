"""The run of an import job (RecordImport) by the task worker (`import_jobs` queues it) or by
`manage.py import_learners`: claim the job, import its file (learning records through
`imports`, residents through `learner_imports`), keep its outcome."""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.common.choices import AuditAction
from lifelong.common.errors import DomainError
from lifelong.common.services import audit_record

from .choices import ImportKind, ImportStatus
from .imports import import_records
from .learner_imports import import_learners
from .models import STALLED_AFTER, RecordImport


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
