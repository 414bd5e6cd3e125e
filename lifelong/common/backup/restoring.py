"""Verifying an archive, and restoring it into an empty database and file storage."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from .archive import (
    CHUNK,
    MANIFEST,
    MANIFEST_SUM,
    MIGRATE_FILLS,
    ROWS_PER_BATCH,
    BackupError,
    Manifest,
    MediaEntry,
    RestoreResult,
    TableEntry,
    _applied,
    _columns,
    _db_value,
    _Hashing,
    _sha256,
    _state_apps,
    _storage_names,
    _tables,
)

logger = logging.getLogger(__name__)


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
    state_models = _archive_schema(manifest, loader, wanted, using)
    applied = _applied(loader) & set(loader.graph.nodes)
    _check_empty(applied, wanted, state_models, using)

    # Everything is checked; from here on the restore writes.
    if not applied:
        _migrate_to_archive(connection, loader, wanted, state_models, using)
    _write(archive_path, manifest, state_models, connection, using)
    migrated_forward = _migrate_forward(connection, using, migrate_stdout)
    logger.info("Backup %s restored: %s rows, %s files", archive_path, manifest.row_count, len(manifest.media))
    return RestoreResult(manifest=manifest, migrated_forward=migrated_forward)


def _archive_schema(
    manifest: Manifest, loader: MigrationLoader, wanted: set[tuple[str, str]], using: str
) -> dict[str, type[models.Model]]:
    """The models (by label) of the archive's schema version, checked against its tables."""
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
    return state_models


def _check_empty(
    applied: set[tuple[str, str]],
    wanted: set[tuple[str, str]],
    state_models: dict[str, type[models.Model]],
    using: str,
) -> None:
    """Refuse a database migrated to another schema, or holding rows, and a non-empty storage."""
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


def _migrate_to_archive(
    connection: BaseDatabaseWrapper,
    loader: MigrationLoader,
    wanted: set[tuple[str, str]],
    state_models: dict[str, type[models.Model]],
    using: str,
) -> None:
    """Migrate a database without tables to exactly the archive's schema."""
    executor = MigrationExecutor(connection)
    targets = [(app, _leaf(loader, wanted, app)) for app in sorted(loader.migrated_apps)]
    executor.migrate(targets)
    if holding := _rows_present(list(state_models.values()), using):  # data migrations on nothing
        raise BackupError(f"Migrating left rows in {', '.join(holding[:3])}.", code="database_not_empty")


def _write(
    archive_path: Path,
    manifest: Manifest,
    state_models: dict[str, type[models.Model]],
    connection: BaseDatabaseWrapper,
    using: str,
) -> None:
    """Load the rows and files in one transaction; on failure, delete the files it stored."""
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


def _migrate_forward(connection: BaseDatabaseWrapper, using: str, migrate_stdout: IO[str] | None) -> bool:
    """Run the code's migrations newer than the archive's, if any; whether there were some."""
    executor = MigrationExecutor(connection)
    migrated_forward = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if migrated_forward:
        call_command("migrate", database=using, interactive=False, stdout=migrate_stdout or io.StringIO())
    return migrated_forward


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
