"""Importing learning records: validation report, idempotence, resumption after a crash,
scope, and upload safety."""

import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.conf import settings as project_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.utils import timezone, translation
from openpyxl import Workbook

from lifelong.accounts.models import User
from lifelong.common import spreadsheets
from lifelong.common.errors import InvalidInput, NotFound
from lifelong.passport import import_jobs, import_runs, imports
from lifelong.passport.models import LearningRecord, PassportBalance, RecordImport

from .helpers import csv_file


@pytest.fixture(autouse=True)
def in_english():
    """The problems are asserted by their English wording."""
    with translation.override("en"):
        yield


HEADER = ["record_id", "phone", "name", "date", "title", "hours", "category"]


csv_bytes = partial(csv_file, header=HEADER)  # this import's own columns unless a test names others


def run(content: bytes, name="records.csv", issuer="嘉兴市学分银行", actor=None, **extra):
    return imports.import_records(binary=io.BytesIO(content), name=name, issuer=issuer, actor=actor, **extra)


def ledger_state():
    """Everything an import can change: the records and the balances."""
    records = sorted(
        LearningRecord.objects.values_list("issuer", "external_id", "learner_id", "hours", "points", "learned_on")
    )
    balances = sorted(PassportBalance.objects.values_list("learner_id", "hours", "points", "entries"))
    return records, balances


def assert_balances_are_the_sums():
    for balance in PassportBalance.objects.all():
        sums = LearningRecord.objects.filter(learner_id=balance.pk).aggregate(h=Sum("hours"), p=Sum("points"))
        assert (balance.hours, balance.points) == (sums["h"], sums["p"])


def test_good_rows_import_bad_rows_are_reported_and_a_rerun_changes_nothing(demo):
    elder, young = demo.elder_learner, demo.young_learner
    today = timezone.localdate()
    rows = [
        ["CB-1", elder.phone, elder.name, "2025-03-01", "老年大学书法班", "12", "arts"],
        ["CB-2", f"+86 {young.phone}", "", "2025/04/02", "家庭教育讲座", "1.5", "家庭"],
        ["CB-3", "12345", "", "2025-04-02", "讲座", "2", ""],
        ["CB-4", "13812345678", "", "2025-04-02", "讲座", "2", ""],
        ["CB-5", elder.phone, "别人", "2025-04-02", "讲座", "2", ""],
        ["CB-6", elder.phone, "", "not a date", "讲座", "2", ""],
        ["CB-7", elder.phone, "", (today + timedelta(days=3)).isoformat(), "讲座", "2", ""],
        ["CB-8", elder.phone, "", "2025-04-02", "讲座", "-1", ""],
        ["CB-9", elder.phone, "", "2025-04-02", "讲座", "lots", ""],
        ["CB-10", elder.phone, "", "2025-04-02", "", "2", ""],
        ["CB-11", elder.phone, "", "2025-04-02", "讲座", "2", "knitting"],
        ["CB-1", elder.phone, "", "2025-04-02", "讲座", "2", ""],
        ["", elder.phone, "", "2025-04-02", "讲座", "2", ""],
    ]
    result = run(csv_bytes(rows))
    assert (result.rows, result.imported, result.bad_rows) == (13, 2, 11)
    lines = dict(result.problems)
    assert set(lines) == set(range(4, 15))
    assert "valid mainland" in lines[4] and "lives in your area" in lines[5] and "name does not match" in lines[6]
    assert "not a date" in lines[7] and "future" in lines[8] and "more than 0" in lines[9]
    assert "not a number" in lines[10] and "nothing about" in lines[11] and "knitting" in lines[12]
    assert "twice" in lines[13] and "missing" in lines[14]
    record = LearningRecord.objects.get(external_id="CB-2")
    assert (record.learner, record.hours, record.points, record.category) == (young, Decimal("1.5"), 15, "family")
    before = ledger_state()
    again = run(csv_bytes(rows))
    assert (again.imported, again.already_there, again.bad_rows) == (0, 2, 11)
    assert ledger_state() == before
    assert_balances_are_the_sums()


def test_the_same_ids_from_another_issuer_are_other_records(demo):
    rows = [["7", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""]]
    run(csv_bytes(rows), issuer="海盐县图书馆")
    run(csv_bytes(rows), issuer="嘉兴市学分银行")
    assert LearningRecord.objects.count() == 2


