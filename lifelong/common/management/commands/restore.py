from django.core.management.base import BaseCommand, CommandError

from lifelong.common.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and an empty uploaded-files "
        "folder. Every checksum is verified before anything is written; a database without tables is "
        "migrated first. With --check, only verify the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Archive written by `manage.py backup`.")
        parser.add_argument("--check", action="store_true", help="Verify the archive only; write nothing.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, path: str, check: bool, database: str, **options):
        try:
            if check:
                manifest = backup_verify(path)
            else:
                result = backup_restore(path, using=database, migrate_stdout=self.stdout)
                manifest = result.manifest
        except BackupError as error:
            action = "Check" if check else "Restore"
            raise CommandError(f"{action} refused: {error} Nothing was restored.") from error
        summary = (
            f"{manifest.row_count} rows in {len(manifest.tables)} tables and {len(manifest.media)} uploaded "
            f"files, backed up {manifest.created_at} from {manifest.database_vendor}"
        )
        if check:
            self.stdout.write(self.style.SUCCESS(f"The archive is intact: {summary}."))
            return
        if result.migrated_forward:
            self.stdout.write("The archive's schema was older; the code's newer migrations ran on the restored data.")
        self.stdout.write(self.style.SUCCESS(f"Restored {summary}; counts and checksums match the manifest."))
