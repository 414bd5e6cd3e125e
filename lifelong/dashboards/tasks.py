"""Background work for the dashboards, run by the task worker."""

from django_tasks import task


@task()
def dashboard_rollups_refresh(period: str | None = None) -> int:
    """Without `period` (the worker's chain): rebuild the rollups of the current periods, then
    queue the next run REFRESH_EVERY later unless one is already waiting (so the worker keeps
    the dashboards current, and a second start never doubles the chain). The next run is
    queued even when this one fails, so one bad build does not stop the refreshes.

    With `period` ("2026-10", "2026-Q3", "2026": the console's "refresh now" for the period on
    screen): rebuild that period, and the months of its trend never built. Returns the number
    of periods built."""
    from .selectors import Period
    from .services import rollups_rebuild, rollups_refresh, rollups_refresh_schedule

    if period is not None:
        return len(rollups_rebuild(period=Period.parse(period)))
    try:
        return len(rollups_refresh())
    finally:
        rollups_refresh_schedule()
