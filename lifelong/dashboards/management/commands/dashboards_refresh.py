from django.core.management.base import BaseCommand, CommandError

from lifelong.common.errors import InvalidInput
from lifelong.dashboards.selectors import Period
from lifelong.dashboards.services import rollups_backfill, rollups_build, rollups_refresh
from lifelong.dashboards.tasks import rollups_refresh_schedule


class Command(BaseCommand):
    help = (
        "Build the dashboards' rollups now: the current month, quarter and year (and those just ended), and "
        "any of the last 24 months and their quarters and years never built; or only the periods named with "
        "--period. With --schedule, also start the task worker's refresh chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            action="append",
            default=[],
            metavar="PERIOD",
            help="A month (2026-11), quarter (2026-Q4) or year (2026) to rebuild; may be repeated.",
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the worker's next refresh (it then re-queues itself every 10 minutes).",
        )

    def handle(self, *args, period: list[str], schedule: bool, **options):
        try:
            periods = [Period.parse(value) for value in period]
        except InvalidInput as error:
            raise CommandError(error.detail) from error
        if periods:
            runs = [rollups_build(period=p) for p in periods]
        else:  # the periods that may still change, then those a new database never built
            runs = rollups_refresh()
            runs += rollups_backfill()
        for run in runs:
            self.stdout.write(
                f"Built {run.period_kind} {run.period_start:%Y-%m-%d}: {run.rows} rows in {run.duration_ms} ms."
            )
        if schedule:
            if rollups_refresh_schedule():
                self.stdout.write("Queued the worker's next dashboard refresh.")
            else:
                self.stdout.write("A dashboard refresh is already queued (or the task backend cannot chain).")
