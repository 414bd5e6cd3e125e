import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lifelong.passport.signing import verify_document


class Command(BaseCommand):
    help = (
        "Check a certificate offline: its signed file (the JSON a holder downloads) against the "
        "published public keys (a copy of /verify/keys.json). Uses no database and no network. "
        "Whether a certificate was revoked later can only be seen online, at /verify/<serial>/."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("document", type=Path, help="the certificate's signed JSON file")
        parser.add_argument("--keys", type=Path, required=True, help="the published keys (JSON)")

    def handle(self, *args, document: Path, keys: Path, **options):
        try:
            signed = json.loads(document.read_text(encoding="utf-8"))
            published = json.loads(keys.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the files: {error}") from error
        genuine, why = verify_document(signed, published)
        if not genuine:
            raise CommandError(f"NOT GENUINE: {why}.")
        payload = signed["payload"]
        self.stdout.write(
            self.style.SUCCESS(
                f"GENUINE: {payload.get('serial')} · {payload.get('holder')} · {payload.get('title')} · "
                f"{payload.get('hours')} h · issued {payload.get('issued_on')} ({why})."
            )
        )
        self.stdout.write("Revocation is not checked offline; see the verify page for the current status.")
