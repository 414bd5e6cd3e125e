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

from .archive import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_SUM,
    BackupError,
    Manifest,
    MediaEntry,
    RestoreResult,
    TableEntry,
)
from .restoring import backup_restore, backup_verify
from .writing import backup_write

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "MANIFEST_SUM",
    "BackupError",
    "Manifest",
    "MediaEntry",
    "RestoreResult",
    "TableEntry",
    "backup_restore",
    "backup_verify",
    "backup_write",
]
