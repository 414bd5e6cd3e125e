"""Background work for the dashboards, run by the task worker: the rollups' refresh, and the
chain that keeps it running (each run queues the next)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .selectors import Period
from .services import advisory_lock, rollups_rebuild, rollups_refresh

# The worker rebuilds the current periods this often.
REFRESH_EVERY = timedelta(minutes=10)


@task()
def dashboard_rollups_refresh(period: str | None = None) -> int:
    """Without `period` (the worker's chain): rebuild the rollups of the current periods, then
    queue the next run REFRESH_EVERY later unless one is already waiting (so the worker keeps
    the dashboards current, and a second start never doubles the chain). The next run is
    queued even when this one fails, so one bad build does not stop the refreshes.

    With `period` ("2026-10", "2026-Q3", "2026": the console's "refresh now" for the period on
    screen): rebuild that period, and the months of its trend never built. Returns the number
    of periods built."""
    if period is not None:
        return len(rollups_rebuild(period=Period.parse(period)))
    try:
        return len(rollups_refresh())
    finally:
        rollups_refresh_schedule()


def queued_refreshes() -> QuerySet[DBTaskResult] | None:
    """The refresh tasks waiting in the database queue (run_after not yet come, or come and
    not yet claimed by a worker); None when the queue is not one we can look into."""
    if not isinstance(dashboard_rollups_refresh.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(task_path=dashboard_rollups_refresh.module_path, status=TaskResultStatus.READY)


def rollups_refresh_schedule(*, now: datetime | None = None) -> bool:
    """Queue the next refresh REFRESH_EVERY from `now` unless one is already waiting: the
    chain the worker follows (each run queues the next), started by `manage.py
    dashboards_refresh --schedule`. Checking and queueing happen under one lock, so two runs
    finishing at once still leave a single chain. Only the database queue chains: another
    backend (the test suite's runs tasks at once) cannot be looked into, and would loop."""
    now = now or timezone.now()
    with transaction.atomic():
        advisory_lock("refresh-chain")
        queued = queued_refreshes()
        if queued is None or queued.exists():
            return False
        dashboard_rollups_refresh.using(run_after=now + REFRESH_EVERY).enqueue()
    return True
