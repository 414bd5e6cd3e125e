"""Background work for the dashboards, run by the task worker."""

from django_tasks import task


@task()
def dashboard_rollups_refresh() -> int:
    """Rebuild the rollups of the current periods, then queue the next run REFRESH_EVERY
    later unless one is already waiting (so the worker keeps the dashboards current, and a
    "refresh now" or a second start never doubles the chain). The next run is queued even
    when this one fails, so one bad build does not stop the refreshes. Returns the number of
    periods built."""
    from .services import rollups_refresh, rollups_refresh_schedule

    try:
        return len(rollups_refresh())
    finally:
        rollups_refresh_schedule()
