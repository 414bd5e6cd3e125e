"""Background work for campaigns, run by the task worker."""

from django_tasks import task

from .reports import campaign_report_due


@task()
def campaign_report_build(campaign_id: int, ends_on: str) -> None:
    """Runs the day after a campaign's last day (enqueued with run_after)."""
    campaign_report_due(campaign_id=campaign_id, ends_on=ends_on)
