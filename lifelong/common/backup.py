"""Backups: one archive of every database row and every uploaded file, and its restore.

`backup_write(path)` writes the archive, `backup_restore(path)` loads it into an empty database
and an empty file storage, `backup_verify(path)` only checks it. The management commands
`backup` and `restore` call them (DESIGN §5, §8).

Decisions, and why:

- **A logical, database-neutral dump.** Each table is a file of JSON lines, one JSON array of
  column values per row, in primary-key order. Values are read through the ORM (so SQLite's
  text dates and PostgreSQL's timestamps both arrive as the same Python values) and written as
  plain JSON (datetimes as ISO 8601 with their offset, decimals and UUIDs as strings, bytes as
  base64, JSON columns as their JSON text so that SQL NULL and JSON `null` stay distinct). An
  archive made on SQLite therefore restores on PostgreSQL and the other way round, which a file
  copy or `pg_dump` cannot do, and it streams (`iterator()`), so a large table never sits in
  memory. Django's `dumpdata` would do the same slower and without the checksums and counts.
- **One consistent snapshot while the site runs.** PostgreSQL: every table is read in one
  `REPEATABLE READ, READ ONLY` transaction; it sees one snapshot and blocks no writer. (The
  site's own transactions run at READ COMMITTED, so SERIALIZABLE DEFERRABLE would promise
  nothing more here.) SQLite: one deferred read transaction (`BEGIN DEFERRED`, not Django's
  IMMEDIATE, which would hold the write lock for the whole backup); in WAL mode a reader keeps
  its snapshot and writers go on.
- **Every table, at the schema the database is at.** The tables are those of every installed
  app's migration state at the migrations the database has applied (so auth, content types,
  sessions, the task queue, two-factor devices and login attempts are all in, with the
  auto-created many-to-many tables). Reading through that state rather than the live models
  means a backup taken after new code is deployed but before `migrate` still reads exactly the
  columns that exist. The applied migrations are the archive's schema version.
- **Uploaded files** are everything in the default file storage (`MEDIA_ROOT` in production:
  cover pictures, resource files, record-import files), read through the storage API, taken
  after the database snapshot. Files referenced by rows but absent from the storage (deleted
  between the snapshot and the copy, or lost earlier) are listed in the manifest and reported.
- **Not in the archive:** settings and secrets (`SECRET_KEY`, `.env`): certificate signing keys
  are in the database but encrypted under a key derived from `SECRET_KEY`, so restoring without
  the same `SECRET_KEY` (or it in `SECRET_KEY_FALLBACKS`) leaves certificates verifiable but
  the site unable to sign new ones with those keys. Also not in it: static files (rebuilt by
  `collectstatic`), the SMS spool, logs.
- **The manifest** (`manifest.json`, last in the archive, with `manifest.sha256` after it)
  holds the format version, the schema version, the database vendor, per table its columns,
  row count and SHA-256 of its file, and per uploaded file its size and SHA-256. The archive is
  a `.tar` (`.tar.gz`/`.tgz` when the path says so), written to a temporary file beside the
  target, readable by its owner only, and moved into place when complete; an existing file is
  never overwritten unless asked to (`force`).
- **Restore checks everything before writing anything**: every member's checksum and size,
  every table's row count, the manifest's own checksum, that no member is missing or extra,
  that the archive's schema is one this code knows (an archive from newer code is refused),
  that the database holds no data (only the content types and permissions `migrate` makes) and
  that the file storage is empty. A database with no tables is first migrated to the archive's
  schema; after loading, any newer migrations of the code run on the restored data. The rows
  load in one transaction (foreign keys are deferred; tables go parents first anyway), the
  files are written, then row counts and stored files are checked against the manifest again;
  any failure rolls the rows back and removes the files written. PostgreSQL's sequences are
  reset so new rows get fresh keys.
- The archive has checksums, not a signature: they catch damage, not a forger who rewrites
  the manifest. Keep archives as private as the database itself (they hold personal data).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import hashlib
import io
import json
import logging
import os
import re
import tarfile
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.duration import duration_iso_string

logger = logging.getLogger(__name__)

FORMAT = "lifelong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
TABLES_DIR = "tables"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024
ROWS_PER_BATCH = 1000
# Tables that `migrate` fills by itself (its post_migrate signal): a freshly migrated database
# has these rows, and restore replaces them with the archive's (their ids are referenced).
MIGRATE_FILLS = ("auth.permission", "contenttypes.contenttype")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; `code` names the reason for scripts and tests."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class TableEntry:
    model: str  # app_label.model_name, lower case
    db_table: str
    columns: list[str]
    rows: int
    bytes: int
    sha256: str

    @property
    def member(self) -> str:
        return f"{TABLES_DIR}/{self.model}.jsonl"


@dataclass
class MediaEntry:
    name: str
    bytes: int
    sha256: str

    @property
    def member(self) -> str:
        return f"{MEDIA_DIR}/{self.name}"


@dataclass
class Manifest:
    created_at: str
    database_vendor: str
    migrations: dict[str, list[str]]
    tables: list[TableEntry]
    media: list[MediaEntry]
    missing_media: list[str] = field(default_factory=list)
    django_version: str = ""

    def as_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "database_vendor": self.database_vendor,
            "django_version": self.django_version,
            "migrations": self.migrations,
            "tables": [t.__dict__ for t in self.tables],
            "media": [m.__dict__ for m in self.media],
            "missing_media": self.missing_media,
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError("This file is not a Lifelong backup.", code="not_a_backup")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"The archive has format version {data.get('format_version')}; this code reads "
                    f"version {FORMAT_VERSION}. Restore it with the code that wrote it.",
                    code="format_unknown",
                )
            manifest = cls(
                created_at=str(data["created_at"]),
                database_vendor=str(data["database_vendor"]),
                django_version=str(data.get("django_version", "")),
                migrations={str(app): [str(n) for n in names] for app, names in data["migrations"].items()},
                tables=[TableEntry(**t) for t in data["tables"]],
                media=[MediaEntry(**m) for m in data["media"]],
                missing_media=[str(n) for n in data.get("missing_media", [])],
            )
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"The archive's manifest is damaged ({error}).", code="damaged") from error
        for media in manifest.media:
            _check_media_name(media.name)
        for table in manifest.tables:
            if not re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", table.model):
                raise BackupError(f"The manifest names an impossible table {table.model!r}.", code="damaged")
        return manifest

    @property
    def row_count(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def media_bytes(self) -> int:
        return sum(m.bytes for m in self.media)


@dataclass
class RestoreResult:
    manifest: Manifest
    migrated_forward: bool


# --- Schema: the migration state the database is at ------------------------------------------


def _applied(loader: MigrationLoader) -> set[tuple[str, str]]:
    """The applied migrations the code knows, without records of migrations a squash replaced."""
    replaced = {key for migration in loader.disk_migrations.values() for key in migration.replaces}
    return {key for key in loader.applied_migrations if key not in replaced}


def _state_apps(loader: MigrationLoader, nodes: set[tuple[str, str]]) -> Apps:
    leaves = sorted(nodes)
    return loader.project_state(nodes=leaves, at_end=True).apps if leaves else Apps()


def _tables(state_apps: Apps, using: str) -> list[type[models.Model]]:
    """Every table of the state, parents before the tables that point at them (ties by name),
    so a restore can insert in this order; cycles and self-references rely on deferred keys."""
    found = {
        m._meta.label_lower: m
        for m in state_apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and router.allow_migrate_model(using, m)
    }
    needs = {
        label: {
            f.remote_field.model._meta.label_lower
            for f in model._meta.local_concrete_fields
            if f.remote_field is not None and f.remote_field.model._meta.label_lower in found
        }
        - {label}
        for label, model in found.items()
    }
    ordered: list[str] = []
    done: set[str] = set()
    while len(ordered) < len(found):
        ready = sorted(label for label in found if label not in done and needs[label] <= done)
        if not ready:  # a cycle: take the first remaining table; deferred keys make it load
            ready = [min(label for label in found if label not in done)]
        for label in ready:
            ordered.append(label)
            done.add(label)
    return [found[label] for label in ordered]


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.local_concrete_fields if not f.generated]


# --- Values: database-neutral JSON ------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value read through the ORM as a JSON value (see the module docstring)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise BackupError(f"No archive form for a {type(value).__name__} value.", code="unknown_type")


def _db_value(column: models.Field, value: Any, connection: BaseDatabaseWrapper) -> Any:
    """The archived JSON value as the database driver wants it."""
    if value is None:
        return None
    if isinstance(column, models.JSONField):
        return column.get_db_prep_value(json.loads(value, cls=column.decoder), connection)
    return column.get_db_prep_save(column.to_python(value), connection)


# --- Streams ----------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads through to `source` and keeps the SHA-256 and size of what was read."""

    def __init__(self, source: IO[bytes]):
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - io's own signature
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _check_media_name(name: str) -> None:
    path = PurePosixPath(name)
    if not name or "\\" in name or "\x00" in name or path.is_absolute() or ".." in path.parts or str(path) != name:
        raise BackupError(f"The archive names an unsafe file {name!r}.", code="damaged")


