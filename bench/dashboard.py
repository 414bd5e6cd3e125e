"""`make bench-dashboard`: the dashboards at county scale, on PostgreSQL.

Recreates its own database (lifelong_bench_dashboard), migrates it, and seeds the demo county's
regions and institutions, then by SQL (INSERT … SELECT generate_series, COPY): 450,000 learners
over the villages in proportion to their population, 20,000 activities over the last year (and
the next month) with their weekly sessions, registrations in proportion to each activity's
seats (some waitlisted, rejected, cancelled), check-ins for the past sessions, and 5,000,000
learning records over two years (one per check-in, a few corrections reversing them,
adjustments, and records imported from the credit bank), with the passport balances equal to
the ledger. Then it times `services.rollups_build` for the measured month, quarter and year
(the task worker's cost), times `selectors.dashboard_for` for the county admin at the county,
one town and one village for each period (p50/p95/p99 over N calls, SQL statements per call),
the console page `/console/dashboard/` through Django's test client, and one county-year
dashboard computed straight from the raw tables (what the rollups save), and writes
bench/results/dashboard.json and dashboard.md. BENCH_QUICK=1: a small county, for a smoke run.
"""

import os
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scenario import (
    QUICK,
    database_fresh,
    environment,
    machine_facts,
    machine_line,
    measure,
    now_utc,
    public,
    quiet_wait,
    say,
    sql,
    sql_one,
    static_collect,
    summary_ms,
    write_results,
)

DB_NAME = "lifelong_bench_dashboard"
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "20000" if QUICK else "450000"))
ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", "1000" if QUICK else "20000"))
RECORDS = int(os.environ.get("BENCH_RECORDS", "200000" if QUICK else "5000000"))
REPETITIONS = int(os.environ.get("BENCH_REPETITIONS", "30" if QUICK else "300"))
RAW_REPETITIONS = 2 if QUICK else 3
TARGET_P95_MS = 50  # DESIGN §7
# Before measuring, wait this long at most for other work on the machine to calm down.
QUIET_WAIT_S = int(os.environ.get("BENCH_QUIET_WAIT", "0" if QUICK else "600"))
SEED = 20261202

# Shares of the rows the seed writes (see the module docstring).
SHOW_UP = 0.82  # a confirmed learner checks in at a past session
CANCELLED, REJECTED = 0.06, 0.12  # of the registrations (rejections only where approval is needed)
LATE_CANCELLED = 0.04  # of the seat holders, who cancel later: the waitlist's first move up
REVERSED_EVERY = 140  # one check-in record in 140 is corrected by a reversing entry
ADJUSTMENT_SHARE = 0.003
ONLINE_LEARNERS_SHARE = 0.55  # residents who ever learn on the credit bank's platform
CREDIT_BANKS = ["嘉兴市学分银行", "浙江省终身学习平台"]


# --- Seed ----------------------------------------------------------------------------------------


