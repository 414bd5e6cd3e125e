from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lifelong.common.demo.haiyan import DEMO_PASSWORD, PERSONAS
from lifelong.news.demo import EDITOR, REVIEWER
from lifelong.regions.models import Region
from lifelong.site.demo.community import TEAM_LEADER
from lifelong.site.demo.load import demo_county_load


class Command(BaseCommand):
    help = "Load the demo county (Haiyan) and its personas into an empty database. Demo mode only."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when regions exist already.")

    def handle(self, *args, if_empty: bool = False, **options):
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError("Demo data (with its known passwords) loads only with LIFELONG_DEMO=1.")
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("Demo county already loaded.")
                self._logins()
                return
            raise CommandError("The database already holds regions; the demo loads only into an empty one.")
        counts = demo_county_load(with_history=True)
        self.stdout.write(
            self.style.SUCCESS(
                "Loaded {regions} regions, {institutions} institutions, {venues} venues, {personas} personas, "
                "{activities} activities.".format(**counts)
            )
        )
        self._logins()

    def _logins(self) -> None:
        logins = [(phone, role or "learner", name) for phone, name, _, role, _, _ in PERSONAS]
        logins += [
            (TEAM_LEADER[0], "learning team leader", TEAM_LEADER[1]),
            (EDITOR[0], "news editor", EDITOR[1]),
            (REVIEWER[0], "news reviewer", REVIEWER[1]),
        ]
        for phone, role, name in logins:
            self.stdout.write(f"  {phone} / {DEMO_PASSWORD}  {role} ({name})")
