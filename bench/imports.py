"""`make bench` (second part): importing learning records and residents on PostgreSQL.

Recreates its own database, migrates it, loads the demo county (regions and personas).

Learning records: makes 10,000 learners, writes a 100,000-row CSV and the same rows as XLSX,
then times `manage.py import_learning_records` (its own process, the production settings of
the bench) for: the CSV into an empty ledger, the same CSV again (everything already there),
and the XLSX under another issuer (all new rows). Checks that the ledger holds each record
once and the balances equal the entries.

Residents: writes a 100,000-row village roster as CSV (70 % with a phone, 30 % without, the
village by code or by town and village name, one bad row in a thousand) and another 100,000
people as XLSX, then times `manage.py import_learners --as <county admin>` for: the CSV into
the county, the same CSV again (nobody new), and the XLSX (all new). Checks that every good
row is one learner, no phone or phoneless person twice.

Writes bench/results/imports.json and imports.md.
"""

import csv
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TMP = RESULTS / "tmp"
DB_NAME = "lifelong_bench_imports"
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
LEARNERS = 10_000
TARGET_SECONDS = 60  # DESIGN §7: 100,000 rows from CSV/XLSX in under a minute
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "PYTHONPATH": str(ROOT),
}


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def manage(*args: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)  # noqa: S603
    return time.monotonic() - started