def _storage_names(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from _storage_names(storage, f"{directory}/{sub}" if directory else sub)


# --- Backup -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _snapshot(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """One read-only snapshot of the whole database for the reads inside (module docstring)."""
    if connection.in_atomic_block:
        raise BackupError("A backup must run outside any transaction to see one snapshot.", code="in_transaction")
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")  # nothing was written; this only ends the snapshot
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.", code="vendor")


def _dump_table(model: type[models.Model], out: IO[bytes], using: str) -> tuple[int, set[str], str, int]:
    """Write the table's rows as JSON lines; returns the row count, the file names its file
    columns refer to, and the SHA-256 and size of what was written."""
    columns = _columns(model)
    selected = [Cast(c.attname, models.TextField()) if isinstance(c, models.JSONField) else c.attname for c in columns]
    file_positions = [i for i, c in enumerate(columns) if isinstance(c, models.FileField)]
    rows, files, digest, size = 0, set(), hashlib.sha256(), 0
    query = model._base_manager.using(using).order_by("pk").values_list(*selected)
    for row in query.iterator(chunk_size=2000):
        line = json.dumps([_plain(v) for v in row], ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        out.write(line)
        digest.update(line)
        size += len(line)
        rows += 1
        files.update(row[i] for i in file_positions if row[i])
    return rows, files, digest.hexdigest(), size


def _add_member(archive: tarfile.TarFile, name: str, stream: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o600
    archive.addfile(info, stream)


def backup_write(path: str | os.PathLike, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write the archive of the database `using` and the default storage to `path`.

    Refuses (BackupError `exists`) when `path` exists, unless `force`. Reads the database in one
    snapshot, then the files; writes to a temporary file beside `path` and renames it into
    place, so `path` is either the complete archive or untouched."""
    target = Path(path)
    if target.exists() and not force:
        raise BackupError(f"{target} exists already; choose another name or pass --force.", code="exists")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.", code="no_folder")
    compress = target.name.endswith((".gz", ".tgz"))
    connection = connections[using]
    try:
        handle, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as error:
        raise BackupError(f"Cannot write in {target.parent} ({error}).", code="write_failed") from error
    partial = Path(partial_name)
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6)
            if compress
            else tarfile.open(fileobj=raw, mode="w") as archive,
            tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as scratch,
        ):
            tables, referenced, migrations = _backup_tables(archive, Path(scratch), connection)
            media, missing = _backup_media(archive, referenced)
            manifest = Manifest(
                created_at=timezone.now().isoformat(),
                database_vendor=connection.vendor,
                django_version=django.get_version(),
                migrations=migrations,
                tables=tables,
                media=media,
                missing_media=missing,
            )
            body = manifest.as_json()
            _add_member(archive, MANIFEST, io.BytesIO(body), len(body))
            checksum = f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n".encode("ascii")
            _add_member(archive, MANIFEST_SUM, io.BytesIO(checksum), len(checksum))
            archive.close()
            raw.flush()
            os.fsync(raw.fileno())
        if force:
            os.replace(partial, target)
        else:
            os.link(partial, target)  # fails if someone made `target` meanwhile; never overwrites
            partial.unlink()
    except FileExistsError as error:
        raise BackupError(f"{target} appeared while the backup ran; it was left alone.", code="exists") from error
    except OSError as error:  # a full disk, a file that shrank while it was copied
        raise BackupError(
            f"Writing {target} failed ({error}); nothing was left behind.", code="write_failed"
        ) from error
    finally:
        partial.unlink(missing_ok=True)
    logger.info("Backup written to %s: %s rows, %s files", target, manifest.row_count, len(manifest.media))
    return manifest


def _backup_tables(
    archive: tarfile.TarFile, scratch: Path, connection: BaseDatabaseWrapper
) -> tuple[list[TableEntry], set[str], dict[str, list[str]]]:
    with _snapshot(connection):
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        recorded = set(loader.applied_migrations)
        unknown = sorted(
            f"{app}.{name}"
            for app, name in recorded - set(loader.graph.nodes)
            if app in loader.migrated_apps
            and not any((app, name) in m.replaces for m in loader.disk_migrations.values())
        )
        if unknown:
            raise BackupError(
                "The database has migrations this code does not know ("
                + ", ".join(unknown[:5])
                + "); back it up with the code that migrated it.",
                code="schema_newer",
            )
        applied = _applied(loader) & set(loader.graph.nodes)
        tables, referenced = [], set()
        for model in _tables(_state_apps(loader, applied), connection.alias):
            part = scratch / f"{model._meta.label_lower}.jsonl"
            with part.open("wb") as out:
                rows, files, sha256, size = _dump_table(model, out, connection.alias)
            entry = TableEntry(
                model=model._meta.label_lower,
                db_table=model._meta.db_table,
                columns=[c.column for c in _columns(model)],
                rows=rows,
                bytes=size,
                sha256=sha256,
            )
            with part.open("rb") as written:
                _add_member(archive, entry.member, written, size)
            part.unlink()
            tables.append(entry)
            referenced |= files
    migrations: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        migrations.setdefault(app, []).append(name)
    return tables, referenced, migrations


def _backup_media(archive: tarfile.TarFile, referenced: set[str]) -> tuple[list[MediaEntry], list[str]]:
    media = []
    for name in _storage_names(default_storage):
        try:
            size = default_storage.size(name)
            stored = default_storage.open(name, "rb")
        except FileNotFoundError:  # deleted since it was listed; if a row needs it, it is "missing"
            continue
        with stored:
            reader = _Hashing(stored)
            entry = MediaEntry(name=name, bytes=size, sha256="")
            _add_member(archive, entry.member, reader, size)  # tarfile fails if the file shrank
            entry.sha256 = reader.digest.hexdigest()
        media.append(entry)
    missing = sorted(referenced - {m.name for m in media})
    return media, missing


# --- Verify -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise BackupError(f"{path} is not a file.", code="not_found")
    try:
        with tarfile.open(path, mode="r:*") as archive:
            yield archive
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as error:
        raise BackupError(f"The archive is damaged or truncated ({error}).", code="damaged") from error


def _members(archive: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    seen: set[str] = set()
    for member in archive:
        if not member.isfile() or member.name in seen:
            raise BackupError(f"The archive holds an unexpected entry {member.name!r}.", code="damaged")
        seen.add(member.name)
        stream = archive.extractfile(member)
        if stream is None:  # only non-files have no stream, and those were refused above
            raise BackupError(f"The archive entry {member.name!r} cannot be read.", code="damaged")
        yield member, stream


def backup_verify(path: str | os.PathLike) -> Manifest:
    """Read the whole archive and check it against its manifest; writes nothing.

    Raises BackupError `damaged` for a bad checksum, size or row count, a missing, extra or
    unreadable member, a truncated archive or a manifest that does not match its checksum."""
    found: dict[str, tuple[str, int, int]] = {}  # member -> sha256, bytes, lines
    manifest_body = manifest_sum = None
    with _open_archive(Path(path)) as archive:
        for member, stream in _members(archive):
            if member.name == MANIFEST:
                manifest_body = stream.read()
            elif member.name == MANIFEST_SUM:
                manifest_sum = stream.read()
            else:
                digest, size, lines = hashlib.sha256(), 0, 0
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    lines += chunk.count(b"\n")
                found[member.name] = (digest.hexdigest(), size, lines)
    if manifest_body is None or manifest_sum is None:
        raise BackupError("The archive has no manifest: it is truncated or not a Lifelong backup.", code="damaged")
    if manifest_sum.split(b" ", 1)[0].decode("ascii", "replace") != hashlib.sha256(manifest_body).hexdigest():
        raise BackupError("The archive's manifest does not match its checksum.", code="damaged")
    manifest = Manifest.from_json(manifest_body)
    expected = {t.member: (t.sha256, t.bytes, t.rows) for t in manifest.tables}
    expected.update({m.member: (m.sha256, m.bytes, None) for m in manifest.media})
    if missing := sorted(set(expected) - set(found)):
        raise BackupError(f"The archive lacks {len(missing)} member(s), e.g. {missing[0]}.", code="damaged")
    if extra := sorted(set(found) - set(expected)):
        raise BackupError(
            f"The archive holds {len(extra)} member(s) not in its manifest, e.g. {extra[0]}.", code="damaged"
        )
    for name, (sha256, size, rows) in expected.items():
        got_sha256, got_size, got_lines = found[name]
        if got_sha256 != sha256 or got_size != size:
            raise BackupError(f"{name} in the archive is damaged (its checksum does not match).", code="damaged")
        if rows is not None and got_lines != rows:
            raise BackupError(f"{name} holds {got_lines} rows; the manifest says {rows}.", code="damaged")
    return manifest


# --- Restore ----------------------------------------------------------------------------------


def _rows_present(models_: list[type[models.Model]], using: str) -> list[str]:
    return [
        m._meta.db_table
        for m in models_
        if m._meta.label_lower not in MIGRATE_FILLS and m._base_manager.using(using).exists()
    ]


def backup_restore(
    path: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, migrate_stdout: IO[str] | None = None
) -> RestoreResult:
    """Restore the archive at `path` into the database `using` and the default storage.

    Both must be empty: the database either has no tables yet (it is then migrated to the
    archive's schema first) or is migrated to exactly the archive's schema and holds no rows
    beyond what `migrate` makes. Everything is checked before anything is written (module
    docstring); after loading, the code's newer migrations, if any, run on the restored data."""
    archive_path = Path(path)
    manifest = backup_verify(archive_path)
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A restore must run outside any transaction.", code="in_transaction")

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    wanted = {(app, name) for app, names in manifest.migrations.items() for name in names}
    if unknown := sorted(wanted - set(loader.graph.nodes)):
        raise BackupError(
            "The archive comes from newer code: this code lacks its migrations "
            + ", ".join(f"{app}.{name}" for app, name in unknown[:5])
            + ". Restore it with the code (version) that made it.",
            code="schema_newer",
        )
    state_models = {m._meta.label_lower: m for m in _tables(_state_apps(loader, wanted), using)}
    if set(state_models) != {t.model for t in manifest.tables}:
        raise BackupError("The archive's tables do not match its schema version.", code="damaged")
    for table in manifest.tables:
        if [c.column for c in _columns(state_models[table.model])] != table.columns:
            raise BackupError(f"The columns of {table.model} do not match its schema version.", code="damaged")

    applied = _applied(loader) & set(loader.graph.nodes)
    if applied and applied != wanted:
        raise BackupError(
            "The database is migrated to a different schema than the archive's. Restore into a new, "
            "empty database (restore migrates it), or migrate this one to the archive's migrations.",
            code="schema_differs",
        )
    if applied and (holding := _rows_present(list(state_models.values()), using)):
        raise BackupError(
            f"The database is not empty ({len(holding)} tables hold rows, e.g. {', '.join(holding[:3])}); "
            "restore only into an empty database.",
            code="database_not_empty",
        )
    if next(_storage_names(default_storage), None) is not None:
        raise BackupError(
            "The uploaded-files folder (MEDIA_ROOT) is not empty; restore only into an empty one.",
            code="media_not_empty",
        )

    # Everything is checked; from here on the restore writes.
    if not applied:
        executor = MigrationExecutor(connection)
        targets = [(app, _leaf(loader, wanted, app)) for app in sorted(loader.migrated_apps)]
        executor.migrate(targets)
        if holding := _rows_present(list(state_models.values()), using):  # data migrations on nothing
            raise BackupError(f"Migrating left rows in {', '.join(holding[:3])}.", code="database_not_empty")
    written: list[str] = []
    try:
        with transaction.atomic(using=using):
            _load(archive_path, manifest, state_models, connection, written)
            _check_counts(manifest, state_models, using)
            connection.check_constraints(table_names=[m._meta.db_table for m in state_models.values()])
            statements = connection.ops.sequence_reset_sql(no_style(), list(state_models.values()))
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    finally:
        ContentType.objects.clear_cache()
    executor = MigrationExecutor(connection)
    migrated_forward = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if migrated_forward:
        call_command("migrate", database=using, interactive=False, stdout=migrate_stdout or io.StringIO())
    logger.info("Backup %s restored: %s rows, %s files", archive_path, manifest.row_count, len(manifest.media))
    return RestoreResult(manifest=manifest, migrated_forward=migrated_forward)


def _leaf(loader: MigrationLoader, wanted: set[tuple[str, str]], app: str) -> str | None:
    """The archive's last migration of `app` (None: the archive has none of it)."""
    mine = {key for key in wanted if key[0] == app}
    leaves = [key for key in mine if not any(child in mine for child in loader.graph.node_map[key].children)]
    if len(leaves) > 1:
        raise BackupError(f"The archive's migrations of {app} have no single last one.", code="damaged")
    return leaves[0][1] if leaves else None


def _load(
    archive_path: Path,
    manifest: Manifest,
    state_models: dict[str, type[models.Model]],
    connection: BaseDatabaseWrapper,
    written: list[str],
) -> None:
    """Insert every table's rows and store every file, in one pass over the archive (tables come
    first in it); each member's checksum is checked again as it is read."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for label in MIGRATE_FILLS:  # permissions first: they point at content types
            if label in state_models:
                cursor.execute(f"DELETE FROM {quote(state_models[label]._meta.db_table)}")  # noqa: S608 - a table name
    tables = {t.member: t for t in manifest.tables}
    media = {m.member: m for m in manifest.media}
    with _open_archive(archive_path) as archive:
        for member, stream in _members(archive):
            if member.name in tables:
                _load_table(stream, tables[member.name], state_models, connection)
            elif member.name in media:
                _load_file(stream, media[member.name], written)


def _load_table(
    stream: IO[bytes], table: TableEntry, state_models: dict[str, type[models.Model]], connection: BaseDatabaseWrapper
) -> None:
    quote = connection.ops.quote_name
    columns = _columns(state_models[table.model])
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the schema, values bound
        quote(table.db_table), ", ".join(quote(c.column) for c in columns), ", ".join(["%s"] * len(columns))
    )
    reader = _Hashing(stream)
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for line in io.BufferedReader(reader, CHUNK):
            values = json.loads(line)
            batch.append([_db_value(c, v, connection) for c, v in zip(columns, values, strict=True)])
            if len(batch) >= ROWS_PER_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    if reader.digest.hexdigest() != table.sha256:
        raise BackupError(f"{table.member} changed while it was restored.", code="damaged")


def _load_file(stream: IO[bytes], media: MediaEntry, written: list[str]) -> None:
    saved = default_storage.save(media.name, File(stream, name=media.name))
    written.append(saved)
    if saved != media.name:
        raise BackupError(f"The storage saved {media.name} as {saved}.", code="media_not_empty")
    with default_storage.open(saved, "rb") as stored:
        if _sha256(stored) != (media.sha256, media.bytes):
            raise BackupError(f"{media.name} was not stored intact.", code="media_write")


def _check_counts(manifest: Manifest, state_models: dict[str, type[models.Model]], using: str) -> None:
    for table in manifest.tables:
        count = state_models[table.model]._base_manager.using(using).count()
        if count != table.rows:
            raise BackupError(
                f"{table.db_table} has {count} rows after restore; the manifest says {table.rows}.", code="count"
            )
