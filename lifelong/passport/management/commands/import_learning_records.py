import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lifelong.accounts.models import User
from lifelong.common.errors import DomainError
from lifelong.passport.imports import import_records


class Command(BaseCommand):
    help = (
        "Import learning records from another institution or the credit bank (CSV or XLSX). Bad rows "
        "are reported with their line and reason and skipped; good rows are imported in batches. "
        "Re-running the same file, also after the import was interrupted, imports nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--issuer", required=True, help="who issued the records (part of each record's id)")
        parser.add_argument("--as", dest="actor", help="import as this staff member (mobile number): their scope")
        parser.add_argument("--report", type=Path, help="write every bad row (line, reason) to this CSV file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, file: Path, issuer: str, actor: str | None, report: Path | None, **options):
        staff = None
        if actor:
            staff = User.objects.filter(phone=actor).first()
            if staff is None:
                raise CommandError(f"No user has the mobile number {actor}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        bar = tqdm(total=0, unit=" rows", disable=options["no_progress"], file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = max(total, done)
            bar.update(done - bar.n)

        try:
            with file.open("rb") as binary:
                result = import_records(binary=binary, name=file.name, issuer=issuer, actor=staff, progress=progress)
        except DomainError as error:
            raise CommandError(error.detail) from error
        finally:
            bar.close()
        if report:
            with report.open("w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "problem"])
                writer.writerows(result.problems)
        for line, reason in result.problems[:20]:
            self.stdout.write(f"line {line}: {reason}")
        if len(result.problems) > 20:
            where = f" (see {report})" if report else ""
            self.stdout.write(f"… and {len(result.problems) - 20} more bad rows{where}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} rows read: {result.imported} imported, {result.already_there} already there, "
                f"{result.bad_rows} bad."
            )
        )
