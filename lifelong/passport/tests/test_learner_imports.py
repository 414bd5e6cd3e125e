"""Importing residents from village rosters: every kind of bad row, encodings and workbooks,
idempotence by phone and by (name, birth year, village), scope, resumption after a crash, the
command, and the console page."""

import io
import os
import re
import signal
import subprocess
import sys
import time
from functools import partial

import pytest
from django.conf import settings as project_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.utils import timezone, translation
from openpyxl import Workbook

from lifelong.accounts import policy
from lifelong.accounts.models import RoleGrant, User
from lifelong.common.errors import InvalidInput, NotFound
from lifelong.passport import import_jobs, import_runs, imports, learner_imports, learner_rows
from lifelong.passport.models import RecordImport
from lifelong.regions.models import Region

from .helpers import csv_file

HEADER = ["name", "phone", "birth_year", "home_region"]
TONGYUAN_FENGYI = "330424105201"  # the village admin's village; two other towns have a 丰义村 too
TONGYUAN_CHANGFENG = "330424105202"
WUYUAN = "330424001001"


@pytest.fixture(autouse=True)
def in_english():
    """The problems are asserted by their English wording."""
    with translation.override("en"):
        yield


csv_bytes = partial(csv_file, header=HEADER)  # this import's own columns unless a test names others


def run(content: bytes, name="roster.csv", actor=None, **extra):
    return learner_imports.import_learners(binary=io.BytesIO(content), name=name, actor=actor, **extra)


def people():
    """Everything an import can change about learners."""
    return sorted(
        User.objects.values_list("phone", "name", "birth_year", "home_region__code", "managed_by_id", "password"),
        key=repr,
    )