def test_xlsx_and_gb18030_csv_and_chinese_headers(demo):
    elder = demo.elder_learner
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["记录编号", "手机号", "姓名", "学习日期", "学习内容", "学时", "积分"])
    sheet.append([1001, int(elder.phone), elder.name, date(2025, 6, 1), "茶艺体验", 3, 40])
    sheet.append([1002, int(elder.phone), elder.name, "2025-06-08", "茶艺体验", 3, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(buffer.getvalue(), name="银行导出.xlsx")
    assert (result.imported, result.bad_rows) == (2, 0), result.problems
    assert sorted(LearningRecord.objects.values_list("external_id", "points")) == [("1001", 40), ("1002", 30)]
    gbk = csv_bytes([["G-1", elder.phone, elder.name, "2025-07-01", "剪纸", "2", "艺术"]], encoding="gb18030")
    assert run(gbk).imported == 1
    assert LearningRecord.objects.get(external_id="G-1").category == "arts"


def test_a_file_without_the_needed_columns_is_refused_before_anything_is_written(demo):
    with pytest.raises(InvalidInput) as error:
        run(csv_bytes([["1", "2"]], header=["编号", "学时"]))
    assert error.value.code == "bad_header"
    with pytest.raises(InvalidInput):
        run(b"", name="empty.csv")
    with pytest.raises(InvalidInput) as error:
        run(b"PK\x03\x04 not really a workbook", name="fake.xlsx")
    assert error.value.code == "bad_file_type"
    assert not LearningRecord.objects.exists()


def test_staff_import_only_for_learners_in_their_area(demo):
    rows = [
        ["S-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""],  # Tongyuan village
        ["S-2", demo.young_learner.phone, "", "2025-05-01", "讲座", "2", ""],  # Wuyuan
    ]
    result = run(csv_bytes(rows), actor=demo.village_admin)
    assert result.imported == 1 and "lives in your area" in result.problems[0][1]
    assert LearningRecord.objects.get().learner == demo.elder_learner


def big_file(learners, rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(rows):
        learner = learners[n % len(learners)]
        day = date(2020, 1, 1) + timedelta(days=n % 1500)
        writer.writerow([f"R{n:06d}", learner.phone, learner.name, day.isoformat(), "线上课程", f"{1 + n % 4}.5", ""])
        if n % 997 == 0:
            writer.writerow([f"BAD{n}", "13800000000", "", day.isoformat(), "线上课程", "1", ""])
    return out.getvalue().encode()


class Crash(Exception):
    pass


def test_100000_rows_survive_a_crash_midway_and_end_as_one_clean_run(demo, monkeypatch):
    learners = [
        User.objects.create_user(f"1371{n:07d}", None, name=f"学员{n}", home_region=demo.elder_learner.home_region)
        for n in range(500)
    ]
    content = big_file(learners, 100_000)
    expected_hours = sum(Decimal(f"{1 + n % 4}.5") for n in range(100_000))

    # The process dies inside the 21st batch, after its rows were written but before it
    # committed: that batch must vanish whole, and the 20 before it stay.
    real_balances_add = imports.balances_add
    calls = {"n": 0}

    def dying_balances_add(deltas):
        calls["n"] += 1
        if calls["n"] == 21:
            raise Crash
        return real_balances_add(deltas)

    monkeypatch.setattr(imports, "balances_add", dying_balances_add)
    with pytest.raises(Crash):
        run(content)
    first_batches = content.decode().splitlines()[1 : 20 * imports.BATCH_ROWS + 1]
    survived = sum(1 for line in first_batches if not line.startswith("BAD"))
    assert LearningRecord.objects.count() == survived  # the 20 committed batches' good rows
    assert_balances_are_the_sums()
    monkeypatch.setattr(imports, "balances_add", real_balances_add)

    result = run(content)
    assert (result.imported, result.already_there) == (100_000 - survived, survived)
    assert LearningRecord.objects.count() == 100_000
    assert LearningRecord.objects.values("external_id").distinct().count() == 100_000
    assert result.bad_rows == 101
    assert PassportBalance.objects.aggregate(h=Sum("hours"))["h"] == expected_hours
    assert sum(PassportBalance.objects.values_list("entries", flat=True)) == 100_000
    assert_balances_are_the_sums()
    before = ledger_state()
    assert run(content).imported == 0
    assert ledger_state() == before


def test_the_command_imports_with_a_progress_bar_and_writes_a_report(demo, tmp_path, capsys):
    source = tmp_path / "records.csv"
    source.write_bytes(
        csv_bytes(
            [
                ["C-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""],
                ["C-2", "bad", "", "2025-05-01", "讲座", "2", ""],
            ]
        )
    )
    report = tmp_path / "report.csv"
    call_command("import_learning_records", str(source), "--issuer", "海盐县图书馆", "--report", str(report))
    captured = capsys.readouterr()
    assert "1 imported" in captured.out and "1 bad" in captured.out
    assert "rows" in captured.err  # the progress bar
    assert "valid mainland" in report.read_text(encoding="utf-8-sig")


# --- Uploads in the console ---------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_upload_is_imported_by_the_worker_and_shows_its_report(
    demo, verified_client, django_capture_on_commit_callbacks
):
    client = verified_client(demo.village_admin)
    content = csv_bytes(
        [
            ["U-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""],
            ["U-2", demo.young_learner.phone, "", "2025-05-01", "讲座", "2", ""],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/imports/", {"file": upload("银行.csv", content), "issuer": "嘉兴市学分银行"})
    record_import = RecordImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/imports/{record_import.pk}/"
    assert (record_import.status, record_import.imported, record_import.bad_rows) == ("done", 1, 1)
    assert record_import.rows_done == 2 and record_import.percent == 100
    page = client.get(f"/console/imports/{record_import.pk}/").content.decode()
    # line 3: the Wuyuan learner (the cell carries its column's name for the phone card layout)
    assert 'data-testid="import-problems"' in page and re.search(r"<td[^>]*>3</td>", page)
    partial = client.get(f"/console/imports/{record_import.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'data-testid="import-progress"' in partial
    assert "hx-trigger" not in partial  # finished: the page stops polling


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("records.exe", b"MZ\x90\x00", "bad_file_type"),
        ("records.csv", b"<html><script>alert(1)</script></html>", "bad_file_type"),
        ("records.csv", b"%PDF-1.7 disguised", "bad_file_type"),
        ("records.xlsx", b"<svg onload=alert(1)>", "bad_file_type"),
        ("records.csv", b"id,hours\n1,2\n", "bad_header"),
    ],
)
def test_uploads_are_checked_by_content_and_refused_without_a_trace(demo, verified_client, name, content, code):
    with pytest.raises(InvalidInput) as error:
        import_jobs.record_import_start(actor=demo.village_admin, upload=upload(name, content), issuer="某机构")
    assert error.value.code == code
    response = verified_client(demo.village_admin).post(
        "/console/imports/", {"file": upload(name, content), "issuer": "某机构"}
    )
    assert response.status_code == 200 and not RecordImport.objects.exists()


def test_an_oversize_upload_is_refused(demo, settings):
    settings.PASSPORT_IMPORT_MAX_BYTES = 100
    big = csv_bytes([["1", demo.elder_learner.phone, "", "2025-01-01", "讲座", "2", ""]] * 10)
    with pytest.raises(InvalidInput) as error:
        import_jobs.record_import_start(actor=demo.village_admin, upload=upload("big.csv", big), issuer="某机构")
    assert error.value.code == "too_large"


def test_only_admins_import_and_see_imports_in_their_area(demo, verified_client, django_capture_on_commit_callbacks):
    content = csv_bytes([["A-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""]])
    with pytest.raises(NotFound):
        import_jobs.record_import_start(actor=demo.organizer, upload=upload("a.csv", content), issuer="某机构")
    with django_capture_on_commit_callbacks(execute=True):
        mine = import_jobs.record_import_start(
            actor=demo.village_admin, upload=upload("a.csv", content), issuer="某机构"
        )
    assert verified_client(demo.organizer).get("/console/imports/").status_code == 404
    assert verified_client(demo.town_admin).get(f"/console/imports/{mine.pk}/").status_code == 404
    assert verified_client(demo.county_admin).get(f"/console/imports/{mine.pk}/").status_code == 200
    assert Client().get(f"/console/imports/{mine.pk}/").status_code == 302


def test_a_failed_or_stalled_import_runs_again_and_a_live_one_does_not(demo, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from lifelong.common.errors import Conflict

    content = csv_bytes([["F-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        record_import = import_jobs.record_import_start(
            actor=demo.village_admin, upload=upload("f.csv", content), issuer="某机构"
        )
    with pytest.raises(Conflict):  # finished
        import_jobs.record_import_retry(actor=demo.village_admin, record_import=record_import)
    RecordImport.objects.filter(pk=record_import.pk).update(status="running", heartbeat_at=timezone.now())
    record_import.refresh_from_db()
    with pytest.raises(Conflict):  # a live run holds it
        import_jobs.record_import_retry(actor=demo.village_admin, record_import=record_import)
    assert import_runs.record_import_execute(record_import_id=record_import.pk).status == "running"  # not claimed
    stalled = timezone.now() - import_runs.STALLED_AFTER - timedelta(minutes=1)
    RecordImport.objects.filter(pk=record_import.pk).update(heartbeat_at=stalled)
    record_import.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.record_import_retry(actor=demo.village_admin, record_import=record_import)
    record_import.refresh_from_db()
    assert (record_import.status, record_import.imported, record_import.already_there) == ("done", 0, 1)
    assert LearningRecord.objects.count() == 1


def test_an_unexpected_error_marks_the_import_failed(demo, monkeypatch, django_capture_on_commit_callbacks):
    content = csv_bytes([["E-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""]])

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(import_runs, "import_records", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the worker logs the error and goes on
        import_jobs.record_import_start(actor=demo.village_admin, upload=upload("e.csv", content), issuer="某机构")
    record_import = RecordImport.objects.get()
    assert record_import.status == "failed" and record_import.error
    assert record_import.may_run_again(record_import.created_at)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a shared database")
def test_killing_the_import_process_midway_and_rerunning_it_ends_as_one_clean_run(tmp_path):
    """The real thing: `manage.py import_learning_records` in its own process, killed with
    SIGKILL once some batches are in, then run again to the end."""
    User.objects.bulk_create(
        User(phone=f"1372{n:07d}", name=f"学员{n}", password="!", is_active=True) for n in range(300)
    )
    learners = list(User.objects.filter(phone__startswith="1372"))
    content = big_file(learners, 100_000)
    source = tmp_path / "records.csv"
    source.write_bytes(content)
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LIFELONG_TEST_DB": "postgres",
        "TEST_POSTGRES_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    command = [
        sys.executable,
        "manage.py",
        "import_learning_records",
        str(source),
        "--issuer",
        "学分银行",
        "--no-progress",
    ]
    process = subprocess.Popen(command, cwd=project_settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while LearningRecord.objects.count() < 3 * imports.BATCH_ROWS and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    survived = LearningRecord.objects.count()
    assert 0 < survived < 100_000
    assert_balances_are_the_sums()  # what committed, committed whole

    result = run(content, issuer="学分银行")
    assert (result.imported, result.already_there, result.bad_rows) == (100_000 - survived, survived, 101)
    assert LearningRecord.objects.count() == LearningRecord.objects.values("external_id").distinct().count() == 100_000
    assert_balances_are_the_sums()
    assert sum(PassportBalance.objects.values_list("entries", flat=True)) == 100_000


def test_hostile_cells_are_bad_rows_not_a_failed_import(demo):
    phone = demo.elder_learner.phone
    rows = [
        ["H-1", phone, "", "2025-05-01", "讲座", "2", "", "inf"],
        ["H-2", phone, "", "2025-05-01", "讲座", "2", "", "1e99999999"],
        ["H-3", "", "", "2025-05-01", "讲座", "2", "", ""],
        ["H-4", phone, "", "2025-05-01", "讲座", "2", "", "12"],
    ]
    header = [*HEADER, "points"]
    result = run(csv_bytes(rows, header=header))
    assert (result.imported, result.bad_rows) == (1, 3)
    assert "between 0 and 100000" in dict(result.problems)[2]
    by_id = csv_bytes(
        [["I-1", "²", "2025-05-01", "讲座", "2"], ["I-2", "9" * 40, "2025-05-01", "讲座", "2"]],
        header=["record_id", "learner_id", "date", "title", "hours"],
    )
    assert run(by_id).bad_rows == 2


def test_a_corrected_copy_of_a_bad_row_further_down_is_imported(demo):
    phone = demo.elder_learner.phone
    rows = [["D-1", phone, "", "2025-05-01", "讲座", "lots", ""], ["D-1", phone, "", "2025-05-01", "讲座", "2", ""]]
    result = run(csv_bytes(rows))
    assert (result.imported, result.bad_rows) == (1, 1)


def test_a_file_unreadable_midway_stops_with_the_line(demo):
    good = csv_bytes([["M-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""]] * 1)
    broken = good + b"M-2," + b"x" * 200_000 + b"\n"  # a field past the CSV reader's limit
    with pytest.raises(InvalidInput) as error:
        run(broken)
    assert "line 2" in error.value.detail


def test_a_workbook_that_would_unpack_too_far_is_refused(demo, monkeypatch):
    workbook = Workbook()
    workbook.active.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    monkeypatch.setattr(spreadsheets, "XLSX_UNPACKED_MAX", 1000)
    with pytest.raises(InvalidInput) as error:
        import_jobs.record_import_start(
            actor=demo.village_admin, upload=upload("bomb.xlsx", buffer.getvalue()), issuer="某机构"
        )
    assert error.value.code == "too_large" and not RecordImport.objects.exists()
    with pytest.raises(InvalidInput) as error:
        run(buffer.getvalue(), name="bomb.xlsx")
    assert error.value.code == "too_large"


def test_a_superuser_imports_for_the_whole_county(demo):
    superuser = User.objects.create_superuser("13600000099", "superuser-pass-1", name="管理员")
    content = csv_bytes([["SU-1", demo.young_learner.phone, "", "2025-05-01", "讲座", "2", ""]])
    record_import = import_jobs.record_import_start(actor=superuser, upload=upload("s.csv", content), issuer="某机构")
    assert record_import.region.level == "county"
