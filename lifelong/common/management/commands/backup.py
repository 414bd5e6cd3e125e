from django.core.management.base import BaseCommand, CommandError

from lifelong.common.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write one archive of every database row and every uploaded file, with a manifest of counts "
        "and checksums, to PATH (.tar, or .tar.gz/.tgz to compress). Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Archive to write; an existing file is refused unless --force.")
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, path: str, force: bool, database: str, **options):
        try:
            manifest = backup_write(path, force=force, using=database)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}") from error
        for name in manifest.missing_media:
            self.stderr.write(self.style.WARNING(f"Referenced by a row but not among the uploaded files: {name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest.row_count} rows from {len(manifest.tables)} tables and "
                f"{len(manifest.media)} uploaded files ({manifest.media_bytes / 1_000_000:.1f} MB) to {path}."
            )
        )
