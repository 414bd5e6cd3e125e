"""Importing learning records from other institutions or the credit bank (CSV or XLSX).

A file is read as a stream and imported in batches, each batch one transaction: its good rows,
the learners' balances and the import's progress counters commit together. A record is known by
(issuer, the issuer's record id), a unique constraint, so re-running a file, or re-running it
after the process was killed midway, skips what is already there and ends in the state one
clean run gives. Bad rows never stop the import: each is reported with its line and reason.

Imports run as jobs (RecordImport: the console's upload and "run it again" in `import_jobs`,
the task worker's run, progress and its report in `import_runs`), as resident rosters
(`learner_imports`) do; each batch counts itself on its job here (`job_batch_committed`). Files
are read by `common.spreadsheets`, one way for every import.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.accounts.phone import normalize_phone
from lifelong.activities.choices import Category
from lifelong.common.bulk import batched, insert_rows
from lifelong.common.errors import DomainError, InvalidInput
from lifelong.common.quantities import hours_to_tenth
from lifelong.common.spreadsheets import Columns, cell_text, read_table

from .choices import RecordSource
from .models import LearningRecord, RecordImport
from .services import balances_add, points_for

BATCH_ROWS = 2000
PROBLEMS_KEPT = 5000  # problems kept on a RecordImport; the command's report file has them all
EARLIEST_DATE = date(1950, 1, 1)

# Column names as the credit bank's and other institutions' exports spell them.
RECORD_FILE_COLUMNS = Columns(
    aliases={
        "record_id": ("record_id", "id", "记录编号", "编号", "记录号"),
        "phone": ("phone", "mobile", "手机号", "手机号码", "手机"),
        "learner_id": ("learner_id", "学员编号"),
        "name": ("name", "姓名"),
        "date": ("date", "learned_on", "日期", "学习日期"),
        "title": ("title", "学习内容", "内容", "课程", "课程名称"),
        "hours": ("hours", "学时"),
        "points": ("points", "积分"),
        "category": ("category", "类别", "分类"),
    },
    required=("record_id", "date", "title", "hours", ("phone", "learner_id")),
)


class RowProblem(Exception):
    """One row cannot be imported; the message says why, in the importer's language."""


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    already_there: int = 0
    bad_rows: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def read_rows(binary: IO[bytes], name: str) -> tuple[int, Iterator[tuple[int, dict[str, Any]]]]:
    """(about how many data rows, an iterator of (line number, {column: value})) of a file of
    learning records."""
    return read_table(binary, name, RECORD_FILE_COLUMNS)


# --- Checking one row ---------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _phone(raw: str) -> str | None:
    try:
        return normalize_phone(raw)
    except DomainError:
        return None


def _date(value: Any, today: date) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = cell_text(value).replace("/", "-").replace(".", "-")
        try:
            value = date.fromisoformat(text[:10]) if len(text) >= 8 else None
        except ValueError:
            value = None
        if value is None:
            raise RowProblem(_("The date is not a date (write it as 2026-11-05)."))
    if value > today:
        raise RowProblem(_("The date lies in the future."))
    if value < EARLIEST_DATE:
        raise RowProblem(_("The date is before 1950."))
    return value


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(cell_text(value))
    except InvalidOperation:
        raise RowProblem(_("The hours are not a number.")) from None
    if not hours.is_finite() or hours <= 0 or hours > 999:
        raise RowProblem(_("The hours must be more than 0 and at most 999."))
    return hours_to_tenth(hours)


def _points(value: Any, hours: Decimal) -> int:
    text = cell_text(value)
    if not text:
        return points_for(hours)
    try:
        points = Decimal(text)
    except InvalidOperation:
        raise RowProblem(_("The points are not a whole number.")) from None
    # Compared as a Decimal first: int() of "1e99999999" would build a huge number, of "inf" fail.
    if not points.is_finite() or points < 0 or points > 100_000:
        raise RowProblem(_("The points must be between 0 and 100000."))
    return int(points)


