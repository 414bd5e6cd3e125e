"""Backups (DESIGN §8): the restore drill – back up a populated site, wipe it, restore, compare
every row of every table and every uploaded file – and the refusals: a damaged, truncated or
edited archive, an archive from newer code, a database or upload folder that is not empty. Each
refusal leaves the database and the files exactly as they were.

The tests run with real transactions (the backup reads one snapshot; restore loads in one
transaction) and on PostgreSQL as well as SQLite in `make test`."""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from hashlib import sha256
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections, models, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from lifelong.common.backup import (
    MANIFEST,
    MANIFEST_SUM,
    BackupError,
    Manifest,
    backup_restore,
    backup_verify,
    backup_write,
)
from lifelong.common.backup import writing as backup_writing
from lifelong.common.models import Picture
from lifelong.common.pictures import picture_create
from lifelong.site.demo.load import demo_county_load
from lifelong.testkit.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Uploads on disk, as in production (the test settings keep them in memory)."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 60, 40)).save(out, format="PNG")
    return SimpleUploadedFile("cover.png", out.getvalue(), content_type="image/png")


def _task(return_value) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        enqueued_at=now,
        run_after=now,
        args_kwargs={"args": [1], "kwargs": {"名字": "海盐"}},
        task_path="lifelong.example",
        backend_name="default",
        return_value=return_value,
    )


def _small_site() -> None:
    """A few rows of several kinds and uploads in nested folders: enough for the refusals."""
    group = Group.objects.create(name="Backup drill")
    group.permissions.add(*Permission.objects.order_by("pk")[:3])
    picture_create(actor=None, upload=_png(), alt="一张测试图片")
    default_storage.save("imports/2024/roster.csv", ContentFile("姓名,电话\n张三,13900000099\n".encode()))


