"""Importing residents from the rosters villages already keep (CSV or XLSX): one learner a row,
columns `name, phone, birth_year, home_region` (read and checked by `learner_rows`).

The file runs as a RecordImport job of kind "learners" (the console's upload or
`manage.py import_learners`), in batches of BATCH_ROWS rows. Each batch is one transaction: a
bulk lookup of the phones it names, one of its phoneless people, one bulk insert of the new
learners, and the job's counters with `checkpoint_line`, the file's last line in the batch.
A run that stops (crash, kill, Ctrl-C) resumes after that line; the batch in flight rolled back
whole, and the identity of a row makes re-running any part of a file create nothing twice:

- a row with a phone is the learner with that mobile number (unique in the database);
- a row without one is the learner with the same name, birth year and home village (looked
  up while the batch holds its villages locked, so two imports at once cannot both add them);
  if there is none, a managed profile "under the village": no phone, `managed_by` empty (no family
  member manages them; village staff in scope act for them, as for a villager staff register
  in the console), `created_by` the importer.

A known learner is never overwritten: the file only fills an empty birth year. A phone
registered under another name, to someone living outside the importer's area, to an account
with no home village or to a staff account is a bad row (see `_known_account_problem`: an import
never moves anyone into a village), as is every row that fails a check. Imported people get no
usable password and no welcome SMS (a county roster is not a sign-up; they can set a password
through the SMS password reset). Bad rows are reported with their line and reason.
"""

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import RoleGrant, User
from lifelong.common.bulk import batched, insert_rows
from lifelong.common.spreadsheets import Row, read_table
from lifelong.regions.models import Region

from .imports import BATCH_ROWS, RowProblem, job_batch_committed
from .learner_rows import LEARNER_FILE_COLUMNS, Resident, Villages, _twice, check_row
from .models import RecordImport


@dataclass
class LearnerImportResult:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    bad_rows: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


# --- Writing a batch ----------------------------------------------------------------------------


@dataclass
class _BatchOutcome:
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def _unusable_password() -> str:
    """What `set_unusable_password` stores, made without its per-call overhead (100,000 times)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


# The columns an import sets; every other column of a new learner gets its model default.
IMPORTED_COLUMNS = ("phone", "name", "birth_year", "home_region_id", "password")


def _insert(residents: list[Resident], *, actor: User | None) -> None:
    """Insert new learners with one statement (see `common.bulk`: the ORM's bulk_create spends
    longer building the SQL for thousands of users than the database takes to store them).
    The columns are the model's own, read from it, so a field added to User later is filled
    with its default here too; a callable default is called for each learner."""
    if not residents:
        return
    fields = [f for f in User._meta.concrete_fields if not f.primary_key]
    template = User(created_by=actor, date_joined=timezone.now())  # one moment for the batch
    per_row = {
        f.attname for f in fields if f.has_default() and callable(f.default) and f.attname not in ("date_joined",)
    }
    constant = {
        f.attname: f.get_db_prep_save(getattr(template, f.attname), connection)
        for f in fields
        if f.attname not in IMPORTED_COLUMNS and f.attname not in per_row
    }
    by_name = {f.attname: f for f in fields}

    def values(resident: Resident) -> tuple:
        row = {
            **constant,
            "phone": resident.phone,
            "name": resident.name,
            "birth_year": resident.birth_year,
            "home_region_id": resident.region_id,
            "password": _unusable_password(),
        }
        for attname in per_row:
            row[attname] = by_name[attname].get_db_prep_save(by_name[attname].get_default(), connection)
        return tuple(row[f.attname] for f in fields)

    columns = [(f.column, f.db_type(connection)) for f in fields]
    insert_rows(User._meta.db_table, columns, [values(resident) for resident in residents])


def _known_account_problem(known: dict[str, Any], resident: Resident, scope_ids: set[int]) -> str | None:
    """Why a row may not touch the account that already has its phone, or None.

    Staff accounts are never changed by an import: a superuser or staff member often has no
    home village, and one filled in from a roster would put them in the importer's area, where
    the importer could edit them (their phone is their sign-in). An account without a home
    village is in nobody's area: placing someone in a village is a staff decision taken on the
    learner's page, not a side effect of a roster that happens to list their number."""
    if known["is_staff"] or known["is_superuser"] or known["holds_role"]:
        return _("This mobile number belongs to a staff account; an import does not change staff accounts.")
    if known["home_region_id"] is None:
        return _(
            "This mobile number belongs to an account with no home village; an import does not move anyone "
            "into a village. An administrator can set their village on the learner's page."
        )
    if known["home_region_id"] not in scope_ids:
        return _("This mobile number belongs to someone who lives outside your area.")
    if known["name"] != resident.name:
        return _("This mobile number is registered under another name; check the number.")
    return None


