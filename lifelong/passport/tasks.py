"""Background work for the passport, run by the task worker."""

from django_tasks import task

from .import_runs import record_import_execute


@task()
def record_import_run(record_import_id: int) -> None:
    """Import an uploaded file of learning records (queued when staff upload it)."""
    record_import_execute(record_import_id=record_import_id)
