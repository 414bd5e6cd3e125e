"""The archive's format: its members, the manifest, the schema it was taken at, how values
become database-neutral JSON and back, and hashing streams (see the package's docstring).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from django.apps.registry import Apps
from django.core.files.storage import Storage
from django.db import models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils.duration import duration_iso_string

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