def main() -> None:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    say("migrating")
    manage("migrate", "--verbosity=0")
    ENV["MEDIA_ROOT"] = str(TMP / "media")  # the import jobs' copies of their files
    os.environ.update({k: v for k, v in ENV.items() if k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Sum
    from openpyxl import Workbook

    from lifelong.accounts.models import User
    from lifelong.passport.models import LearningRecord, PassportBalance
    from lifelong.site.demo.load import demo_county_load

    say("loading the demo county (regions, personas)")
    demo_county_load(with_activities=False)
    say(f"making {LEARNERS} learners and a {ROWS}-row file")
    unusable = "!"  # Django's mark of an unusable password: these learners never sign in
    User.objects.bulk_create(
        (User(phone=f"1375{n:07d}", name=f"学员{n:05d}", password=unusable) for n in range(LEARNERS)),
        batch_size=2000,
    )
    TMP.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = TMP / "records.csv", TMP / "records.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    header = ["记录编号", "手机号", "姓名", "学习日期", "学习内容", "学时", "类别"]
    sheet.append(header)
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(ROWS):
            learner = n % LEARNERS
            row = [
                f"CB{n:07d}",
                f"1375{learner:07d}",
                f"学员{learner:05d}",
                (date(2021, 1, 1) + timedelta(days=n % 1400)).isoformat(),
                "社区教育线上课程",
                f"{1 + n % 3}.5",
                "digital_skills",
            ]
            writer.writerow(row)
            sheet.append(row)
    workbook.save(xlsx_path)
    connection.close()

    args = ["import_learning_records", "--no-progress"]
    say("CSV into an empty ledger")
    csv_first = manage(*args, str(csv_path), "--issuer", "嘉兴市学分银行")
    say("the same CSV again")
    csv_again = manage(*args, str(csv_path), "--issuer", "嘉兴市学分银行")
    say("XLSX, another issuer")
    xlsx_first = manage(*args, str(xlsx_path), "--issuer", "海盐县社区学院")

    records = LearningRecord.objects.count()
    distinct = LearningRecord.objects.values("issuer", "external_id").distinct().count()
    balances = PassportBalance.objects.aggregate(hours=Sum("hours"), entries=Sum("entries"))
    ledger_hours = LearningRecord.objects.aggregate(hours=Sum("hours"))["hours"]
    connection.close()
    residents = residents_bench()
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "rows": ROWS,
        "learners": LEARNERS,
        "seconds": {
            "csv_first": round(csv_first, 1),
            "csv_again": round(csv_again, 1),
            "xlsx_first": round(xlsx_first, 1),
        },
        "rows_per_second": {"csv_first": round(ROWS / csv_first), "xlsx_first": round(ROWS / xlsx_first)},
        "target_seconds": TARGET_SECONDS,
        "correct": {
            "records": records,
            "expected": 2 * ROWS,
            "duplicates": records - distinct,
            "balance_entries": balances["entries"],
            "balance_hours_equal_ledger": balances["hours"] == ledger_hours,
        },
        "residents": residents,
    }
    (RESULTS / "imports.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    met = lambda seconds: "met" if seconds < TARGET_SECONDS else "NOT met"  # noqa: E731
    r = residents
    lines = [
        "# Import bench: learning records and residents on PostgreSQL",
        "",
        f"Measured {result['measured_at']} on {os.cpu_count()} cores; app, PostgreSQL and the file together.",
        f"{ROWS:,} rows for {LEARNERS:,} learners; each import is `manage.py import_learning_records` in its own",
        "process (start-up included), batches of 2,000 rows, one transaction each.",
        "",
        "| Run | Seconds | Rows/s | Target (< 60 s) |",
        "|---|---|---|---|",
        f"| CSV into an empty ledger | {csv_first:.1f} | {ROWS / csv_first:,.0f} | {met(csv_first)} |",
        f"| the same CSV again (all already there) | {csv_again:.1f} | {ROWS / csv_again:,.0f} | {met(csv_again)} |",
        f"| XLSX under another issuer (all new) | {xlsx_first:.1f} | {ROWS / xlsx_first:,.0f} | {met(xlsx_first)} |",
        "",
        f"Correctness: {records:,} records (expected {2 * ROWS:,}), {records - distinct} duplicates, "
        f"balances count {balances['entries']:,} entries, balance hours equal the ledger: "
        f"{result['correct']['balance_hours_equal_ledger']}.",
        "",
        "## Residents (`manage.py import_learners`)",
        "",
        f"{ROWS:,}-row village rosters ({r['phoneless_share']:.0%} without a phone, one bad row in 1,000), imported by",
        "the county admin (`--as 13900000001`), each in its own process with start-up included; batches of",
        "2,000 rows, each one transaction with the job's checkpoint.",
        "",
        "| Run | Seconds | Rows/s | Created | Updated | Unchanged | Bad | Target (< 60 s) |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {label} | {run['seconds']:.1f} | {ROWS / run['seconds']:,.0f} | {run['created']:,} "
            f"| {run['updated']:,} | {run['unchanged']:,} | {run['bad']:,} | {met(run['seconds'])} |"
            for label, run in (
                ("CSV into the county", r["csv_first"]),
                ("the same CSV again (nobody new)", r["csv_again"]),
                ("XLSX, other people (all new)", r["xlsx_first"]),
            )
        ),
        "",
        f"Correctness: {r['correct']['learners']:,} imported learners (expected {r['correct']['expected']:,}), "
        f"{r['correct']['duplicate_phones']} duplicate phones, {r['correct']['duplicate_phoneless']} duplicate "
        f"phoneless people, {r['correct']['managed_profiles']:,} managed profiles of the village.",
        "",
    ]
    (RESULTS / "imports.md").write_text("\n".join(lines))
    say("wrote bench/results/imports.md")
    print("\n".join(lines))


PHONELESS_EVERY = 10  # rows n with n % 10 in (0, 3, 6) have no phone: 30 %
BAD_EVERY = 1000


def _roster_rows(first: int, villages: list[tuple[str, str]]):
    """ROWS roster rows for people numbered from `first`: a phone for 70 %, the village by code
    or (every fourth row) by town and village name, a bad birth year every BAD_EVERY rows."""
    for n in range(first, first + ROWS):
        code, full_name = villages[n % len(villages)]
        phone = "" if n % PHONELESS_EVERY in (0, 3, 6) else f"1376{n:07d}"
        year = "1890" if n % BAD_EVERY == 999 else str(1930 + n % 70)
        yield [f"村民{n:06d}", phone, year, full_name if n % 4 == 0 else code]


def residents_bench() -> dict:
    from django.db import connection
    from django.db.models import Count
    from openpyxl import Workbook

    from lifelong.accounts.models import User
    from lifelong.passport.models import RecordImport
    from lifelong.regions.models import Region

    villages = [
        (region.code, f"{region.parent.name}{region.name}")
        for region in Region.objects.filter(level="village").select_related("parent").order_by("code")
    ]
    before = User.objects.count()
    csv_path, xlsx_path = TMP / "residents.csv", TMP / "residents.xlsx"
    header = ["姓名", "手机号", "出生年份", "村（社区）"]
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(_roster_rows(0, villages))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in _roster_rows(ROWS, villages):
        sheet.append(row)
    workbook.save(xlsx_path)
    connection.close()

    args = ["import_learners", "--as", "13900000001", "--no-progress"]
    runs = {}
    for label, path in (("csv_first", csv_path), ("csv_again", csv_path), ("xlsx_first", xlsx_path)):
        say(f"residents: {label}")
        seconds = manage(*args, str(path))
        job = RecordImport.objects.filter(kind="learners").latest("pk")
        runs[label] = {
            "seconds": round(seconds, 1),
            "status": job.status,
            "rows": job.rows_done,
            "created": job.imported,
            "updated": job.updated,
            "unchanged": job.already_there,
            "bad": job.bad_rows,
        }
    imported = User.objects.filter(name__startswith="村民")
    bad_per_file = ROWS // BAD_EVERY
    phoneless_twice = (
        imported.filter(phone__isnull=True)
        .values("name", "birth_year", "home_region")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    phones_twice = imported.exclude(phone=None).values("phone").annotate(n=Count("id")).filter(n__gt=1).count()
    return {
        **runs,
        "phoneless_share": 3 / PHONELESS_EVERY,
        "correct": {
            "learners": imported.count(),
            "expected": 2 * (ROWS - bad_per_file),
            "all_users_added": User.objects.count() - before,
            "duplicate_phones": phones_twice,
            "duplicate_phoneless": phoneless_twice,
            "managed_profiles": imported.filter(phone__isnull=True, managed_by__isnull=True).count(),
        },
    }


if __name__ == "__main__":
    main()