@lru_cache(maxsize=1)
def _category_words() -> dict[str, str]:
    """Category keys and their names in both languages (a file says 艺术 or Arts or arts,
    whatever the language of whoever runs the import)."""
    words = {value: value for value in Category.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            words |= {str(label).lower(): value for value, label in Category.choices}
    return words


def _category(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    found = _category_words().get(text.lower())
    if found is None:
        raise RowProblem(_("Unknown category “%(category)s”.") % {"category": text[:30]})
    return found


# --- Importing ----------------------------------------------------------------------------------


class _Learners:
    """Looks learners up by phone or id, only among those the importer may import for."""

    def __init__(self, actor: User | None):
        self.people = policy.restrict(actor, policy.Action.VIEW, User.objects.all()) if actor else User.objects.all()

    def load(self, rows: list[dict[str, Any]]) -> tuple[dict[str, User], dict[int, User]]:
        phones = {p for p in (_phone(cell_text(r.get("phone"))) for r in rows if cell_text(r.get("phone"))) if p}
        ids = {int(t) for t in (cell_text(r.get("learner_id")) for r in rows) if _is_id(t)}
        fields = ("id", "name", "phone", "home_region_id")
        by_phone = {u.phone: u for u in self.people.filter(phone__in=phones).only(*fields)} if phones else {}
        by_id = self.people.filter(pk__in=ids).only(*fields).in_bulk() if ids else {}
        return by_phone, by_id


def _is_id(text: str) -> bool:
    """Plain digits that fit a database id ("²" is a digit to Python, not to us)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _learner_for(row: dict[str, Any], by_phone: dict[str, User], by_id: dict[int, User]) -> User:
    raw_phone, raw_id = cell_text(row.get("phone")), cell_text(row.get("learner_id"))
    if raw_phone:
        phone = _phone(raw_phone)
        if phone is None:
            raise RowProblem(_("The mobile number is not a valid mainland number."))
        learner = by_phone.get(phone)
    elif _is_id(raw_id):
        learner = by_id.get(int(raw_id))
    else:
        raise RowProblem(_("The row names no learner (mobile number or learner id)."))
    if learner is None:
        raise RowProblem(_("No learner with this mobile number or id lives in your area."))
    name = cell_text(row.get("name"))
    if name and name != learner.name:
        raise RowProblem(_("The name does not match the learner with this mobile number or id."))
    return learner


def import_records(
    *,
    binary: IO[bytes],
    name: str,
    issuer: str,
    actor: User | None = None,
    record_import: RecordImport | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportResult:
    """Import the records in a CSV or XLSX file issued by `issuer`, for learners the `actor`
    may import for (everyone when run by an operator without an actor). `progress(done, total)`
    is called after each batch commits. A bad header or unreadable file raises InvalidInput
    before anything is written."""
    issuer = issuer.strip()[:120]
    if not issuer:
        raise InvalidInput(_("Say who issued these records."), code="invalid", field="issuer")
    total, rows = read_rows(binary, name)
    if record_import is not None:
        RecordImport.objects.filter(pk=record_import.pk).update(
            rows_total=total, rows_done=0, imported=0, already_there=0, bad_rows=0, problems=[]
        )
    result = ImportResult()
    learners = _Learners(actor)
    seen: set[str] = set()
    for batch in batched(rows, batch_rows):
        _import_batch(batch, issuer=issuer, learners=learners, seen=seen, result=result, record_import=record_import)
        if progress:
            progress(result.rows, total)
    return result


@dataclass(frozen=True, slots=True)
class ImportedRow:
    learner_id: int
    region_id: int | None
    hours: Decimal
    points: int
    learned_on: date
    category: str
    title: str


RECORD_COLUMNS = (
    ("learner_id", "bigint"),
    ("source", "text"),
    ("hours", "numeric"),
    ("points", "integer"),
    ("learned_on", "date"),
    ("category", "text"),
    ("title", "text"),
    ("title_en", "text"),
    ("issuer", "text"),
    ("external_id", "text"),
    ("region_id", "bigint"),
    ("note", "text"),
    ("created_at", "timestamptz"),
)


def _insert(rows: dict[str, ImportedRow], *, issuer: str) -> None:
    """Insert a batch of imported records (see `common.bulk`: a credit bank's file holds
    hundreds of thousands of rows). The columns are the model's own."""
    ops = connection.ops
    created_at = ops.adapt_datetimefield_value(timezone.now())
    values = [
        (
            row.learner_id,
            RecordSource.EXTERNAL.value,
            ops.adapt_decimalfield_value(row.hours, 6, 1),
            row.points,
            ops.adapt_datefield_value(row.learned_on),
            row.category,
            row.title,
            "",
            issuer,
            record_id,
            row.region_id,
            "",
            created_at,
        )
        for record_id, row in rows.items()
    ]
    insert_rows(LearningRecord._meta.db_table, RECORD_COLUMNS, values)


def _checked_row(
    row: dict[str, Any], *, seen: set[str], by_phone: dict[str, User], by_id: dict[int, User], today: date
) -> tuple[str, ImportedRow]:
    """(the record id, the record) of a row that passes every check; RowProblem otherwise."""
    record_id = cell_text(row.get("record_id"))
    if not record_id or len(record_id) > 100:
        raise RowProblem(_("The record id is missing or longer than 100 characters."))
    if record_id in seen:
        raise RowProblem(_("The record id appears twice in this file."))
    learner = _learner_for(row, by_phone, by_id)
    title = cell_text(row.get("title"))
    if not title:
        raise RowProblem(_("The row says nothing about what was learned."))
    hours = _hours(row.get("hours"))
    imported = ImportedRow(
        learner_id=learner.pk,
        region_id=learner.home_region_id,
        hours=hours,
        points=_points(row.get("points"), hours),
        learned_on=_date(row.get("date"), today),
        category=_category(row.get("category")),
        title=title[:200],
    )
    return record_id, imported


def _write_new(good: dict[str, ImportedRow], *, issuer: str) -> tuple[set[str], dict[str, ImportedRow]]:
    """Insert the batch's records not already there and add them to the learners' balances;
    (the ids already there, the records written)."""
    there = set(
        LearningRecord.objects.filter(
            source=RecordSource.EXTERNAL, issuer=issuer, external_id__in=list(good)
        ).values_list("external_id", flat=True)
    )
    new = {record_id: row for record_id, row in good.items() if record_id not in there}
    _insert(new, issuer=issuer)
    deltas: dict[int, tuple[Decimal, int, int]] = {}
    for row in new.values():
        hours, points, entries = deltas.get(row.learner_id, (Decimal("0"), 0, 0))
        deltas[row.learner_id] = (hours + row.hours, points + row.points, entries + 1)
    balances_add(deltas)
    return there, new


def _import_batch(
    batch: list[tuple[int, dict[str, Any]]],
    *,
    issuer: str,
    learners: _Learners,
    seen: set[str],
    result: ImportResult,
    record_import: RecordImport | None,
) -> None:
    today = timezone.localdate()
    problems: list[tuple[int, str]] = []
    with transaction.atomic():
        by_phone, by_id = learners.load([row for _, row in batch])
        good: dict[str, ImportedRow] = {}
        for line, row in batch:
            try:
                record_id, imported = _checked_row(row, seen=seen, by_phone=by_phone, by_id=by_id, today=today)
                # Only a good row claims its id: a corrected copy further down still counts.
                seen.add(record_id)
                good[record_id] = imported
            except RowProblem as problem:
                problems.append((line, str(problem)))
        there, new = _write_new(good, issuer=issuer)
        if record_import is not None:
            job_batch_committed(
                record_import,
                rows=len(batch),
                imported=len(new),
                already_there=len(there),
                problems=problems,
                problems_so_far=len(result.problems),
            )
    result.rows += len(batch)
    result.imported += len(new)
    result.already_there += len(there)
    result.bad_rows += len(problems)
    result.problems += problems


# --- Counting a batch on its job (RecordImport; see import_jobs) ---------------------------------


def job_batch_committed(
    record_import: RecordImport,
    *,
    rows: int,
    imported: int,
    already_there: int,
    problems: list[tuple[int, str]],
    problems_so_far: int,
    updated: int = 0,
    checkpoint_line: int | None = None,
) -> None:
    """Count a batch on its job, inside the batch's own transaction: the counters, the report
    and the checkpoint commit with the rows they describe, or not at all."""
    changes: dict[str, Any] = {
        "heartbeat_at": timezone.now(),
        "rows_done": F("rows_done") + rows,
        "imported": F("imported") + imported,
        "already_there": F("already_there") + already_there,
        "updated": F("updated") + updated,
        "bad_rows": F("bad_rows") + len(problems),
    }
    if checkpoint_line is not None:
        changes["checkpoint_line"] = checkpoint_line
    RecordImport.objects.filter(pk=record_import.pk).update(**changes)
    kept = max(PROBLEMS_KEPT - problems_so_far, 0)
    if problems and kept:
        current = RecordImport.objects.only("problems").get(pk=record_import.pk)
        current.problems = current.problems + [list(p) for p in problems[:kept]]
        current.save(update_fields=["problems"])