def _lock_villages(region_ids: set[int]) -> None:
    """Hold the rows of the villages whose phoneless people a batch looks up, until the batch
    commits. No database rule stands behind such a person (two real people may share a name,
    birth year and village; only a roster treats them as one), so two imports of one roster at
    once would each miss the people the other is adding and create them twice. With the lock
    the second waits for the first's batch to commit, then finds them. In id order, so two
    imports never deadlock; NO KEY UPDATE leaves rows that merely point at a village (a learner
    signing up there) free to be written meanwhile. On SQLite one writer at a time already
    serializes the batches."""
    list(Region.objects.select_for_update(no_key=True).filter(pk__in=region_ids).order_by("pk").values_list("pk"))


def _write(residents: list[tuple[int, Resident]], *, actor: User | None, scope_ids: set[int]) -> _BatchOutcome:
    """Create, fill or leave each resident of a batch: three queries and two bulk writes,
    whatever the batch's size."""
    outcome = _BatchOutcome()
    phones = [resident.phone for _, resident in residents if resident.phone]
    by_phone = (
        {
            known["phone"]: known
            for known in User.objects.filter(phone__in=phones)
            .annotate(holds_role=Exists(RoleGrant.objects.filter(user=OuterRef("pk"))))
            .values("pk", "phone", "name", "birth_year", "home_region_id", "is_staff", "is_superuser", "holds_role")
        }
        if phones
        else {}
    )
    phoneless = [resident for _, resident in residents if not resident.phone]
    known_people: set[tuple] = set()
    if phoneless:
        _lock_villages({resident.region_id for resident in phoneless})
        known_people = set(
            User.objects.filter(
                home_region_id__in={r.region_id for r in phoneless},
                name__in={r.name for r in phoneless},
                birth_year__in={r.birth_year for r in phoneless},
            ).values_list("name", "birth_year", "home_region_id")
        )
    new: list[Resident] = []
    fills: list[User] = []
    for line, resident in residents:
        if resident.phone is None:
            if (resident.name, resident.birth_year, resident.region_id) in known_people:
                outcome.unchanged += 1
                continue
        else:
            known = by_phone.get(resident.phone)
            if known is not None:
                problem = _known_account_problem(known, resident, scope_ids)
                if problem:
                    outcome.problems.append((line, problem))
                elif known["birth_year"] is None:
                    fills.append(User(pk=known["pk"], birth_year=resident.birth_year))
                else:
                    outcome.unchanged += 1
                continue
        new.append(resident)
    _insert(new, actor=actor)
    if fills:
        User.objects.bulk_update(fills, ["birth_year"], batch_size=500)
    outcome.created, outcome.updated = len(new), len(fills)
    return outcome


# --- Importing ----------------------------------------------------------------------------------