def indexes_drop(table: str) -> list[str]:
    """Drop the table's indexes that back no constraint (so a bulk load does not maintain them
    row by row) and return their definitions, to create again afterwards."""
    rows = sql(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)""",
        [table],
    )
    for name, _definition in rows:
        sql(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def seed(now: datetime) -> dict:
    """Write the county (see the module docstring); return row counts and seconds per step."""
    from django.db import connection

    from bench.county_seed import activities_seed, county_load, learners_seed, sequences_reset, title_cores
    from lifelong.accounts.models import User

    steps: dict[str, float] = {}

    def step(name: str, started: float) -> float:
        steps[name] = round(time.monotonic() - started, 1)
        say(f"seed: {name} {steps[name]} s")
        return time.monotonic()

    t = time.monotonic()
    county_load()
    organizer_id = User.objects.get(phone="13900000004").pk
    county_admin_id = User.objects.get(phone="13900000001").pk
    t = step("demo county (regions, institutions, personas)", t)

    # Bulk loads in this session: no WAL flush per statement, big sorts in memory, and no
    # foreign-key trigger per row (every id below is made to exist; the counts are checked).
    sql("SET synchronous_commit = off")
    sql("SET work_mem = '256MB'")
    sql("SET maintenance_work_mem = '1GB'")
    sql("SELECT setseed(%s)", [(SEED % 1000) / 1000])
    people = learners_seed(LEARNERS, now=now)
    base = people["learner_base"]
    t = step(f"{LEARNERS:,} learners", t)

    counts = activities_seed(
        ACTIVITIES,
        first_from=now - timedelta(days=365),
        first_to=now + timedelta(days=30),
        now=now,
        organizer_id=organizer_id,
        seed=SEED,
        all_published=False,
    )
    t = step(f"{ACTIVITIES:,} activities and {counts['sessions']:,} sessions", t)

    sql("SET session_replication_role = replica")
    dropped = {
        table: indexes_drop(table)
        for table in ("activities_registration", "activities_attendance", "passport_learningrecord")
    }
    registrations_seed(now=now, organizer_id=organizer_id, base=base)
    t = step("registrations", t)
    attendances_seed(now=now, organizer_id=organizer_id)
    t = step("check-ins", t)
    cats, zh, en = title_cores()
    records_seed(now=now, county_admin_id=county_admin_id, organizer_id=organizer_id, cats=cats, zh=zh, en=en)
    t = step("learning records", t)
    sql("SET session_replication_role = DEFAULT")
    for definitions in dropped.values():
        for definition in definitions:
            sql(definition)
    t = step("indexes created again", t)
    sql(
        """INSERT INTO passport_passportbalance (learner_id, hours, points, entries)
           SELECT learner_id, sum(hours), sum(points), count(*) FROM passport_learningrecord GROUP BY learner_id"""
    )
    sequences_reset("activities_registration", "activities_attendance", "passport_learningrecord")
    t = step("passport balances", t)
    for table in ("bench_reg", "bench_village", "bench_learner", "bench_activity", "bench_town"):
        sql(f"DROP TABLE IF EXISTS {table}")
    sql("VACUUM (ANALYZE)")
    sql("CHECKPOINT")
    t = step("VACUUM (ANALYZE), CHECKPOINT", t)
    connection.close()  # what follows runs in a new session, with the server's own settings
    return {"steps_s": steps, "seconds": round(sum(steps.values()), 1), "counts": row_counts()}


def registrations_seed(*, now: datetime, organizer_id: int, base: int) -> None:
    """Learners of the activity's place sign up (a village's activities draw a quarter from the
    rest of its town; a town's from the town; the county's from everyone), in proportion to
    the seats: demand 0.3–1.4 × capacity, a quarter of the activities oversubscribed. In
    arrival order: 6 % cancel, 12 % of those needing approval are rejected, the rest take
    the seats; then the waitlist (FIFO positions, `was_waitlisted`) if the activity has one,
    else nothing is written (a full answer). Later 4 % of the seat holders cancel and as many
    of the first waitlisted move up to a seat (confirmed, still `was_waitlisted`, no position).
    Registrations not yet made by `now` are left out."""
    sql("DROP TABLE IF EXISTS bench_town")
    sql("CREATE TABLE bench_town AS SELECT town_id AS id, min(lo) AS lo, max(hi) AS hi FROM bench_village GROUP BY 1")
    sql("DROP TABLE IF EXISTS bench_reg")
    sql(
        """
        CREATE TABLE bench_reg AS
        WITH a AS (
            SELECT b.*,
                   CASE b.level WHEN 'village' THEN v.lo WHEN 'town' THEN t.lo ELSE 0 END AS lo,
                   CASE b.level WHEN 'village' THEN v.hi WHEN 'town' THEN t.hi ELSE %(n)s END AS hi,
                   coalesce(t.lo, 0) AS town_lo, coalesce(t.hi, %(n)s) AS town_hi,
                   greatest(1, round(b.capacity * (0.3 + 1.1 * power(random(), 1.5))))::int AS demand
            FROM bench_activity b
            LEFT JOIN bench_village v ON b.level = 'village' AND v.id = b.region_id
            LEFT JOIN bench_town t ON t.id = b.town_id),
        wanted AS (
            SELECT DISTINCT ON (a.id, x.n) a.id AS activity_id, x.n, x.i, x.r, x.r2, x.r3, a.capacity, a.approval,
                   a.waitlist, a.status,
                   a.opens + (a.closes - a.opens) * power(x.i::float / (a.demand + 1), 0.7) AS created_at
            FROM a, LATERAL (
                SELECT i, random() AS r, random() AS r2, random() AS r3,
                       CASE WHEN a.level = 'village' AND random() < 0.25
                            THEN a.town_lo + floor(random() * (a.town_hi - a.town_lo))
                            ELSE a.lo + floor(random() * greatest(a.hi - a.lo, 1)) END::int AS n
                FROM generate_series(1, a.demand) i) x
            ORDER BY a.id, x.n, x.i),
        kinds AS (
            SELECT w.*, CASE WHEN w.status = 'cancelled' OR w.r < %(cancelled)s THEN 'cancelled'
                             WHEN w.approval AND w.r < %(cancelled)s + %(rejected)s THEN 'rejected'
                             ELSE 'seek' END AS kind
            FROM wanted w WHERE w.created_at < %(now)s),
        ranked AS (
            SELECT k.*, row_number() OVER (PARTITION BY k.activity_id, k.kind ORDER BY k.created_at, k.i) AS seat_rank
            FROM kinds k),
        flagged AS (
            SELECT k.*, (k.kind = 'seek' AND k.seat_rank <= k.capacity AND k.r3 < %(late)s) AS late_cancel
            FROM ranked k),
        freed AS (SELECT activity_id, count(*) FILTER (WHERE late_cancel) AS n FROM flagged GROUP BY 1)
        SELECT row_number() OVER (ORDER BY f.activity_id, f.created_at, f.i) AS id, f.activity_id,
               %(base)s + f.n AS learner_id, f.created_at, f.r2,
               CASE WHEN f.kind <> 'seek' THEN f.kind
                    WHEN f.seat_rank <= f.capacity THEN CASE WHEN f.late_cancel THEN 'cancelled' ELSE 'confirmed' END
                    WHEN f.seat_rank - f.capacity <= freed.n THEN 'confirmed'
                    ELSE 'waitlisted' END AS status,
               CASE WHEN f.kind = 'seek' AND f.seat_rank - f.capacity > freed.n THEN f.seat_rank - f.capacity END
                   AS waitlist_position,
               (f.kind = 'seek' AND f.seat_rank > f.capacity) AS was_waitlisted,
               CASE WHEN f.kind = 'seek' AND f.seat_rank > f.capacity THEN f.seat_rank - f.capacity END AS place
        FROM flagged f JOIN freed ON freed.activity_id = f.activity_id
        WHERE f.kind <> 'seek' OR f.seat_rank <= f.capacity OR f.waitlist""",
        {
            "n": LEARNERS,
            "base": base,
            "now": now,
            "cancelled": CANCELLED,
            "rejected": REJECTED,
            "late": LATE_CANCELLED,
        },
    )
    sql(
        """
        INSERT INTO activities_registration (id, status, channel, waitlist_position, offer_expires_at, created_at,
                                             updated_at, activity_id, learner_id, registered_by_id, was_waitlisted)
        SELECT id, status, CASE WHEN r2 < 0.8 THEN 'online' WHEN r2 < 0.92 THEN 'proxy' ELSE 'onsite' END,
               waitlist_position, NULL, created_at, created_at, activity_id, learner_id,
               CASE WHEN r2 < 0.8 THEN learner_id ELSE %(organizer)s END, was_waitlisted
        FROM bench_reg ORDER BY id""",
        {"organizer": organizer_id},
    )
    sql(
        """
        UPDATE activities_activity a
        SET seats_taken = c.held, seats_taken_online = c.online, waitlist_last_position = c.last_place
        FROM (SELECT activity_id, count(*) FILTER (WHERE status = 'confirmed') AS held,
                     count(*) FILTER (WHERE status = 'confirmed' AND r2 < 0.8) AS online,
                     coalesce(max(place), 0) AS last_place
              FROM bench_reg GROUP BY 1) c
        WHERE c.activity_id = a.id"""
    )


def attendances_seed(*, now: datetime, organizer_id: int) -> None:
    """Confirmed learners check in at past sessions (82 %): by QR (by themselves), by staff
    or from a paper sheet (recorded by the organizer), within 15 minutes of the start."""
    sql(
        """
        INSERT INTO activities_attendance (id, method, checked_in_at, learner_id, recorded_by_id, session_id)
        SELECT row_number() OVER (ORDER BY s.id, r.learner_id),
               CASE WHEN x.m < 0.6 THEN 'qr' WHEN x.m < 0.9 THEN 'staff' ELSE 'paper' END,
               s.starts_at + x.m * interval '15 minutes', r.learner_id,
               CASE WHEN x.m < 0.6 THEN r.learner_id ELSE %(organizer)s END, s.id
        FROM bench_reg r
        JOIN activities_session s ON s.activity_id = r.activity_id
        CROSS JOIN LATERAL (SELECT random() AS m, random() AS show WHERE r.id IS NOT NULL) x
        WHERE r.status = 'confirmed' AND s.starts_at < %(now)s AND x.show < %(show)s""",
        {"organizer": organizer_id, "now": now, "show": SHOW_UP},
    )


def records_seed(*, now: datetime, county_admin_id: int, organizer_id: int, cats, zh, en) -> None:
    """RECORDS ledger entries: one per check-in (the activity's hours, dated the session's day
    in county time, at the learner's home region); a reversal of one in REVERSED_EVERY of them;
    adjustments by the county admin; and records imported from the credit banks (online
    courses), dated over the last two years, for ONLINE_LEARNERS_SHARE of the residents, some
    learning much more than others, until the ledger holds RECORDS entries."""
    sql(
        """
        INSERT INTO passport_learningrecord (id, source, hours, points, learned_on, category, title, title_en,
            issuer, external_id, note, created_at, activity_id, attendance_id, learner_id, recorded_by_id,
            region_id, reverses_id, resource_id)
        SELECT t.id, 'attendance', a.hours, round(a.hours * 10)::int,
               (s.starts_at AT TIME ZONE 'Asia/Shanghai')::date, a.category, a.title, a.title_en, '', '', '',
               t.checked_in_at, a.id, t.id, t.learner_id, t.recorded_by_id, u.home_region_id, NULL, NULL
        FROM activities_attendance t
        JOIN activities_session s ON s.id = t.session_id
        JOIN activities_activity a ON a.id = s.activity_id
        JOIN accounts_user u ON u.id = t.learner_id
        ORDER BY t.id"""
    )
    after = sql_one("SELECT max(id) FROM passport_learningrecord") or 0
    sql(
        """
        INSERT INTO passport_learningrecord (id, source, hours, points, learned_on, category, title, title_en,
            issuer, external_id, note, created_at, activity_id, attendance_id, learner_id, recorded_by_id,
            region_id, reverses_id, resource_id)
        SELECT %(after)s + row_number() OVER (ORDER BY id), source, -hours, -points, learned_on, category, title,
               title_en, '', '', '签到记录有误，冲正', least(created_at + interval '3 days', %(now)s), activity_id,
               NULL, learner_id, %(organizer)s, region_id, id, NULL
        FROM passport_learningrecord WHERE id %% %(every)s = 7""",
        {"after": after, "now": now, "organizer": organizer_id, "every": REVERSED_EVERY},
    )
    after = sql_one("SELECT max(id) FROM passport_learningrecord") or 0
    adjustments = max(1, int(RECORDS * ADJUSTMENT_SHARE))
    today = now.date()
    sql(
        """
        INSERT INTO passport_learningrecord (id, source, hours, points, learned_on, category, title, title_en,
            issuer, external_id, note, created_at, activity_id, attendance_id, learner_id, recorded_by_id,
            region_id, reverses_id, resource_id)
        SELECT %(after)s + g, 'adjustment', x.h, (x.h * 10)::int, %(today)s::date - x.back, '', '补录线下学习学时',
               '', '', '', '纸质签到表补录', %(now)s - x.back * interval '1 day' + interval '1 day', NULL, NULL,
               l.id, %(admin)s, l.village_id, NULL, NULL
        FROM generate_series(1, %(count)s) g
        CROSS JOIN LATERAL (SELECT (1 + floor(random() * 8))::numeric(6, 1) AS h, floor(random() * 700)::int AS back,
                                   floor(random() * %(n)s)::int AS n WHERE g > 0) x
        JOIN bench_learner l ON l.n = x.n""",
        {"after": after, "today": today, "now": now, "admin": county_admin_id, "count": adjustments, "n": LEARNERS},
    )
    after = sql_one("SELECT max(id) FROM passport_learningrecord") or 0
    remaining = max(0, RECORDS - after)
    # Learner number k maps to k * stride mod N (stride coprime with N), so the busiest online
    # learners are spread over every village instead of the first villages in path order.
    stride = next(p for p in (7919, 7907, 7901, 7883) if LEARNERS % p)
    sql(
        """
        INSERT INTO passport_learningrecord (id, source, hours, points, learned_on, category, title, title_en,
            issuer, external_id, note, created_at, activity_id, attendance_id, learner_id, recorded_by_id,
            region_id, reverses_id, resource_id)
        SELECT %(after)s + g, 'external', x.h, (x.h * 10)::int, %(today)s::date - x.back, (%(cats)s::text[])[x.c],
               '线上课程：' || (%(zh)s::text[])[x.c], 'Online course: ' || (%(en)s::text[])[x.c],
               (%(banks)s::text[])[1 + g %% 2], 'CB' || (%(after)s + g), '',
               %(now)s - x.back * interval '1 day' + interval '2 days', NULL, NULL, l.id, NULL, l.village_id, NULL,
               NULL
        FROM generate_series(1, %(count)s) g
        CROSS JOIN LATERAL (
            SELECT (ARRAY[0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 3.0])[1 + floor(random() * 7)]::numeric(6, 1) AS h,
                   floor(random() * 730)::int AS back,
                   1 + floor(random() * %(cores)s)::int AS c,
                   ((floor(%(online)s * power(random(), 2))::bigint * %(stride)s) %% %(n)s)::int AS n
            WHERE g > 0) x
        JOIN bench_learner l ON l.n = x.n""",
        {
            "after": after,
            "today": today,
            "now": now,
            "cats": cats,
            "zh": zh,
            "en": en,
            "cores": len(cats),
            "banks": CREDIT_BANKS,
            "count": remaining,
            "online": int(LEARNERS * ONLINE_LEARNERS_SHARE),
            "stride": stride,
            "n": LEARNERS,
        },
    )


def row_counts() -> dict:
    counts = {
        "regions": sql_one("SELECT count(*) FROM regions_region"),
        "villages": sql_one("SELECT count(*) FROM regions_region WHERE level = 'village'"),
        "population": sql_one("SELECT population FROM regions_region WHERE level = 'county'"),
        "users": sql_one("SELECT count(*) FROM accounts_user"),
        "institutions": sql_one("SELECT count(*) FROM institutions_institution"),
        "activities": dict(sql("SELECT status, count(*) FROM activities_activity GROUP BY 1 ORDER BY 2 DESC")),
        "sessions": sql_one("SELECT count(*) FROM activities_session"),
        "registrations": dict(sql("SELECT status, count(*) FROM activities_registration GROUP BY 1 ORDER BY 2 DESC")),
        "attendances": sql_one("SELECT count(*) FROM activities_attendance"),
        "learning_records": dict(
            sql("SELECT source, count(*) FROM passport_learningrecord GROUP BY 1 ORDER BY 2 DESC")
        ),
        "moved_up_from_waitlist": sql_one(
            "SELECT count(*) FROM activities_registration WHERE status = 'confirmed' AND was_waitlisted"
        ),
        "reversals": sql_one("SELECT count(*) FROM passport_learningrecord WHERE reverses_id IS NOT NULL"),
        "learning_records_total": sql_one("SELECT count(*) FROM passport_learningrecord"),
        "learning_records_span": [
            str(d) for d in sql("SELECT min(learned_on), max(learned_on) FROM passport_learningrecord")[0]
        ],
        "passport_balances": sql_one("SELECT count(*) FROM passport_passportbalance"),
        "table_sizes": dict(
            sql(
                """SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class
                   WHERE relname IN ('passport_learningrecord', 'activities_registration', 'activities_attendance',
                                     'accounts_user') ORDER BY pg_total_relation_size(oid) DESC"""
            )
        ),
    }
    return counts


def consistency() -> dict:
    """Cheap checks that the bulk-loaded rows hang together (the load skipped foreign-key
    triggers, so this is where a wrong id would show)."""
    checks = {
        "records_without_learner": """SELECT count(*) FROM passport_learningrecord r
            LEFT JOIN accounts_user u ON u.id = r.learner_id WHERE u.id IS NULL""",
        "records_without_region": "SELECT count(*) FROM passport_learningrecord WHERE region_id IS NULL",
        "attendances_without_session": """SELECT count(*) FROM activities_attendance t
            LEFT JOIN activities_session s ON s.id = t.session_id WHERE s.id IS NULL""",
        "registrations_without_learner": """SELECT count(*) FROM activities_registration r
            LEFT JOIN accounts_user u ON u.id = r.learner_id WHERE u.id IS NULL""",
        "overbooked_activities": """SELECT count(*) FROM activities_activity a JOIN (
            SELECT activity_id, count(*) n FROM activities_registration WHERE status = 'confirmed' GROUP BY 1) c
            ON c.activity_id = a.id WHERE c.n > a.capacity""",
        "waitlisted_without_flag": """SELECT count(*) FROM activities_registration
            WHERE status = 'waitlisted' AND (NOT was_waitlisted OR waitlist_position IS NULL)""",
        "seat_counter_drift": """SELECT count(*) FROM activities_activity a LEFT JOIN (
            SELECT activity_id, count(*) n FROM activities_registration WHERE status = 'confirmed' GROUP BY 1) c
            ON c.activity_id = a.id WHERE a.seats_taken <> coalesce(c.n, 0)""",
        "balances_unequal_ledger": """SELECT count(*) FROM passport_passportbalance b JOIN (
            SELECT learner_id, sum(hours) h, count(*) n FROM passport_learningrecord GROUP BY 1) l
            ON l.learner_id = b.learner_id WHERE l.h <> b.hours OR l.n <> b.entries""",
    }
    return {name: sql_one(text) for name, text in checks.items()}


# --- The raw aggregate the rollups replace -----------------------------------------------------

# The queries a dashboard would run without rollups: the definitions of lifelong.dashboards.services
# (the same figures), restricted to the dashboard's subtree and computed at request time.
RAW_QUERIES = {
    # Registered learners by home region: accounts made before the period's end.
    "registered_by_region": """
        SELECT u.home_region_id, count(*) FROM accounts_user u JOIN regions_region r ON r.id = u.home_region_id
        WHERE r.path LIKE %(path)s AND u.date_joined < %(end_at)s GROUP BY 1""",
    # Active learners and hours by the region each ledger entry recorded.
    "learners_by_region": """
        SELECT region_id, count(*) FILTER (WHERE h > 0), sum(h) FROM (
            SELECT l.region_id, l.learner_id, sum(l.hours) AS h FROM passport_learningrecord l
            JOIN regions_region r ON r.id = l.region_id
            WHERE l.learned_on >= %(start)s AND l.learned_on < %(end)s AND r.path LIKE %(path)s
            GROUP BY 1, 2) x GROUP BY 1""",
    # Per activity of the subtree touched by the period: its region, category, audiences,
    # sessions in the period, check-ins standing (not reversed), confirmed × sessions,
    # registrations made in the period (of them: ever waitlisted, rejected), ledger hours.
    "activity_facts": """
        WITH ses AS (
            SELECT s.activity_id, count(*) AS n FROM activities_session s
            JOIN activities_activity a ON a.id = s.activity_id
            WHERE a.status IN ('published', 'completed')
              AND s.starts_at >= %(start_at)s AND s.starts_at < %(end_at)s GROUP BY 1),
        att AS (
            SELECT s.activity_id, count(*) AS n FROM activities_attendance t
            JOIN activities_session s ON s.id = t.session_id
            JOIN activities_activity a ON a.id = s.activity_id
            WHERE a.status IN ('published', 'completed')
              AND s.starts_at >= %(start_at)s AND s.starts_at < %(end_at)s AND NOT EXISTS (
                SELECT 1 FROM passport_learningrecord e JOIN passport_learningrecord v ON v.reverses_id = e.id
                WHERE e.attendance_id = t.id)
            GROUP BY 1),
        conf AS (
            SELECT activity_id, count(*) AS n FROM activities_registration WHERE status = 'confirmed' GROUP BY 1),
        made AS (
            SELECT activity_id, count(*) AS n, count(*) FILTER (WHERE was_waitlisted) AS w,
                   count(*) FILTER (WHERE status = 'rejected') AS rj
            FROM activities_registration WHERE created_at >= %(start_at)s AND created_at < %(end_at)s GROUP BY 1),
        hrs AS (
            SELECT activity_id, sum(hours) AS h FROM passport_learningrecord
            WHERE activity_id IS NOT NULL AND learned_on >= %(start)s AND learned_on < %(end)s GROUP BY 1),
        ids AS (SELECT activity_id FROM ses UNION SELECT activity_id FROM made UNION SELECT activity_id FROM hrs)
        SELECT r.path, r.level, a.category, a.audiences, coalesce(ses.n, 0), coalesce(att.n, 0),
               coalesce(conf.n, 0) * coalesce(ses.n, 0), coalesce(made.n, 0), coalesce(made.w, 0),
               coalesce(made.rj, 0), coalesce(hrs.h, 0)
        FROM ids JOIN activities_activity a ON a.id = ids.activity_id
        JOIN institutions_institution i ON i.id = a.institution_id
        JOIN regions_region r ON r.id = i.region_id
        LEFT JOIN ses ON ses.activity_id = a.id LEFT JOIN att ON att.activity_id = a.id
        LEFT JOIN conf ON conf.activity_id = a.id LEFT JOIN made ON made.activity_id = a.id
        LEFT JOIN hrs ON hrs.activity_id = a.id
        WHERE r.path LIKE %(path)s""",
    # The twelve-month trend: active learners and hours per month …
    "trend_learners": """
        SELECT m, count(*) FILTER (WHERE h > 0), sum(h) FROM (
            SELECT date_trunc('month', l.learned_on) AS m, l.region_id, l.learner_id, sum(l.hours) AS h
            FROM passport_learningrecord l JOIN regions_region r ON r.id = l.region_id
            WHERE l.learned_on >= %(trend_start)s AND l.learned_on < %(end)s AND r.path LIKE %(path)s
            GROUP BY 1, 2, 3) x GROUP BY 1""",
    # … check-ins standing per month …
    "trend_attendances": """
        SELECT date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Shanghai'), count(*)
        FROM activities_attendance t JOIN activities_session s ON s.id = t.session_id
        JOIN activities_activity a ON a.id = s.activity_id
        JOIN institutions_institution i ON i.id = a.institution_id JOIN regions_region r ON r.id = i.region_id
        WHERE a.status IN ('published', 'completed') AND s.starts_at >= %(trend_start_at)s AND s.starts_at < %(end_at)s
          AND r.path LIKE %(path)s AND NOT EXISTS (
            SELECT 1 FROM passport_learningrecord e JOIN passport_learningrecord v ON v.reverses_id = e.id
            WHERE e.attendance_id = t.id)
        GROUP BY 1""",
    # … and registrations made per month.
    "trend_registrations": """
        SELECT date_trunc('month', g.created_at AT TIME ZONE 'Asia/Shanghai'), count(*)
        FROM activities_registration g JOIN activities_activity a ON a.id = g.activity_id
        JOIN institutions_institution i ON i.id = a.institution_id JOIN regions_region r ON r.id = i.region_id
        WHERE g.created_at >= %(trend_start_at)s AND g.created_at < %(end_at)s AND r.path LIKE %(path)s
        GROUP BY 1""",
}


def raw_params(period, path: str) -> dict:
    start_at, end_at = period.bounds()
    trend = period.trend_months()[0]
    trend_start_at, _ = trend.bounds()
    return {
        "path": path + "%",
        "start": period.start,
        "end": period.end,
        "start_at": start_at,
        "end_at": end_at,
        "trend_start": trend.start,
        "trend_start_at": trend_start_at,
    }


def raw_dashboard(period, region_path: str) -> dict:
    """One dashboard for `period` computed from the raw tables: every query of RAW_QUERIES once,
    then in Python the sums the page shows (headline figures; by child region; by category and
    by audience; unmet demand by child × category). Seconds of each step and the figures."""
    params = raw_params(period, region_path)
    seconds, answers = {}, {}
    for name, text in RAW_QUERIES.items():
        started = time.perf_counter()
        answers[name] = sql(text, params)
        seconds[name] = time.perf_counter() - started
    started = time.perf_counter()
    child_length = len(region_path) + 10  # a town's code is 9 digits and "/" (a village's 12)
    names = (
        "activities",
        "sessions",
        "attendances",
        "expected_attendances",
        "registrations",
        "waitlisted",
        "rejected",
        "learning_hours",
    )
    total = dict.fromkeys(names, 0)
    by_child: dict = {}
    by_category: dict = {}
    by_audience: dict = {}
    villages = set()
    for path, level, category, audiences, n_sessions, att, expected, made, waitlisted, rejected, hours in answers[
        "activity_facts"
    ]:
        values = (1 if n_sessions else 0, n_sessions, att, expected, made, waitlisted, rejected, hours)
        targets = [total, by_child.setdefault(path[:child_length], dict.fromkeys(names, 0))]
        targets.append(by_category.setdefault(category, dict.fromkeys(names, 0)))
        targets += [by_audience.setdefault(a, dict.fromkeys(names, 0)) for a in audiences.split(",") if a]
        for target in targets:
            for name, value in zip(names, values, strict=True):
                target[name] += value
        if level == "village" and n_sessions:
            villages.add(path)
    registered = sum(n for _region, n in answers["registered_by_region"])
    active = sum(n for _region, n, _h in answers["learners_by_region"])
    learner_hours = sum((h for _region, _n, h in answers["learners_by_region"]), Decimal(0))
    seconds["python sums"] = time.perf_counter() - started
    figures = {
        "registered_learners": registered,
        "active_learners": active,
        "learning_hours": learner_hours,
        **{name: total[name] for name in names if name != "learning_hours"},
        "villages_with_activity": len(villages),
    }
    return {"seconds": seconds, "figures": figures}


# --- The run --------------------------------------------------------------------------------------


def main() -> None:
    started = time.monotonic()
    env = environment(DB_NAME)
    say(f"database {DB_NAME}: drop, create, migrate")
    migrate_s = database_fresh(DB_NAME, env)
    static_collect(env)

    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from lifelong.accounts.models import User
    from lifelong.dashboards import selectors, services
    from lifelong.regions.models import Region

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate(now)
    say(f"seed: {LEARNERS:,} learners, {ACTIVITIES:,} activities, {RECORDS:,} learning records (now = {now:%Y-%m-%d})")
    seeded = seed(now)
    checks = consistency()
    say(f"seeded in {seeded['seconds']} s; checks {checks}")

    quiet = quiet_wait(QUIET_WAIT_S)
    say(f"other load before measuring: {quiet} cores")
    # The periods measured: the last whole month, the current quarter and the current year.
    this_month = selectors.Period.current("month", today)
    periods = {
        "month": this_month.previous(),
        "quarter": selectors.Period.current("quarter", today),
        "year": selectors.Period.current("year", today),
    }
    builds = {}
    for kind, period in periods.items():
        times = []
        for _attempt in range(2):
            t = time.perf_counter()
            run = services.rollups_build(period=period)
            times.append(time.perf_counter() - t)
        builds[kind] = {
            "period": period.label,
            "first_s": round(times[0], 2),
            "again_s": round(times[1], 2),
            "rows": getattr(run, "rows", None),
        }
        say(f"rollups_build {period.label}: {times[0]:.2f} s, again {times[1]:.2f} s ({builds[kind]['rows']} rows)")
    # The trend reads the month rollups of the twelve months up to each period's end.
    trend_started = time.perf_counter()
    trend_months = sorted(
        {m for p in periods.values() for m in p.trend_months()} - {periods["month"]}, key=lambda m: m.start
    )
    for month in trend_months:
        services.rollups_build(period=month)
    trend_s = time.perf_counter() - trend_started
    say(f"rollups_build for {len(trend_months)} more months (the trends): {trend_s:.1f} s")

    admin = User.objects.get(phone="13900000001")
    county = Region.objects.get(level="county")
    town = Region.objects.get(code="330424105")
    village = Region.objects.filter(parent=town, name__endswith="村").order_by("path").first()
    levels = {"county": county, "town": town, "village": village}

    def call(code: str, period):
        def run():
            admin.__dict__.pop("_lifelong_grants", None)  # a request loads the grants afresh
            return selectors.dashboard_for(actor=admin, region_code=code, period=period)

        return run

    reads = {}
    for level, region in levels.items():
        for kind, period in periods.items():
            measured = measure(call(region.code, period), repetitions=REPETITIONS, warmup=10)
            board = measured["_result"]
            reads[f"{level}/{kind}"] = {
                "region": region.code,
                "region_name": region.name,
                "period": period.label,
                **public(measured),
                "children": len(board.children),
            }
            say(
                f"dashboard_for {level:7s} {period.label:8s} p50 {measured['p50']} ms  p95 {measured['p95']} ms  "
                f"p99 {measured['p99']} ms  {measured['queries']} queries  other load {measured['other_load_cores']}"
            )

    # The console page, through the whole middleware stack, as the county admin (two-factor
    # verified session), in-process with Django's test client.
    page = {}
    try:
        page_url = reverse("console:dashboard")
    except NoReverseMatch:
        page_url = None
    if page_url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client = Client()
        client.force_login(admin)
        device = TOTPDevice.objects.create(user=admin, name="bench", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        for level, region in levels.items():
            for kind in ("month", "year"):
                url = f"{page_url}?region={region.code}&period={periods[kind].label}"
                statuses = []

                def get(url=url, statuses=statuses):
                    response = client.get(url, SERVER_NAME="127.0.0.1")
                    statuses.append(response.status_code)
                    return response

                measured = measure(get, repetitions=max(REPETITIONS // 3, 20), warmup=5)
                page[f"{level}/{kind}"] = {"url": url, **public(measured), "statuses": sorted(set(statuses))}
                say(f"GET {url}: p50 {measured['p50']} ms  p95 {measured['p95']} ms  {measured['queries']} queries")
    else:
        say("no /console/dashboard/ page in this tree: page timing skipped")

    # What the rollups save: the county's year dashboard straight from the raw tables.
    year = periods["year"]
    raw_runs = [raw_dashboard(year, county.path) for _ in range(RAW_REPETITIONS + 1)][1:]  # first run warms up
    raw_total = [sum(r["seconds"].values()) for r in raw_runs]
    raw = {
        **summary_ms(raw_total),
        "queries": len(RAW_QUERIES),
        "by_query_ms": {
            name: round(min(r["seconds"][name] for r in raw_runs) * 1000, 1) for name in raw_runs[0]["seconds"]
        },
        "figures": {k: str(v) for k, v in raw_runs[-1]["figures"].items()},
    }
    rollup_read = reads["county/year"]
    raw["ratio_raw_to_rollup_p50"] = round(raw["p50"] / rollup_read["p50"], 1) if rollup_read["p50"] else None
    board = selectors.dashboard_for(actor=admin, region_code=county.code, period=year)
    agree = {}
    for name, value in raw_runs[-1]["figures"].items():
        mine = getattr(board.figures, name)
        agree[name] = {"raw": str(value), "rollup": str(mine), "equal": Decimal(value) == Decimal(mine)}
    raw["agreement_with_rollups"] = agree
    say(f"raw county-year dashboard: p50 {raw['p50']} ms over {raw['n']} runs ({raw['ratio_raw_to_rollup_p50']}×)")

    report = {
        "finished_at": now_utc(),
        "elapsed_s": round(time.monotonic() - started),
        "quick": QUICK,
        "machine": machine_facts(),
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
        "debug": settings.DEBUG,
        "scale": {"learners": LEARNERS, "activities": ACTIVITIES, "learning_records": RECORDS},
        "migrate_s": round(migrate_s, 1),
        "seed": seeded,
        "consistency": checks,
        "periods": {k: p.label for k, p in periods.items()},
        "other_load_cores_before_measuring": quiet,
        "rollups_build": builds,
        "rollups_build_trend_months": {"months": len(trend_months), "seconds": round(trend_s, 1)},
        "rollup_rows": {
            "learner": sql_one("SELECT count(*) FROM dashboards_learnerrollup"),
            "activity": sql_one("SELECT count(*) FROM dashboards_activityrollup"),
        },
        "repetitions": REPETITIONS,
        "dashboard_for": reads,
        "console_page": page,
        "raw_county_year": raw,
        "target_p95_ms": TARGET_P95_MS,
    }
    write_results("dashboard", report, markdown(report))


def markdown(r: dict) -> str:
    m, s, c = r["machine"], r["seed"], r["seed"]["counts"]
    worst = max(v["p95"] for v in r["dashboard_for"].values())
    lines = [
        "# Dashboards at county scale — bench results",
        "",
        f"Run {r['finished_at']} · {r['elapsed_s']} s · `make bench-dashboard` (bench/README.md)."
        + (" **Quick smoke run (BENCH_QUICK=1): a small county, figures are rough.**" if r["quick"] else ""),
        "",
        machine_line(m) + " The bench, Django and PostgreSQL share the machine.",
        "",
        "## Target",
        "",
        "| target | measured | met |",
        "| --- | ---: | :---: |",
        f"| dashboards p95 < {r['target_p95_ms']} ms at county scale (worst of the 9 dashboard queries) "
        f"| {worst} ms | {'yes' if worst < r['target_p95_ms'] else '**no**'} |",
        "",
        "## Data",
        "",
        f"{c['users']:,} accounts ({r['scale']['learners']:,} learners over {c['villages']} villages and communities "
        f"in proportion to population; county population {c['population']:,}), {c['institutions']} institutions, "
        f"activities {_counts(c['activities'])}, {c['sessions']:,} sessions, registrations "
        f"{_counts(c['registrations'])} ({c['moved_up_from_waitlist']:,} confirmed from the waitlist), "
        f"{c['attendances']:,} check-ins, **{c['learning_records_total']:,} learning "
        f"records** ({_counts(c['learning_records'])}; {c['reversals']:,} of them reversals) dated "
        f"{c['learning_records_span'][0]} … {c['learning_records_span'][1]}, {c['passport_balances']:,} passport "
        f"balances (equal to the ledger). Sizes: {_counts(c['table_sizes'])}.",
        "",
        f"Seed: {s['seconds']} s (migrate {r['migrate_s']} s before it): "
        + "; ".join(f"{k} {v} s" for k, v in s["steps_s"].items())
        + ". Consistency checks (each must be 0): "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in r["consistency"].items())
        + ".",
        "",
        "## Building the rollups (the task worker's cost)",
        "",
        "| period | first build s | rebuild s | rows |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {b['period']} ({kind}) | {b['first_s']} | {b['again_s']} | {b['rows']} |"
        for kind, b in r["rollups_build"].items()
    ]
    t = r["rollups_build_trend_months"]
    lines += [
        "",
        f"The {t['months']} other months the trends read took {t['seconds']} s to build in all. Rollup rows: "
        f"{r['rollup_rows']['learner']:,} learner, {r['rollup_rows']['activity']:,} activity.",
        "",
        f"## Reading a dashboard: `selectors.dashboard_for` (county admin, {r['repetitions']} calls each, in-process)",
        "",
        "| level | region | period | p50 ms | p95 ms | p99 ms | SQL statements | SQL ms (one call) | other load |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, v in r["dashboard_for"].items():
        level = key.split("/")[0]
        lines.append(
            f"| {level} | {v['region']} {v['region_name']} | {v['period']} | {v['p50']} | **{v['p95']}** | "
            f"{v['p99']} | {v['queries']} | {v['sql_ms']} | {v['other_load_cores']} |"
        )
    county_year = r["dashboard_for"]["county/year"]
    lines += [
        "",
        "The statements of one county/year call and their time as Django measures it (ms): "
        + ", ".join(f"{label} {ms}" for label, ms in county_year["statement_ms"])
        + ".",
    ]
    busiest = max(v["other_load_cores"] for v in r["dashboard_for"].values())
    lines += [
        "",
        "Other load = cores kept busy by anything but the bench and its PostgreSQL backend while the calls ran "
        f"(before measuring: {r['other_load_cores_before_measuring']}; busiest: {busiest})"
        + (" — **other work competed with the bench; its tail figures are inflated.**" if busiest > 0.3 else "."),
    ]
    if r["console_page"]:
        lines += [
            "",
            "## The page: GET /console/dashboard/ (test client, whole middleware stack, rendered HTML)",
            "",
            "| dashboard | p50 ms | p95 ms | p99 ms | SQL statements | status | other load |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        lines += [
            f"| {k} | {v['p50']} | **{v['p95']}** | {v['p99']} | {v['queries']} | {v['statuses']} | "
            f"{v['other_load_cores']} |"
            for k, v in r["console_page"].items()
        ]
    else:
        lines += ["", "The console page /console/dashboard/ was not in this tree; its timing was skipped."]
    raw = r["raw_county_year"]
    lines += [
        "",
        "## What the rollups save: the county's year dashboard from the raw tables",
        "",
        f"The same figures (headline, by town, by category, by audience, unmet demand, the 12-month trend), "
        f"by the definitions of `lifelong/dashboards/services.py`, computed at request time straight from "
        f"accounts, sessions, registrations, check-ins and the ledger in {raw['queries']} SQL statements: "
        f"**p50 {raw['p50']} ms** (runs {raw['n']}, after one warm-up; max {raw['max']} ms), against "
        f"{r['dashboard_for']['county/year']['p50']} ms for `dashboard_for` on the rollups: "
        f"**{raw['ratio_raw_to_rollup_p50']}× slower** in the same run.",
        "",
        "| raw statement | ms (best run) |",
        "| --- | ---: |",
    ]
    lines += [f"| {k} | {v} |" for k, v in raw["by_query_ms"].items()]
    lines += [
        "",
        "Headline figures, raw tables against rollups (county, year):",
        "",
        "| figure | raw | rollup | equal |",
        "| --- | ---: | ---: | :---: |",
    ]
    lines += [
        f"| {k} | {v['raw']} | {v['rollup']} | {'yes' if v['equal'] else '**no**'} |"
        for k, v in raw["agreement_with_rollups"].items()
    ]
    return "\n".join(lines) + "\n"


def _counts(d: dict) -> str:
    return ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in d.items())


if __name__ == "__main__":
    main()