def _every_row() -> dict[str, list[tuple]]:
    """Every column of every row of every table, in key order."""
    return {
        model._meta.label_lower: list(
            model._base_manager.order_by("pk").values_list(*[f.attname for f in model._meta.local_concrete_fields])
        )
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _every_file(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _wipe(root: Path) -> None:
    """Empty every table (migrate's content types and permissions come back, as in a new
    database) and remove the upload folder."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def _rewrite(archive: Path, change) -> None:
    """Rewrite the archive with `change(name, data)` applied to each member (None drops it)."""
    with tarfile.open(archive) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar]
    with tarfile.open(archive, "w") as tar:
        for name, data in members:
            data = change(name, data)
            if data is not None:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def _edit_manifest(archive: Path, edit, *, fix_checksum: bool) -> None:
    body = {}

    def change(name, data):
        if name == MANIFEST:
            manifest = json.loads(data)
            edit(manifest)
            body["new"] = json.dumps(manifest).encode()
            return body["new"]
        if name == MANIFEST_SUM and fix_checksum:
            return f"{sha256(body['new']).hexdigest()}  {MANIFEST}\n".encode()
        return data

    _rewrite(archive, change)


# --- The drill --------------------------------------------------------------------------------


def test_restore_drill_back_up_wipe_restore_and_every_row_and_file_comes_back(media, tmp_path):
    demo_county_load(with_history=True)
    personas = Personas()
    _small_site()
    personas.county_admin.groups.add(Group.objects.get(name="Backup drill"))
    sql_null, json_null = _task(None), _task(models.Value(None, models.JSONField()))
    before, files_before = _every_row(), _every_file(media)
    filled = [label for label, rows in before.items() if rows]
    # The population reaches the kinds of tables a county has: people, activities, attendance
    # and its ledger, audit trail, pictures, many-to-many links, the task queue.
    for label in (
        "accounts.user",
        "activities.activity",
        "activities.attendance",
        "passport.learningrecord",
        "common.auditevent",
        "common.picture",
        "accounts.user_groups",
        "auth.group_permissions",
        "django_tasks_database.dbtaskresult",
    ):
        assert before[label], label
    assert len(filled) > 30 and any(name.startswith("pictures/") for name in files_before)

    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert f"Backed up {sum(map(len, before.values()))} rows from" in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", "site.tar.gz"]  # no temporary files left
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # personal data: its owner only

    _wipe(media)
    assert not Group.objects.exists() and _every_file(media) == {}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "counts and checksums match the manifest" in out.getvalue()
    after = _every_row()
    assert [label for label in before if before[label] != after[label]] == []
    assert after == before
    assert _every_file(media) == files_before
    # SQL NULL and JSON null stay what they were.
    assert list(DBTaskResult.objects.filter(return_value__isnull=True).values_list("pk", flat=True)) == [sql_null.pk]
    assert list(DBTaskResult.objects.filter(return_value=None).values_list("pk", flat=True)) == [json_null.pk]
    # The restored site works: pictures open, and new rows get new keys (sequences follow the data).
    picture = Picture.objects.order_by("pk").last()
    with default_storage.open(picture.large.name) as stored:
        assert stored.read() == files_before[picture.large.name]
    assert Group.objects.create(name="After the restore").pk > max(pk for pk, *_ in before["auth.group"])
    assert Personas().county_admin.check_password(personas.password)


# --- Refusals: nothing is written -------------------------------------------------------------


@pytest.fixture
def archive(media, tmp_path) -> Path:
    """A small site backed up to an uncompressed archive, then wiped."""
    _small_site()
    path = tmp_path / "backup" / "site.tar"
    path.parent.mkdir()
    backup_write(path)
    _wipe(media)
    return path


def _flip_a_byte(archive: Path, member: str) -> None:
    with tarfile.open(archive) as tar:
        offset = tar.getmember(member).offset_data
    with archive.open("r+b") as raw:
        raw.seek(offset + 2)
        byte = raw.read(1)
        raw.seek(offset + 2)
        raw.write(bytes([byte[0] ^ 0x01]))


def _truncate_in(archive: Path, member: str) -> None:
    with tarfile.open(archive) as tar:
        cut = tar.getmember(member).offset_data + 10
    with archive.open("r+b") as raw:
        raw.truncate(cut)


def _add_a_member(archive: Path) -> None:
    with tarfile.open(archive, "a") as tar:
        tar.addfile(tarfile.TarInfo("media/extra.txt"), io.BytesIO(b""))


def _truncate_in_half(archive: Path) -> None:
    with archive.open("r+b") as raw:
        raw.truncate(archive.stat().st_size // 2)


DAMAGES = {
    "a flipped byte in a table": (lambda a: _flip_a_byte(a, "tables/auth.group.jsonl"), "auth.group.jsonl"),
    "a flipped byte in an upload": (lambda a: _flip_a_byte(a, "media/imports/2024/roster.csv"), "roster.csv"),
    "cut in half": (_truncate_in_half, ""),
    "cut inside the manifest": (lambda a: _truncate_in(a, MANIFEST), ""),
    "an edited manifest": (
        lambda a: _edit_manifest(a, lambda m: m["tables"][0].update(rows=99), fix_checksum=False),
        "manifest does not match its checksum",
    ),
    "an edited manifest with its checksum redone": (
        lambda a: _edit_manifest(
            a, lambda m: next(t for t in m["tables"] if t["model"] == "auth.group").update(rows=2), fix_checksum=True
        ),
        "holds 1 rows; the manifest says 2",
    ),
    "a missing upload": (
        lambda a: _rewrite(a, lambda name, data: None if name.endswith("roster.csv") else data),
        "lacks 1 member",
    ),
    "an extra member": (_add_a_member, "not in its manifest"),
}


def test_a_damaged_archive_is_refused_and_nothing_is_written(archive, media):
    # One archive, damaged in each way on its own copy (a wipe per case would only add time).
    empty = _every_row()
    for number, (damage, (damage_it, says)) in enumerate(DAMAGES.items()):
        copy = archive.with_name(f"damaged-{number}.tar")
        shutil.copyfile(archive, copy)
        damage_it(copy)
        with pytest.raises(BackupError) as refused:
            backup_restore(copy)
        assert (refused.value.code, damage) == ("damaged", damage)
        assert says in str(refused.value), damage
        assert _every_row() == empty and _every_file(media) == {}, damage
        with pytest.raises(BackupError):
            backup_verify(copy)
    assert not Group.objects.exists()


def test_a_sound_archive_restores_after_the_damage_tests_own_setup(archive, media):
    # The control for the test above: the same archive, undamaged, restores.
    backup_restore(archive)
    assert Group.objects.get().name == "Backup drill" and len(_every_file(media)) == 3


def test_an_archive_from_newer_code_is_refused(archive, media):
    _edit_manifest(archive, lambda m: m["migrations"]["common"].append("9999_from_the_future"), fix_checksum=True)
    with pytest.raises(BackupError) as refused:
        backup_restore(archive)
    assert refused.value.code == "schema_newer" and "common.9999_from_the_future" in str(refused.value)
    assert not Group.objects.exists() and _every_file(media) == {}


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(media, tmp_path):
    _small_site()
    path = tmp_path / "site.tar"
    backup_write(path)
    before, files = _every_row(), _every_file(media)
    with pytest.raises(BackupError) as refused:
        backup_restore(path)
    assert refused.value.code == "database_not_empty" and "auth_group" in str(refused.value)
    assert _every_row() == before and _every_file(media) == files


def test_restore_refuses_an_upload_folder_that_holds_files_and_changes_nothing(media, tmp_path):
    _small_site()
    path = tmp_path / "site.tar"
    backup_write(path)
    call_command("flush", interactive=False, verbosity=0)  # the database is empty, the files are not
    before, files = _every_row(), _every_file(media)
    with pytest.raises(BackupError) as refused:
        backup_restore(path)
    assert refused.value.code == "media_not_empty"
    assert _every_row() == before and _every_file(media) == files


def test_restore_refuses_a_database_at_another_schema_than_the_archive(archive, media):
    # The archive claims a database that never ran common.0002; this one did.
    _edit_manifest(
        archive, lambda m: m["migrations"]["common"].remove("0002_audit_append_only_trigger"), fix_checksum=True
    )
    with pytest.raises(BackupError) as refused:
        backup_restore(archive)
    assert refused.value.code == "schema_differs"
    assert not Group.objects.exists() and _every_file(media) == {}


# --- One snapshot -----------------------------------------------------------------------------


def _backup_while_a_user_signs_up(path: Path) -> Manifest:
    """Back up; right after the first table is read, another connection adds a group and commits."""
    dump_table = backup_writing._dump_table
    written = []

    def dump_then_someone_writes(model, out, using):
        counted = dump_table(model, out, using)
        if not written:
            thread = threading.Thread(target=_create_group_elsewhere, args=(written,))
            thread.start()
            thread.join()  # the backup's transaction stays open meanwhile: writers are not blocked
        return counted

    with mock.patch.object(backup_writing, "_dump_table", dump_then_someone_writes):
        manifest = backup_write(path)
    assert written == ["committed"]
    return manifest


def _create_group_elsewhere(written: list) -> None:
    try:
        Group.objects.create(name=f"Signed up during backup {Group.objects.count()}")
        written.append("committed")
    finally:
        connections.close_all()


def _groups_in(manifest: Manifest) -> int:
    return next(t.rows for t in manifest.tables if t.model == "auth.group")


def test_backup_reads_one_snapshot_while_the_site_writes(media, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("A second writer needs PostgreSQL (the SQLite test database lives in memory).")
    Group.objects.create(name="Before the backup")
    manifest = _backup_while_a_user_signs_up(tmp_path / "one.tar")
    assert _groups_in(manifest) == 1  # the row committed after the snapshot began is not in it
    assert Group.objects.count() == 2

    # Control: without the snapshot, the same race shows up in the archive.
    with mock.patch.object(backup_writing, "_snapshot", lambda connection: contextlib.nullcontext()):
        manifest = _backup_while_a_user_signs_up(tmp_path / "two.tar")
    assert _groups_in(manifest) == 3


def test_a_backup_inside_a_transaction_is_refused(media, tmp_path):
    with transaction.atomic(), pytest.raises(BackupError) as refused:
        backup_write(tmp_path / "site.tar")
    assert refused.value.code == "in_transaction"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- The commands -----------------------------------------------------------------------------


def test_backup_never_overwrites_an_archive_unless_forced(media, tmp_path):
    _small_site()
    path = tmp_path / "site.tar"
    path.write_bytes(b"last night's backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(path))
    assert path.read_bytes() == b"last night's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", "site.tar"]

    call_command("backup", str(path), "--force", stdout=io.StringIO())
    assert backup_verify(path).row_count > 0


def test_restore_check_verifies_only_and_a_bad_archive_exits_non_zero(archive, media):
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert out.getvalue().startswith("The archive is intact: ")
    assert not Group.objects.exists() and _every_file(media) == {}  # --check wrote nothing

    _flip_a_byte(archive, "tables/auth.group.jsonl")
    with pytest.raises(CommandError, match="Restore refused: .*auth.group.jsonl in the archive is damaged"):
        call_command("restore", str(archive), stdout=io.StringIO())
    # As a cron job or script sees it: exit code 1 and the reason on stderr.
    finished = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "restore", "--check", str(archive)],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 1
    assert "Check refused: tables/auth.group.jsonl in the archive is damaged" in finished.stderr