@pytest.fixture
def english_client(verified_client):
    """A staff member's client reading the pages in English."""

    def make(user):
        client = verified_client(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_good_rows_are_created_bad_rows_reported_and_a_rerun_changes_nothing(demo):
    elder = demo.elder_learner
    this_year = timezone.localdate().year
    rows = [
        ["张阿大", "13712340001", "1948", TONGYUAN_FENGYI],  # 2: new, by code
        ["李阿婆", "", "1941", "通元镇丰义村"],  # 3: new, no phone, by town + village name
        [elder.name, elder.phone, "1950", TONGYUAN_FENGYI],  # 4: already registered
        ["王小二", "12345", "1960", TONGYUAN_FENGYI],  # 5
        ["赵大妈", "13712340002", "1850", TONGYUAN_FENGYI],  # 6
        ["钱大伯", "13712340003", "long ago", TONGYUAN_FENGYI],  # 7
        ["孙小妹", "13712340004", str(this_year + 1), TONGYUAN_FENGYI],  # 8
        ["", "13712340005", "1970", TONGYUAN_FENGYI],  # 9
        ["周阿姨", "13712340006", "1970", "330424999999"],  # 10
        ["吴先生", "13712340007", "1970", "330424105"],  # 11: a town
        ["郑女士", "13712340008", "1970", "不存在村"],  # 12
        ["冯大爷", "13712340009", "1950", "丰义村"],  # 13: three towns have one
        ["张阿大", "+86 137 1234 0001", "1948", TONGYUAN_FENGYI],  # 14: the phone of line 2 again
        ["李阿婆", "", "1941", TONGYUAN_FENGYI],  # 15: the person of line 3 again
        ["别人", demo.young_learner.phone, "1990", WUYUAN],  # 16: a registered phone, another name
        ["陈阿公", "", "1938", "Changfeng Village"],  # 17: English name, unique in scope? no: see below
        ["名" * 51, "", "1938", TONGYUAN_FENGYI],  # 18
        ["", "", "", ""],  # a blank row is skipped, not reported
    ]
    actor = demo.county_admin
    result = run(csv_bytes(rows), actor=actor)
    lines = dict(result.problems)
    assert "valid mainland" in lines[5]
    assert "between 1900 and" in lines[6] and "not a year" in lines[7] and "between 1900" in lines[8]
    assert "name is missing" in lines[9] and "No region has the code" in lines[10]
    assert "not a village or community" in lines[11] and "called “不存在村”" in lines[12]
    assert "Several villages" in lines[13]
    for code in ("330424001201", "330424104206", TONGYUAN_FENGYI):  # the candidates are named
        assert code in lines[13]
    assert "appears twice" in lines[14] and "line 2" in lines[14]
    assert "same name, birth year and village" in lines[15] and "line 3" in lines[15]
    assert "another name" in lines[16] and "longer than 50" in lines[18]
    # "Changfeng Village" is the English name of villages in two towns.
    assert "Several villages" in lines[17]
    assert (result.rows, result.created, result.unchanged, result.updated) == (17, 2, 1, 0)
    assert result.bad_rows == 14 == len(lines)

    created = User.objects.get(phone="13712340001")
    assert (created.name, created.birth_year, created.home_region.code) == ("张阿大", 1948, TONGYUAN_FENGYI)
    assert created.created_by == actor and not created.has_usable_password()
    profile = User.objects.get(name="李阿婆")
    assert profile.is_managed_profile and profile.managed_by is None and profile.created_by == actor
    assert profile.home_region.code == TONGYUAN_FENGYI and not profile.has_usable_password()

    before = people()
    again = run(csv_bytes(rows), actor=actor)
    assert (again.created, again.unchanged, again.updated, again.bad_rows) == (0, 3, 0, 14)
    assert people() == before


def test_a_known_learner_only_gets_what_their_account_lacks(demo):
    lacking = User.objects.create_user(
        "13712349001", None, name="缺年份", home_region=Region.objects.get(code=TONGYUAN_CHANGFENG)
    )
    complete = User.objects.create_user(
        "13712349002", None, name="已完整", birth_year=1955, home_region=demo.elder_learner.home_region
    )
    rows = [
        ["缺年份", "13712349001", "1952", TONGYUAN_CHANGFENG],
        ["已完整", "13712349002", "1960", TONGYUAN_CHANGFENG],  # another year and village: theirs stay
    ]
    result = run(csv_bytes(rows), actor=demo.county_admin)
    assert (result.created, result.updated, result.unchanged, result.bad_rows) == (0, 1, 1, 0)
    lacking.refresh_from_db()
    complete.refresh_from_db()
    assert (lacking.birth_year, lacking.home_region.code) == (1952, TONGYUAN_CHANGFENG)
    assert (complete.birth_year, complete.home_region.code) == (1955, TONGYUAN_FENGYI)
    assert run(csv_bytes(rows), actor=demo.county_admin).unchanged == 2


def test_staff_accounts_and_accounts_without_a_home_village_are_reported_and_left_alone(demo):
    """An account with no home village is in nobody's area, and staff accounts (superusers,
    staff, anyone holding a role) often have none: filling the village from a roster would pull
    them into the importer's area, where the importer could then edit them and hand their phone
    on. Such rows are reported and nothing about the account changes (not even the birth year:
    the importer may not act on someone outside their area)."""
    village = Region.objects.get(code=TONGYUAN_FENGYI)
    superuser = User.objects.create_superuser("13712346001", "super-pass-2026", name="超管")
    staff = User.objects.create_user("13712346002", None, name="职员", is_staff=True)
    granted = User.objects.create_user("13712346003", None, name="镇干部")
    RoleGrant.objects.create(user=granted, role="town_admin", region=village.parent)
    local_staff = User.objects.create_user("13712346004", None, name="村干部", home_region=village)
    RoleGrant.objects.create(user=local_staff, role="village_admin", region=village)
    homeless = User.objects.create_user("13712346005", None, name="无村")
    accounts = [superuser, staff, granted, local_staff, homeless]
    rows = [[person.name, person.phone, "1960", TONGYUAN_FENGYI] for person in accounts]
    before = people()
    result = run(csv_bytes(rows), actor=demo.village_admin)
    lines = dict(result.problems)
    assert (result.created, result.updated, result.unchanged, result.bad_rows) == (0, 0, 0, 5), lines
    for line in (2, 3, 4, 5):
        assert "staff account" in lines[line], lines[line]
    assert "no home village" in lines[6]
    assert people() == before
    in_scope = policy.restrict(
        demo.village_admin, policy.Action.VIEW, User.objects.filter(pk__in=[a.pk for a in accounts])
    )
    assert set(in_scope) <= {local_staff}
    # The operator's import (the whole county) leaves them alone too.
    assert run(csv_bytes(rows)).bad_rows == 5 and people() == before


def test_a_phoneless_row_matches_a_registered_person_of_that_village(demo):
    elder = demo.elder_learner  # has a phone now; an old roster lists them without one
    result = run(csv_bytes([[elder.name, "", elder.birth_year, TONGYUAN_FENGYI]]), actor=demo.village_admin)
    assert (result.created, result.unchanged) == (0, 1)
    # The same name and year in another village is another person.
    result = run(csv_bytes([[elder.name, "", elder.birth_year, TONGYUAN_CHANGFENG]]), actor=demo.county_admin)
    assert result.created == 1


def test_staff_import_only_into_villages_in_their_area(demo):
    rows = [
        ["甲", "13712348001", "1950", TONGYUAN_FENGYI],
        ["乙", "13712348002", "1950", WUYUAN],
        ["丙", "13712348003", "1950", "武原社区"],
        [demo.young_learner.name, demo.young_learner.phone, "1990", TONGYUAN_FENGYI],  # lives in Wuyuan
        ["丁", "", "1950", "丰义村"],  # one 丰义村 in this admin's area: no ambiguity
    ]
    result = run(csv_bytes(rows), actor=demo.village_admin)
    lines = dict(result.problems)
    assert (result.created, result.bad_rows) == (2, 3)
    assert "outside your area" in lines[3] and "No village or community in your area" in lines[4]
    assert "lives outside your area" in lines[5]
    assert not User.objects.filter(phone="13712348002").exists()
    assert User.objects.get(name="丁").home_region.code == TONGYUAN_FENGYI


def test_gb18030_utf8_with_bom_and_xlsx_with_chinese_headers(demo):
    chinese = ["姓名", "手机号", "出生年份", "村（社区）"]
    gbk = csv_bytes([["老周", "13712347001", "1951年", "丰义村"]], header=chinese, encoding="gb18030")
    assert run(gbk, actor=demo.village_admin).created == 1
    bom = b"\xef\xbb\xbf" + csv_bytes([["老吴", "", "1952", TONGYUAN_FENGYI]])
    assert run(bom, actor=demo.village_admin).created == 1
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(chinese)
    sheet.append(["老郑", 13712347002, 1953, int(TONGYUAN_FENGYI)])  # numbers, as Excel keeps them
    sheet.append(["老王", None, 1954.0, "丰义村"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue(), name="花名册.xlsx", actor=demo.village_admin)
    assert (result.created, result.bad_rows) == (2, 0), result.problems
    assert set(User.objects.filter(name__startswith="老").values_list("name", "birth_year")) == {
        ("老周", 1951),
        ("老吴", 1952),
        ("老郑", 1953),
        ("老王", 1954),
    }


def test_a_file_without_the_needed_columns_is_refused_before_anything_is_written(demo):
    before = people()
    with pytest.raises(InvalidInput) as error:
        run(csv_bytes([["甲", "13712346001"]], header=["name", "phone"]))
    assert error.value.code == "bad_header" and "birth_year" in error.value.detail
    with pytest.raises(InvalidInput) as error:
        run(b"PK\x03\x04 not a workbook", name="fake.xlsx")
    assert error.value.code == "bad_file_type"
    assert people() == before


# --- Jobs: resuming after a crash, the command, the console -------------------------------------


def roster(size: int) -> bytes:
    """A roster with phones and phoneless people, a bad row every 500 and, after line 4,000, a
    repeat of a phone from the first lines (a duplicate across the crash point)."""
    rows = []
    for n in range(size):
        if n % 3 == 0:
            rows.append([f"居民{n}", "", str(1930 + n % 60), TONGYUAN_FENGYI])
        else:
            rows.append([f"居民{n}", f"1371{n:07d}", str(1930 + n % 60), TONGYUAN_FENGYI])
        if n % 500 == 0:
            rows.append([f"坏{n}", "not a phone", "1950", TONGYUAN_FENGYI])
    rows.append(["居民1", "13710000001", "1931", TONGYUAN_FENGYI])
    return csv_bytes(rows)


class Crash(Exception):
    pass


def learners_job(demo, content: bytes, django_capture_on_commit_callbacks, execute=False) -> RecordImport:
    with django_capture_on_commit_callbacks(execute=execute):
        return import_jobs.record_import_start(
            actor=demo.village_admin, upload=upload("roster.csv", content), kind="learners"
        )


def assert_no_duplicates():
    phoneless = User.objects.filter(phone__isnull=True)
    assert phoneless.count() == phoneless.values("name", "birth_year", "home_region").distinct().count()


def test_a_crash_midway_resumes_after_the_checkpoint_and_duplicates_nothing(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    content = roster(5000)  # 5,011 rows: three batches of 2,000
    job = learners_job(demo, content, django_capture_on_commit_callbacks)
    real_write, calls = learner_imports._write, {"n": 0}

    def dying_write(*args, **kwargs):
        calls["n"] += 1
        outcome = real_write(*args, **kwargs)
        if calls["n"] == 2:
            raise Crash  # the second batch's learners were inserted, its transaction not committed
        return outcome

    monkeypatch.setattr(learner_imports, "_write", dying_write)
    users_before = User.objects.count()
    with pytest.raises(Crash):
        import_runs.record_import_execute(record_import_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.may_run_again(timezone.now())
    assert job.rows_done == 2000 and job.checkpoint_line == 2001  # the first batch: lines 2..2001
    assert User.objects.count() - users_before == job.imported == 2000 - 4  # lines 3, 504, 1005, 1506 are bad
    monkeypatch.setattr(learner_imports, "_write", real_write)

    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.record_import_retry(actor=demo.village_admin, record_import=job)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == job.rows_total == 5011
    assert (job.imported, job.already_there, job.bad_rows) == (5000, 0, 11)
    assert User.objects.count() - users_before == 5000
    assert_no_duplicates()
    # The last row repeats line 4's phone, committed before the crash: still reported as a repeat.
    assert [reason for line, reason in job.problems if line == 5012] == [
        "This mobile number appears twice in this file (first on line 4)."
    ]
    # The same file again, as a new upload: nothing new.
    again = learners_job(demo, content, django_capture_on_commit_callbacks, execute=True)
    again.refresh_from_db()
    assert (again.imported, again.updated, again.already_there, again.bad_rows) == (0, 0, 5000, 11)
    assert User.objects.count() - users_before == 5000


def test_a_phone_registered_meanwhile_sends_the_batch_round_again(demo, monkeypatch):
    """Someone registers a phone of the batch between its lookup and its insert: the unique
    phone refuses the insert (IntegrityError), and the batch runs again with a fresh lookup,
    which finds them."""
    User.objects.create_user("13712345001", None, name="抢先", home_region=Region.objects.get(code=TONGYUAN_FENGYI))
    real_write, calls = learner_imports._write, {"n": 0}

    def racing_write(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise IntegrityError("duplicate key value violates unique constraint on phone")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(learner_imports, "_write", racing_write)
    rows = [["抢先", "13712345001", "1950", TONGYUAN_FENGYI], ["后来", "13712345002", "1950", TONGYUAN_FENGYI]]
    result = run(csv_bytes(rows), actor=demo.county_admin)
    assert (result.created, result.updated, calls["n"]) == (1, 1, 2)
    assert User.objects.get(phone="13712345001").birth_year == 1950


def test_the_command_imports_with_a_progress_bar_report_and_resume(demo, tmp_path, capsys):
    source = tmp_path / "花名册.csv"
    source.write_bytes(csv_bytes([["老许", "13712344001", "1950", "丰义村"], ["老何", "bad", "1950", "丰义村"]]))
    report = tmp_path / "report.csv"
    call_command("import_learners", str(source), "--as", demo.village_admin.phone, "--report", str(report))
    captured = capsys.readouterr()
    assert "1 created" in captured.out and "1 bad" in captured.out and "line 3" in captured.out
    assert "rows" in captured.err  # the progress bar
    assert "valid mainland" in report.read_text(encoding="utf-8-sig")
    job = RecordImport.objects.get()
    assert (job.kind, job.created_by, job.status, job.imported) == ("learners", demo.village_admin, "done", 1)
    assert User.objects.get(phone="13712344001").home_region.code == TONGYUAN_FENGYI

    # Without --as: the operator imports for the whole county (丰义村 is then ambiguous).
    call_command("import_learners", str(source), "--no-progress")
    assert "Several villages" in RecordImport.objects.latest("pk").problems[0][1]

    with pytest.raises(CommandError, match="finished"):  # a finished job does not resume
        call_command("import_learners", "--resume", str(job.pk))
    RecordImport.objects.filter(pk=job.pk).update(status="failed", checkpoint_line=0, rows_done=0)
    call_command("import_learners", "--resume", str(job.pk), "--no-progress")
    job.refresh_from_db()
    assert (job.status, job.already_there, User.objects.filter(phone="13712344001").count()) == ("done", 1, 1)


def test_the_command_refuses_a_bad_file_and_leaves_nothing_behind(demo, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_bytes(csv_bytes([["甲", "1950"]], header=["姓名", "出生年份"]))
    with pytest.raises(CommandError, match="no column"):
        call_command("import_learners", str(source))
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([["甲", "", "1950", TONGYUAN_FENGYI]]))
    with pytest.raises(CommandError, match="No user"):
        call_command("import_learners", str(good), "--as", "13799999999")
    with pytest.raises(CommandError, match="administers no region"):
        call_command("import_learners", str(good), "--as", demo.organizer.phone)
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_learners", str(tmp_path / "missing.csv"))
    assert not RecordImport.objects.exists()


def test_staff_upload_a_roster_in_the_console_and_see_the_report(
    demo, english_client, django_capture_on_commit_callbacks
):
    client = english_client(demo.village_admin)
    content = csv_bytes([["老孔", "13712343001", "1950", "丰义村"], ["老曹", "", "1890", "丰义村"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/imports/", {"kind": "learners", "file": upload("花名册.csv", content)})
    job = RecordImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/imports/{job.pk}/"
    assert (job.kind, job.status, job.imported, job.bad_rows, job.percent) == ("learners", "done", 1, 1, 100)
    page = client.get(f"/console/imports/{job.pk}/").content.decode()
    assert "1 new learners" in page and 'data-testid="import-problems"' in page
    assert re.search(r"<td[^>]*>3</td>", page) and "between 1900" in page
    listing = client.get("/console/imports/").content.decode()
    assert "花名册.csv" in listing and "Residents" in listing


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("roster.exe", b"MZ\x90\x00", "Upload a CSV or XLSX file."),
        ("roster.csv", b"<html><script>alert(1)</script></html>", "not readable CSV"),
        ("roster.csv", b"name,phone\n1,2\n", "no column for: birth_year, home_region"),
    ],
)
def test_a_bad_upload_gets_a_clear_error_and_changes_nothing(demo, english_client, name, content, code):
    before = people()
    response = english_client(demo.village_admin).post(
        "/console/imports/", {"kind": "learners", "file": upload(name, content)}
    )
    assert response.status_code == 200 and code in response.content.decode()
    assert not RecordImport.objects.exists() and people() == before


def test_a_workbook_without_the_columns_fails_its_job_with_the_reason_and_changes_nothing(
    demo, english_client, django_capture_on_commit_callbacks
):
    """A workbook's header is read by the worker (unpacking it is no work for a request): the
    job fails with the reason, shown on its page, and nobody is added."""
    workbook = Workbook()
    workbook.active.append(["姓名", "手机号"])
    workbook.active.append(["甲", "13712341999"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = people()
    client = english_client(demo.village_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/console/imports/", {"kind": "learners", "file": upload("名单.xlsx", buffer.getvalue())})
    job = RecordImport.objects.get()
    assert job.status == "failed" and "birth_year" in job.error and people() == before
    assert "no column for: birth_year, home_region" in client.get(f"/console/imports/{job.pk}/").content.decode()


def test_records_still_need_their_issuer_and_only_admins_import_residents(demo, english_client):
    content = csv_bytes([["甲", "13712342001", "1950", TONGYUAN_FENGYI]])
    response = english_client(demo.village_admin).post(
        "/console/imports/", {"kind": "records", "file": upload("r.csv", content)}
    )
    assert response.status_code == 200 and "Say who issued" in response.content.decode()
    with pytest.raises(NotFound):
        import_jobs.record_import_start(actor=demo.organizer, upload=upload("a.csv", content), kind="learners")
    assert not RecordImport.objects.exists()


def test_the_quick_phone_check_agrees_with_the_full_one():
    """Every 3-digit prefix and several endings: the regex path and libphonenumber agree."""
    from lifelong.passport.imports import _phone

    for prefix in range(100, 200):
        for ending in ("00000000", "12345678", "99999999", "10000001", "55501234"):
            number = f"{prefix}{ending}"
            assert learner_rows.mobile_number(number) == _phone(number), number
    assert learner_rows.mobile_number("+86 137 1234 0001") == "13712340001"
    assert learner_rows.mobile_number("0573-86121234") is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a shared database")
def test_killing_the_command_midway_and_resuming_it_loses_and_doubles_nobody(county, tmp_path):
    """The real thing: `manage.py import_learners` in its own process, killed with SIGKILL once
    some batches are in, then resumed from its checkpoint to the end."""
    source = tmp_path / "roster.csv"
    source.write_bytes(roster(30_000))
    users_before = User.objects.count()
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LIFELONG_TEST_DB": "postgres",
        "TEST_POSTGRES_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    command = [sys.executable, "manage.py", "import_learners", str(source), "--no-progress"]
    process = subprocess.Popen(command, cwd=project_settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while User.objects.count() - users_before < 3 * imports.BATCH_ROWS and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    job = RecordImport.objects.get()
    assert job.status == "running" and 0 < job.checkpoint_line < 30_000
    # What committed is exactly the batches before the checkpoint: counters and rows agree.
    assert User.objects.count() - users_before == job.imported
    with pytest.raises(CommandError, match="has not moved for 10 minutes"):  # it might still be alive
        call_command("import_learners", "--resume", str(job.pk), "--no-progress")
    RecordImport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - import_runs.STALLED_AFTER * 2)
    # The job's copy of the file lived in the killed process's in-memory test storage; a real
    # site keeps it in the shared media folder. Put it where the job says it is.
    default_storage.delete(job.file.name)  # an earlier test's upload may sit at that name here
    assert default_storage.save(job.file.name, ContentFile(source.read_bytes())) == job.file.name
    call_command("import_learners", "--resume", str(job.pk), "--no-progress")
    job.refresh_from_db()
    bad = 30_000 // 500 + 1
    assert (job.status, job.rows_done, job.imported, job.bad_rows) == ("done", 30_000 + bad, 30_000, bad)
    assert User.objects.count() - users_before == 30_000
    assert_no_duplicates()


# --- Two imports of one roster at once (PostgreSQL: real parallel connections) -----------------


def _two_imports_of_one_phoneless_roster(monkeypatch) -> list:
    """Two imports of the same phoneless roster (two villages, small batches) released at once,
    each pausing between looking its people up and inserting them: without a guard, both look
    before either inserts."""
    from lifelong.testkit.races import race

    rows = [[f"无手机{n}", "", str(1930 + n), (TONGYUAN_FENGYI, TONGYUAN_CHANGFENG)[n % 2]] for n in range(12)]
    content = csv_bytes(rows)
    real_insert = learner_imports._insert

    def slow_insert(*args, **kwargs):
        time.sleep(0.2)
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(learner_imports, "_insert", slow_insert)
    return race([lambda: run(content, batch_rows=4) for _ in range(2)])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level races need PostgreSQL")
def test_two_imports_of_the_same_phoneless_rows_at_once_create_each_person_once(county, monkeypatch):
    outcomes = _two_imports_of_one_phoneless_roster(monkeypatch)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    # Each person is created by one of the two and found by the other.
    assert (sum(o.created for o in outcomes), sum(o.unchanged for o in outcomes)) == (12, 12)
    assert User.objects.filter(name__startswith="无手机").count() == 12
    assert_no_duplicates()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level races need PostgreSQL")
def test_control_without_the_village_lock_the_same_race_doubles_people(county, monkeypatch):
    """The same race with the lock taken away creates people twice: the harness really races,
    so the guarded run's count means something."""
    monkeypatch.setattr(learner_imports, "_lock_villages", lambda region_ids: None)
    _two_imports_of_one_phoneless_roster(monkeypatch)
    assert User.objects.filter(name__startswith="无手机").count() > 12, "the harness saw no race"
