"""Writing a backup archive: one consistent snapshot of every table, then the uploaded files."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import django
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.models.functions import Cast
from django.utils import timezone

from .archive import (
    MANIFEST,
    MANIFEST_SUM,
    BackupError,
    Manifest,
    MediaEntry,
    TableEntry,
    _applied,
    _columns,
    _Hashing,
    _plain,
    _state_apps,
    _storage_names,
    _tables,
)

logger = logging.getLogger(__name__)


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
