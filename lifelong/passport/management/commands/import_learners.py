import csv
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from lifelong.accounts.models import User
from lifelong.common.errors import DomainError
from lifelong.common.spreadsheets import read_table
from lifelong.passport.choices import ImportKind, ImportStatus
from lifelong.passport.import_jobs import importer_region
from lifelong.passport.import_runs import record_import_execute
from lifelong.passport.learner_rows import LEARNER_FILE_COLUMNS
from lifelong.passport.models import RecordImport


class Command(BaseCommand):
    help = (
        "Import residents from a village roster (CSV in UTF-8 or GB18030, or XLSX) with the columns "
        "name, phone, birth_year, home_region (a village's code or name; phone optional: without one the "
        "person becomes a managed profile of the village). Known learners are matched by phone, or by name, "
        "birth year and village; nothing is created twice and nobody's own data is overwritten. Bad rows "
        "are reported with their line and reason. The import is a job shown in the console; a run that "
        "stopped continues with --resume JOB."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--as", dest="actor", help="import as this staff member (mobile number): their area")
        parser.add_argument(
            "--resume", type=int, metavar="JOB", help="continue an import that stopped, after its checkpoint"
        )
        parser.add_argument("--report", type=Path, help="write every bad row (line, reason) to this CSV file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, file: Path | None, actor: str | None, resume: int | None, report: Path | None, **options):
        job = self._stopped_job(resume) if resume else self._new_job(file, actor)
        bar = tqdm(total=0, unit=" rows", disable=options["no_progress"], file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            bar.total = max(total, done)
            bar.update(done - bar.n)

        problems: list[tuple[int, str]] = []
        try:
            job = record_import_execute(record_import_id=job.pk, progress=progress, report=problems)
        finally:
            bar.close()
        if job.status != ImportStatus.DONE:
            raise CommandError(f"Import {job.pk} did not finish: {job.error or job.get_status_display()}")
        if report:
            with report.open("w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "problem"])
                writer.writerows(problems)
        for line, reason in problems[:20]:
            self.stdout.write(f"line {line}: {reason}")
        if len(problems) > 20:
            where = f" (see {report})" if report else ""
            self.stdout.write(f"… and {len(problems) - 20} more bad rows{where}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Import {job.pk}: {job.rows_done} rows read: {job.imported} created, {job.updated} updated, "
                f"{job.already_there} unchanged, {job.bad_rows} bad."
            )
        )

    def _new_job(self, file: Path | None, actor: str | None) -> RecordImport:
        if file is None:
            raise CommandError("Name the file to import (or --resume JOB).")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if file.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("The file must be .csv or .xlsx.")
        try:  # a file without the needed columns leaves no job behind
            with file.open("rb") as binary:
                read_table(binary, file.name, LEARNER_FILE_COLUMNS)
        except DomainError as error:
            raise CommandError(error.detail) from error
        staff = None
        if actor:
            staff = User.objects.filter(phone=actor).first()
            if staff is None:
                raise CommandError(f"No user has the mobile number {actor}.")
        region = importer_region(staff)
        if region is None:
            raise CommandError(f"{actor} administers no region.")
        job = RecordImport(kind=ImportKind.LEARNERS, original_name=file.name[:200], region=region, created_by=staff)
        # The job keeps its own copy of the file: --resume, and "run again" in the console,
        # read it from there.
        with file.open("rb") as binary:
            job.file.save(f"learners{file.suffix.lower()}", File(binary), save=False)
        job.save()
        return job

    def _stopped_job(self, pk: int) -> RecordImport:
        job = RecordImport.objects.filter(pk=pk, kind=ImportKind.LEARNERS).first()
        if job is None:
            raise CommandError(f"No resident import has the number {pk}.")
        if not job.may_run_again(timezone.now()):
            raise CommandError(
                f"Import {pk} is {job.get_status_display().lower()}; only a failed import, or one that has not "
                "moved for 10 minutes, continues. Running the same file again is also safe: nothing is duplicated."
            )
        return job