def import_learners(
    *,
    binary: IO[bytes],
    name: str,
    actor: User | None = None,
    record_import: RecordImport | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> LearnerImportResult:
    """Import the residents in a CSV or XLSX file into the villages `actor` administers (every
    village for an operator without an actor). With a `record_import` job, count progress on it
    and resume after its `checkpoint_line`. `progress(done, total)` is called after each batch
    commits. A bad header or unreadable file raises InvalidInput before anything is written.
    The result counts this run only; the job counts every run of it."""
    total, rows = read_table(binary, name, LEARNER_FILE_COLUMNS)
    villages = Villages(actor)
    this_year = timezone.localdate().year
    resume_after = done_before = problems_kept = 0
    if record_import is not None:
        RecordImport.objects.filter(pk=record_import.pk).update(rows_total=total)
        current = RecordImport.objects.only("checkpoint_line", "rows_done", "problems").get(pk=record_import.pk)
        resume_after, done_before, problems_kept = current.checkpoint_line, current.rows_done, len(current.problems)
    result = LearnerImportResult()
    # The first good line of each person: a later row for the same person is a duplicate.
    seen: dict[tuple, int] = {}
    for batch in batched(_after_checkpoint(rows, resume_after, villages, this_year, seen), batch_rows):
        _import_batch(
            batch,
            villages=villages,
            this_year=this_year,
            seen=seen,
            actor=actor,
            record_import=record_import,
            result=result,
            problems_kept=problems_kept,
        )
        if progress:
            progress(done_before + result.rows, total)
    return result


def _import_batch(
    batch: list[tuple[int, Row]],
    *,
    villages: Villages,
    this_year: int,
    seen: dict[tuple, int],
    actor: User | None,
    record_import: RecordImport | None,
    result: LearnerImportResult,
    problems_kept: int,
) -> None:
    problems: list[tuple[int, str]] = []
    good: list[tuple[int, Resident]] = []
    for line, row in batch:
        try:
            resident = check_row(row, villages, this_year)
            first = seen.get(resident.key)
            if first is not None:
                raise _twice(resident.key, first)
            seen[resident.key] = line  # only a good row claims the person
            good.append((line, resident))
        except RowProblem as problem:
            problems.append((line, str(problem)))
    outcome = _write_batch(
        good,
        actor=actor,
        scope_ids=villages.scope_ids,
        record_import=record_import,
        rows=len(batch),
        problems=problems,
        last_line=batch[-1][0],
        problems_so_far=problems_kept + len(result.problems),
    )
    result.rows += len(batch)
    result.created += outcome.created
    result.unchanged += outcome.unchanged
    result.updated += outcome.updated
    result.bad_rows += len(outcome.problems)
    result.problems += outcome.problems


def _after_checkpoint(
    rows: Iterator[tuple[int, Row]], resume_after: int, villages: Villages, this_year: int, seen: dict[tuple, int]
) -> Iterator[tuple[int, Row]]:
    """The rows after the checkpoint. The rows before it were imported by an earlier run; they
    are checked again (in memory) only to remember who they named, so that a duplicate further
    down is still reported as one."""
    for line, row in rows:
        if line > resume_after:
            yield line, row
            continue
        try:
            resident = check_row(row, villages, this_year)
        except RowProblem:
            continue
        seen.setdefault(resident.key, line)


def _write_batch(
    good: list[tuple[int, Resident]],
    *,
    actor: User | None,
    scope_ids: set[int],
    record_import: RecordImport | None,
    rows: int,
    problems: list[tuple[int, str]],
    last_line: int,
    problems_so_far: int,
) -> _BatchOutcome:
    """One batch, one transaction: the learners and the job's counters and checkpoint. If
    someone registers one of the batch's phones between the lookup and the insert (the unique
    phone refuses the insert), the batch rolls back whole and runs once more with a fresh
    lookup, which then finds that learner."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                outcome = _write(good, actor=actor, scope_ids=scope_ids)
                outcome.problems = sorted(problems + outcome.problems)
                if record_import is not None:
                    job_batch_committed(
                        record_import,
                        rows=rows,
                        imported=outcome.created,
                        already_there=outcome.unchanged,
                        updated=outcome.updated,
                        problems=outcome.problems,
                        problems_so_far=problems_so_far,
                        checkpoint_line=last_line,
                    )
            return outcome
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")
