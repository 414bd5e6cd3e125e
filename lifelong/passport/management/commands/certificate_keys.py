import json

from django.core.management.base import BaseCommand

from lifelong.passport import signing


class Command(BaseCommand):
    help = (
        "Manage the Ed25519 keys that sign certificates: `list`, `rotate` (retire the key in use "
        "and start a new one; old certificates keep verifying) or `export` (print the public keys "
        "as published at /verify/keys.json, for offline checks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "rotate", "export"])

    def handle(self, *args, action: str, **options):
        if action == "rotate":
            key = signing.key_rotate()
            self.stdout.write(self.style.SUCCESS(f"New signing key {key.key_id}; earlier keys are retired."))
        elif action == "export":
            self.stdout.write(json.dumps(signing.published_keys(), indent=2))
        else:
            keys = signing.published_keys()["keys"]
            if not keys:
                self.stdout.write("No signing key yet; one is made when the first certificate is issued.")
            for key in keys:
                state = f"retired {key['retired_at']}" if key["retired_at"] else "signing"
                self.stdout.write(f"{key['id']}  {key['public_key']}  created {key['created_at']}  {state}")
