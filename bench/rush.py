"""`make bench`: the Lifelong Learning Week registration rush, measured on PostgreSQL.

Creates the bench database, migrates and seeds it (bench/seed.py), serves the app with
gunicorn and the production settings (bench/settings.py) on a free port of 127.0.0.1, drives
it with wrk (closed loop) and bench/loadgen.py (open loop, fixed rate), profiles the
registration path in-process (bench/profile.py), checks the database for overbooking,
duplicates, FIFO violations and counter drift, and writes bench/results/rush.json and
rush.md (overwritten each run). See bench/README.md.

The task worker (db_worker) does not run during the load: each registration's notice is
enqueued as a task row (that write is part of what is measured) and left queued.

Knobs (environment): BENCH_WORKER_CLASS (sync), BENCH_WORKERS (4), BENCH_THREADS (1),
BENCH_CONNECTIONS (wrk connections; 2 per worker thread), BENCH_QUICK=1 (short phases, for a
smoke run), BENCH_PREFILL=0 (no pre-filled seats), BENCH_DB (lifelong_bench).
"""

import asyncio
import json
import math
import os
import platform
import re
import resource
import secrets
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
TMP = RESULTS / "tmp"
HOST = "127.0.0.1"
DB_NAME = os.environ.get("BENCH_DB", "lifelong_bench")
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DB_NAME):
    raise SystemExit("BENCH_DB must be a plain lower-case name")
DATABASE_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"

WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
# Two per worker thread: each has one request in progress and one waiting, and no more
# queueing than that (more connections only add waiting time to every latency).
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", str(2 * WORKERS * THREADS)))
QUICK = os.environ.get("BENCH_QUICK") == "1"
PREFILL = os.environ.get("BENCH_PREFILL", "1") != "0"
WRK_THREADS = 2

# Seconds per phase.
DURATIONS = {"warmup": 3, "ping": 10, "bare": 10, "bare_hot": 8, "full": 10, "rush": 20, "fixed": 20, "hot": 15}
if QUICK:
    DURATIONS = dict.fromkeys(DURATIONS, 3)

# The targets of the Learning Week (DESIGN), and how each is read off this run.
TARGET_RATE = 500
TARGET_RATIO_TO_BARE = 0.5
TARGET_HOT_RATE = 400
TARGET_P99_MS = 100
TARGET_FULL_TO_PING = 1.5  # "as cheap as a ping": within 1.5x of a ping's server CPU

CLK = os.sysconf("SC_CLK_TCK")
IDLE_LOAD = [0.0]  # cores busy with other work before the run, measured at its start
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "SECRET_KEY": secrets.token_urlsafe(48),
    "DATABASE_URL": DATABASE_URL,
    "PYTHONPATH": str(ROOT),
    "WEB_CONCURRENCY": str(WORKERS),
    "WEB_THREADS": str(THREADS),
}
ENV.pop("LIFELONG_DEMO", None)
ENV.pop("ACCESS_LOG", None)


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=ENV, check=True, **kwargs)  # noqa: S603 - fixed commands


# --- Processes and their CPU time ---------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def cpu_seconds(pids: list[int], *, reaped: list[int] = ()) -> float:
    """CPU time (user + system) of `pids`, plus that of the exited children that the `reaped`
    processes have waited for (a gunicorn worker or a PostgreSQL backend that ended)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
    for pid in reaped:
        fields = _stat(pid)
        if fields:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / CLK


def machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine have used (busy time of every core) so far."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLK


def other_load_cores(seconds: float = 2.0) -> float:
    """How many cores something else keeps busy while the bench is idle."""
    before = machine_busy_seconds() - cpu_seconds([os.getpid()])
    time.sleep(seconds)
    return round((machine_busy_seconds() - cpu_seconds([os.getpid()]) - before) / seconds, 2)


def gunicorn_workers(master: int) -> list[int]:
    return [pid for pid in _pids() if (fields := _stat(pid)) and int(fields[1]) == master]


def postgres_processes() -> tuple[list[int], int | None]:
    """The server's own processes and the backends of the bench database, and the postmaster.
    Backends of other databases (someone else's tests) are left out."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s OR backend_type <> 'client backend'", [DB_NAME]
        )
        pids = [row[0] for row in cursor.fetchall()]
    postmaster = None
    if pids and (fields := _stat(pids[0])):
        postmaster = int(fields[1])
    return pids, postmaster


class Server:
    """gunicorn with the bench settings on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"
        self.log = (TMP / "gunicorn.log").open("w")
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--config",
            "config/gunicorn.py",
            "--bind",
            f"{HOST}:{self.port}",
            "--worker-class",
            WORKER_CLASS,
        ]
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=self.log, stderr=subprocess.STDOUT)  # noqa: S603
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{self.url}/bench/ping", timeout=2) as answer:  # noqa: S310 - loopback
                    if answer.status == 200 and len(gunicorn_workers(self.process.pid)) >= WORKERS:
                        break
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {TMP / 'gunicorn.log'}")
            time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not answer in 20 s")
        # Every worker has loaded the app: no phase pays for an import.
        self.workers = gunicorn_workers(self.process.pid)

    def cpu(self) -> float:
        """CPU seconds used so far by gunicorn (master and workers) and PostgreSQL (its own
        processes and the bench database's backends)."""
        backends, postmaster = postgres_processes()
        workers = gunicorn_workers(self.process.pid)
        reaped = [self.process.pid, *([postmaster] if postmaster else [])]
        return cpu_seconds([*reaped, *workers, *backends], reaped=reaped)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# --- Phases -----------------------------------------------------------------------------------


def _ms(microseconds: float) -> float:
    return round(microseconds / 1000, 2)


def accepted_of(answers: dict[str, int]) -> int:
    return sum(v for k, v in answers.items() if k.startswith("201:"))


def wrk_phase(server: Server, name: str, list_name: str, duration: int) -> dict:
    out = TMP / f"wrk_{name}.json"
    out.unlink(missing_ok=True)
    cmd = [
        "wrk",
        "-t",
        str(WRK_THREADS),
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk" / "requests.lua"),
        server.url,
        "--",
        str(TMP / f"{list_name}.txt"),
        str(WRK_THREADS),
    ]
    busy_before = machine_busy_seconds()
    cpu_before, client_before = server.cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with (TMP / f"wrk_{name}.txt").open("w") as text:
        subprocess.run(cmd, env={**ENV, "WRK_OUT": str(out)}, check=True, stdout=text, stderr=subprocess.STDOUT)  # noqa: S603
    cpu_after, client_after = server.cpu(), resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_after = machine_busy_seconds()
    client_cpu = client_after.ru_utime + client_after.ru_stime - client_before.ru_utime - client_before.ru_stime
    data = json.loads(out.read_text())
    seconds = data["duration_us"] / 1e6
    requests = data["requests"]
    answers = dict(sorted(data["answers"].items(), key=lambda kv: -kv[1]))
    accepted = accepted_of(answers)
    pct = data["latency_us"]["percentiles"]
    result = {
        "tool": "wrk (closed loop)",
        "list": list_name,
        "connections": CONNECTIONS,
        "seconds": round(seconds, 2),
        "requests": requests,
        "requests_per_s": round(requests / seconds, 1),
        "answers": answers,
        "accepted_per_s": round(accepted / seconds, 1),
        "confirmed_per_s": round(answers.get("201:confirmed", 0) / seconds, 1),
        "latency_ms": {
            "p50": _ms(pct["50"]),
            "p75": _ms(pct["75"]),
            "p90": _ms(pct["90"]),
            "p99": _ms(pct["99"]),
            "p99.9": _ms(pct["99.9"]),
            "max": _ms(data["latency_us"]["max"]),
            "mean": _ms(data["latency_us"]["mean"]),
        },
        "socket_errors": {k: v for k, v in data["errors"].items() if k != "status" and v},
        "server_errors": sum(v for k, v in answers.items() if k.startswith("5")),
        "list_wrapped": data["wraps"] > 0,
        "server_cpu_ms_per_request": round((cpu_after - cpu_before) * 1000 / max(requests, 1), 3),
        "server_cpu_share_of_2_cores": round((cpu_after - cpu_before) / seconds / (os.cpu_count() or 1), 2),
        "client_cpu_s": round(client_cpu, 2),
        # Cores kept busy by anything but the app, its database and the load generator.
        "other_load_cores": round(
            max(0.0, busy_after - busy_before - (cpu_after - cpu_before) - client_cpu) / seconds, 2
        ),
    }
    say(
        f"{name:9s} {result['requests_per_s']:8.1f} req/s  accepted {result['accepted_per_s']:7.1f}/s  "
        f"p50 {result['latency_ms']['p50']} ms  p99 {result['latency_ms']['p99']} ms  "
        f"cpu {result['server_cpu_ms_per_request']} ms/req  other load {result['other_load_cores']} cores  {answers}"
    )
    return result


def activity_of(line: str) -> int:
    return int(line.split()[1].split("/")[4])


def observed_fifo_violations(results: list, lines: list[str]) -> int:
    """Client-observed FIFO: if A's answer arrived before B was sent (same activity), B must
    not get a seat while A waits, nor an earlier waitlist place than A."""
    by_activity = defaultdict(list)
    for r in results:
        if r.status == 201:
            by_activity[activity_of(lines[r.index])].append(r)
    violations = 0
    for rows in by_activity.values():
        finished = sorted(rows, key=lambda r: r.done)
        j, any_waitlisted, last_place = 0, False, -1
        for b in sorted(rows, key=lambda r: r.sent):
            while j < len(finished) and finished[j].done < b.sent:
                a = finished[j]
                if a.kind == "waitlisted":
                    any_waitlisted = True
                    last_place = max(last_place, a.waitlist_position or 0)
                j += 1
            if (b.kind == "confirmed" and any_waitlisted) or (
                b.kind == "waitlisted" and (b.waitlist_position or 0) <= last_place
            ):
                violations += 1
    return violations


def fixed_rate_phase(server: Server, rate: float, duration: int) -> dict:
    from bench.loadgen import open_loop, percentile

    lines = [line for line in (TMP / "rush_b.txt").read_text().split("\n") if line]
    busy_before, cpu_before = machine_busy_seconds(), server.cpu()
    results, stats = asyncio.run(open_loop(HOST, server.port, lines, rate=rate, duration=duration))
    cpu_after, busy_after = server.cpu(), machine_busy_seconds()
    answers = Counter(f"{r.status}:{r.kind}" if r.status else f"error:{r.error}" for r in results)
    answers = dict(answers.most_common())
    from_due = [(r.done - r.due) * 1000 for r in results if r.status]
    from_sent = [(r.done - r.sent) * 1000 for r in results if r.status]
    seconds = stats["elapsed_s"]
    result = {
        "tool": "bench/loadgen.py (open loop, fixed rate; latency from when each request was due)",
        "list": "rush_b",
        "offered_rate_per_s": round(rate, 1),
        "scheduled": stats["scheduled"],
        "seconds": round(seconds, 2),
        "requests": len(results),
        "requests_per_s": round(len(results) / seconds, 1),
        "answers": answers,
        "accepted_per_s": round(accepted_of(answers) / seconds, 1),
        "latency_ms": {p: round(percentile(from_due, float(p[1:])), 2) for p in ("p50", "p75", "p90", "p99", "p99.9")}
        | {"max": round(max(from_due, default=float("nan")), 2)},
        "service_latency_ms": {p: round(percentile(from_sent, float(p[1:])), 2) for p in ("p50", "p99")},
        "late_starts": sum(1 for r in results if r.sent - r.due > 0.005),
        "server_errors": sum(v for k, v in answers.items() if k.startswith(("5", "error"))),
        "server_cpu_ms_per_request": round((cpu_after - cpu_before) * 1000 / max(len(results), 1), 3),
        "client_cpu_s": round(stats["client_cpu_s"], 2),
        "other_load_cores": round(
            max(0.0, busy_after - busy_before - (cpu_after - cpu_before) - stats["client_cpu_s"]) / seconds, 2
        ),
        "observed_fifo_violations": observed_fifo_violations(results, lines),
    }
    say(
        f"fixed     offered {rate:.1f}/s, got {result['requests_per_s']}/s  p50 {result['latency_ms']['p50']} ms  "
        f"p99 {result['latency_ms']['p99']} ms  other load {result['other_load_cores']} cores  {answers}"
    )
    return result


# --- Database --------------------------------------------------------------------------------------


def database_recreate() -> None:
    import psycopg

    with psycopg.connect(host=HOST, port=5432, user="postgres", dbname="test", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def earlier_pool(plan: dict):
    from lifelong.accounts.models import User

    first, last = plan["earlier_learner_ids"]
    yield from User.objects.filter(pk__gte=first, pk__lte=last).order_by("pk").values_list("pk", flat=True)


def prefill(targets: dict[int, int], pool) -> int:
    """Give seats to learners who registered before the measured window, so that each
    activity in `targets` has exactly that many seats left (never fewer than it has)."""
    from django.db import transaction
    from django.db.models import F

    from lifelong.activities.models import Activity, Registration

    filled = 0
    with transaction.atomic():
        rows = []
        for activity in Activity.objects.select_for_update().filter(pk__in=list(targets)).order_by("pk"):
            n = activity.capacity - activity.seats_taken - targets[activity.pk]
            if n <= 0:
                continue
            learners = [next(pool) for _ in range(n)]
            rows += [
                Registration(
                    activity=activity, learner_id=pk, status="confirmed", channel="online", registered_by_id=pk
                )
                for pk in learners
            ]
            Activity.objects.filter(pk=activity.pk).update(
                seats_taken=F("seats_taken") + n, seats_taken_online=F("seats_taken_online") + n
            )
            filled += n
        Registration.objects.bulk_create(rows, batch_size=5000)
    return filled


def reset_bare(plan: dict) -> int:
    from django.db.models import Sum

    from lifelong.activities.models import Activity

    bare = Activity.objects.filter(pk__in=[*plan["bare_activity_ids"], plan["bare_hot_activity_id"]])
    taken = bare.aggregate(n=Sum("seats_taken"))["n"] or 0
    bare.update(seats_taken=0, seats_taken_online=0)
    return taken


CHECKS = {
    "overbooked_activities": """
        SELECT count(*) FROM activities_activity a
        WHERE a.seats_taken > a.capacity
           OR a.seats_taken_online > a.capacity - a.reserved_offline
           OR (SELECT count(*) FROM activities_registration r
               WHERE r.activity_id = a.id AND r.status IN ('confirmed', 'offered')) > a.capacity""",
    "duplicate_active_registrations": """
        SELECT coalesce(sum(n - 1), 0) FROM (
            SELECT count(*) AS n FROM activities_registration
            WHERE status IN ('pending', 'confirmed', 'waitlisted', 'offered')
            GROUP BY activity_id, learner_id HAVING count(*) > 1) d""",
    # Waitlist places must follow the order the registrations were written in (ids), without
    # repeats; and nobody may get a seat after someone was already put on the waitlist.
    "fifo_order_violations": """
        SELECT count(*) FROM (
            SELECT waitlist_position,
                   lag(waitlist_position) OVER (PARTITION BY activity_id ORDER BY id) AS previous
            FROM activities_registration WHERE status = 'waitlisted') w
        WHERE previous IS NOT NULL AND waitlist_position <= previous""",
    "fifo_queue_jumps": """
        SELECT count(*) FROM activities_registration c
        WHERE c.status = 'confirmed' AND EXISTS (
            SELECT 1 FROM activities_registration w
            WHERE w.activity_id = c.activity_id AND w.status = 'waitlisted' AND w.id < c.id)""",
    "counter_drift_activities": """
        SELECT count(*) FROM activities_activity a
        LEFT JOIN (
            SELECT activity_id,
                   count(*) FILTER (WHERE status IN ('confirmed', 'offered')) AS held,
                   count(*) FILTER (WHERE status IN ('confirmed', 'offered') AND (channel = 'online' OR by_family))
                       AS held_online
            FROM activities_registration GROUP BY activity_id) r ON r.activity_id = a.id
        WHERE a.seats_taken <> coalesce(r.held, 0) OR a.seats_taken_online <> coalesce(r.held_online, 0)""",
    # No cancellations happen in the bench, so the last place handed out is the waitlist's length.
    "waitlist_counter_drift_activities": """
        SELECT count(*) FROM activities_activity a
        WHERE a.waitlist_last_position <> (
            SELECT count(*) FROM activities_registration r WHERE r.activity_id = a.id AND r.status = 'waitlisted')""",
    "learners_over_campaign_cap": """
        SELECT count(*) FROM (
            SELECT r.learner_id FROM activities_registration r
            JOIN activities_activity a ON a.id = r.activity_id
            JOIN campaigns_campaign c ON c.id = a.campaign_id
            WHERE r.status IN ('pending', 'confirmed', 'waitlisted', 'offered') AND c.registration_cap IS NOT NULL
            GROUP BY r.learner_id, c.id, c.registration_cap HAVING count(*) > c.registration_cap) o""",
}


def correctness(plan: dict, phases: dict, profile: dict, prefilled: int) -> dict:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from lifelong.activities.models import Registration

    counts = {}
    with connection.cursor() as cursor:
        for name, sql in CHECKS.items():
            cursor.execute(sql)
            counts[name] = int(cursor.fetchone()[0])
    counts["fifo_violations"] = (
        counts["fifo_order_violations"] + counts["fifo_queue_jumps"] + phases["fixed"]["observed_fifo_violations"]
    )
    answered = Counter()
    for phase in phases.values():
        if isinstance(phase, dict) and "answers" in phase:
            answered.update(phase["answers"])
    for part in profile.values():  # the in-process profile registers too
        if isinstance(part, dict) and "answers" in part:
            answered.update(part["answers"])
            answered.update(part["warmup_answers"])
    created = Registration.objects.count() - prefilled - plan["seeded_registrations"]
    by_status = Counter(Registration.objects.exclude(learner__phone__startswith="136").values_list("status", flat=True))
    accepted = accepted_of(answered)
    agreement = {
        "answers_201": accepted,
        "registrations_written": created,
        "confirmed_answers_vs_rows": [answered["201:confirmed"], by_status["confirmed"]],
        "waitlisted_answers_vs_rows": [answered["201:waitlisted"], by_status["waitlisted"]],
        "notice_tasks_queued": DBTaskResult.objects.count(),
        "server_errors": sum(p.get("server_errors", 0) for p in phases.values() if isinstance(p, dict)),
        "socket_errors": sum(sum(p.get("socket_errors", {}).values()) for p in phases.values() if isinstance(p, dict)),
    }
    # wrk stops with up to one request per connection in flight: the server may still write
    # those registrations, which then have no counted answer.
    agreement["written_without_counted_answer"] = created - accepted
    agreement["answers_match_rows"] = 0 <= created - accepted <= CONNECTIONS * 2
    agreement["one_task_per_registration"] = agreement["notice_tasks_queued"] == created
    return {"counts": counts, "agreement": agreement}


# --- Machine and report ------------------------------------------------------------------------


def machine_facts() -> dict:
    import django
    import gunicorn
    import psycopg
    from django.db import connection

    cpu_model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        "0",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "synchronous_commit", "fsync", "max_connections", "work_mem"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(" [")[0]  # noqa: S607
    config_args = sysconfig.get_config_var("CONFIG_ARGS") or ""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
        return done.stdout.strip() if done.returncode == 0 else "?"

    return {
        "app_commit": git("rev-parse", "--short", "HEAD"),
        "app_uncommitted_changes": bool(git("status", "--porcelain", "--", "lifelong", "config")),
        "cores": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "postgresql": pg_version,
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "python_optimized_build": "--enable-optimizations" in config_args,
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "psycopg": psycopg.__version__,
        "wrk": wrk_version.strip(),
        "gunicorn_worker_class": WORKER_CLASS,
        "gunicorn_workers": WORKERS,
        "gunicorn_threads": THREADS,
        "wrk_connections": CONNECTIONS,
        "wrk_threads": WRK_THREADS,
        "load_generator_on_same_machine": True,
        "other_load_cores_before_run": IDLE_LOAD[0],
        "task_worker_during_load": False,
    }


def verdict(measured: float, target: float, *, below: bool = False) -> bool:
    if math.isnan(measured):
        return False
    return measured < target if below else measured >= target


def summarize(phases: dict, checks: dict, profile: dict) -> dict:
    rush, bare, hot, fixed = phases["rush"], phases["bare"], phases["hot"], phases["fixed"]
    ping, full = phases["ping"], phases["full"]
    ratio_to_bare = rush["accepted_per_s"] / bare["requests_per_s"] if bare["requests_per_s"] else float("nan")
    full_cost = full["server_cpu_ms_per_request"] / ping["server_cpu_ms_per_request"]
    counts = checks["counts"]
    figures = {
        "accepted_registrations_per_s": rush["accepted_per_s"],
        "confirmed_registrations_per_s": rush["confirmed_per_s"],
        "rush_requests_per_s": rush["requests_per_s"],
        "rush_latency_p50_ms": rush["latency_ms"]["p50"],
        "rush_latency_p99_ms": rush["latency_ms"]["p99"],
        "bare_take_seat_per_s": bare["requests_per_s"],
        "ratio_to_bare_take_seat": round(ratio_to_bare, 3),
        "bare_take_seat_hot_row_per_s": phases["bare_hot"]["requests_per_s"],
        "hot_activity_accepted_per_s": hot["accepted_per_s"],
        "hot_activity_latency_p50_ms": hot["latency_ms"]["p50"],
        "hot_activity_latency_p99_ms": hot["latency_ms"]["p99"],
        "half_max_offered_rate_per_s": fixed["offered_rate_per_s"],
        "half_max_latency_p50_ms": fixed["latency_ms"]["p50"],
        "half_max_latency_p99_ms": fixed["latency_ms"]["p99"],
        "ping_per_s": ping["requests_per_s"],
        "full_activity_per_s": full["requests_per_s"],
        "ping_server_cpu_ms": ping["server_cpu_ms_per_request"],
        "full_activity_server_cpu_ms": full["server_cpu_ms_per_request"],
        "full_activity_cost_to_ping": round(full_cost, 2),
        "full_activity_throughput_ratio_ping_to_full": round(ping["requests_per_s"] / full["requests_per_s"], 2),
        "full_activity_p50_to_ping_p50": round(full["latency_ms"]["p50"] / ping["latency_ms"]["p50"], 2),
        "queries_per_new_registration": profile.get("registration_new", {}).get("queries_per_request"),
        "queries_per_full_activity_answer": profile.get("full_activity", {}).get("queries_per_request"),
        "overbooked_activities": counts["overbooked_activities"],
        "duplicate_active_registrations": counts["duplicate_active_registrations"],
        "fifo_violations": counts["fifo_violations"],
        "counter_drift_activities": counts["counter_drift_activities"],
    }
    zero = ("overbooked_activities", "duplicate_active_registrations", "fifo_violations", "counter_drift_activities")
    targets = [
        ("accepted registrations/s ≥ 500", rush["accepted_per_s"], verdict(rush["accepted_per_s"], TARGET_RATE)),
        ("≥ 0.5 × bare take-seat", round(ratio_to_bare, 3), verdict(ratio_to_bare, TARGET_RATIO_TO_BARE)),
        ("single hot activity ≥ 400/s", hot["accepted_per_s"], verdict(hot["accepted_per_s"], TARGET_HOT_RATE)),
        (
            "p99 < 100 ms at half the maximum rate",
            fixed["latency_ms"]["p99"],
            verdict(fixed["latency_ms"]["p99"], TARGET_P99_MS, below=True),
        ),
        *[(f"{name.replace('_', ' ')} = 0", counts[name], counts[name] == 0) for name in zero],
        (
            "full activity as cheap as a ping (server CPU ratio ≤ 1.5)",
            round(full_cost, 2),
            verdict(full_cost, TARGET_FULL_TO_PING, below=True) or full_cost == TARGET_FULL_TO_PING,
        ),
    ]
    return {
        "figures": figures,
        "targets": [{"target": t, "measured": m, "met": bool(ok)} for t, m, ok in targets],
    }


def markdown(report: dict) -> str:
    f, m, phases = report["figures"], report["machine"], report["phases"]
    lines = [
        "# Learning Week registration rush — bench results",
        "",
        f"Run {report['finished_at']} · {report['elapsed_s']} s · `make bench` (bench/README.md says what and how)."
        + (" **Quick smoke run (BENCH_QUICK=1): short phases, figures are rough.**" if report["quick"] else ""),
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gib']} GiB, PostgreSQL {m['postgresql']} "
        f"(synchronous_commit={m['postgresql_settings']['synchronous_commit']}, "
        f"shared_buffers={m['postgresql_settings']['shared_buffers']}), Python {m['python']}"
        f"{'' if m['python_optimized_build'] else ' (built without PGO/LTO)'}, Django {m['django']}, "
        f"gunicorn {m['gunicorn']} — {m['gunicorn_workers']} {m['gunicorn_worker_class']} worker(s) × "
        f"{m['gunicorn_threads']} thread(s); {m['wrk']}, {m['wrk_connections']} connections; "
        "load generator, app and database on the same machine; task worker not running. "
        f"App at commit {m['app_commit']}"
        + (" with uncommitted changes under lifelong/ or config/." if m["app_uncommitted_changes"] else "."),
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "| --- | ---: | :---: |",
    ]
    lines += [f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |" for t in report["targets"]]
    lines += [
        "",
        "## Figures",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| accepted registrations/s (rush, 201 confirmed or waitlisted) | {f['accepted_registrations_per_s']} |",
        f"| of which confirmed/s | {f['confirmed_registrations_per_s']} |",
        f"| rush latency p50 / p99 (closed loop, {m['wrk_connections']} connections) | "
        f"{f['rush_latency_p50_ms']} / {f['rush_latency_p99_ms']} ms |",
        f"| bare take-seat/s (same run) | {f['bare_take_seat_per_s']} |",
        f"| ratio rush accepted / bare take-seat | {f['ratio_to_bare_take_seat']} |",
        f"| bare take-seat on one hot row/s | {f['bare_take_seat_hot_row_per_s']} |",
        f"| single hot activity accepted/s | {f['hot_activity_accepted_per_s']} |",
        f"| hot activity latency p50 / p99 | {f['hot_activity_latency_p50_ms']} / "
        f"{f['hot_activity_latency_p99_ms']} ms |",
        f"| half max rate: offered requests/s | {f['half_max_offered_rate_per_s']} |",
        f"| half max rate: latency p50 / p99 (from when due) | "
        f"{f['half_max_latency_p50_ms']} / {f['half_max_latency_p99_ms']} ms |",
        f"| ping/s · full-activity answers/s | {f['ping_per_s']} · {f['full_activity_per_s']} |",
        f"| server CPU per request: ping · full activity | "
        f"{f['ping_server_cpu_ms']} · {f['full_activity_server_cpu_ms']} ms |",
        f"| cost of a full activity / a ping (server CPU) | {f['full_activity_cost_to_ping']} |",
        f"| … by throughput · by p50 latency | {f['full_activity_throughput_ratio_ping_to_full']} · "
        f"{f['full_activity_p50_to_ping_p50']} |",
        f"| SQL statements per new registration · per full-activity answer | "
        f"{f['queries_per_new_registration']} · {f['queries_per_full_activity_answer']} |",
        "",
        "## Phases",
        "",
        "| phase | tool | s | requests | req/s | 201/s | p50 ms | p99 ms | server CPU ms/req | other load | answers |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, p in phases.items():
        if not isinstance(p, dict) or "answers" not in p:
            continue
        answers = ", ".join(f"{k} {v}" for k, v in p["answers"].items())
        lines.append(
            f"| {name} | {p['tool'].split(' ')[0]} | {p['seconds']} | {p['requests']} | {p['requests_per_s']} | "
            f"{p['accepted_per_s']} | {p['latency_ms']['p50']} | {p['latency_ms']['p99']} | "
            f"{p['server_cpu_ms_per_request']} | {p['other_load_cores']} | {answers} |"
        )
    c, a = report["correctness"]["counts"], report["correctness"]["agreement"]
    busiest = max((p.get("other_load_cores", 0) for p in phases.values() if isinstance(p, dict)), default=0)
    lines += [
        "",
        "Server CPU = gunicorn (master and workers) + PostgreSQL (its processes and the bench database's "
        "backends), per request. Other load = cores kept busy by anything else on the machine "
        f"(before the run: {m['other_load_cores_before_run']}; busiest phase: {busiest})"
        + (" — **other work competed with the bench; rerun on a quiet machine.**" if busiest > 0.2 else "."),
        "",
        f"Seats pre-filled before the rush (earlier registrants): {phases['prefill']['rush_seats']} of "
        f"{report['seed']['rush_seats']} on the 300 rush activities, {phases['prefill']['hot_seats']} of "
        f"{report['seed']['hot_capacity']} on the hot one (so the run crosses each activity's capacity).",
        "",
        "## Correctness",
        "",
        "| check | count |",
        "| --- | ---: |",
    ]
    lines += [f"| {k.replace('_', ' ')} | {v} |" for k, v in c.items()]
    lines += [
        "",
        f"201 answers {a['answers_201']} · registrations written {a['registrations_written']} · "
        f"confirmed answers/rows {a['confirmed_answers_vs_rows']} · waitlisted answers/rows "
        f"{a['waitlisted_answers_vs_rows']} (rows written after wrk stopped counting: "
        f"{a['written_without_counted_answer']}) · notice tasks queued {a['notice_tasks_queued']} · "
        f"5xx answers {a['server_errors']} · socket errors {a['socket_errors']} · bare take-seat seats match "
        f"answers: {a.get('bare_seats_match_answers')}.",
    ]
    prof = report.get("profile", {}).get("registration_new")
    if prof:
        lines += [
            "",
            "## Where a registration's time goes (in-process, one thread)",
            "",
            f"New registration (confirmed): {prof['median_ms']} ms median, "
            f"{prof['queries_per_request']} SQL statements "
            f"({prof['sql_ms_per_request']} ms in SQL as Django times it).",
            "",
            "| stage | ms per request |",
            "| --- | ---: |",
        ]
        lines += [f"| {k} | {v} |" for k, v in prof.get("stage_ms_per_request", {}).items()]
        lines += [
            "",
            "| SQL statement | per request |",
            "| --- | ---: |",
        ]
        lines += [f"| {k} | {v} |" for k, v in prof["queries_by_kind_per_request"].items()]
        others = [
            ("ping", "ping"),
            ("bare_take_seat", "bare take-seat"),
            ("registration_waitlisted", "new registration, waitlisted (201)"),
            ("full_activity", "full activity (409 full)"),
            ("registration_repeat", "repeat (409 already_registered)"),
        ]
        lines += ["", "| request | median ms | SQL statements |", "| --- | ---: | ---: |"]
        lines += [
            f"| {label} | {report['profile'][key]['median_ms']} | {report['profile'][key]['queries_per_request']} |"
            for key, label in others
            if key in report["profile"]
        ]
    spots = report.get("profile", {}).get("hotspots")
    if spots:
        lines += [
            "",
            f"Under cProfile, {spots['requests']} new registrations (shares of the profiled time):",
            "",
            "| own time in | share |",
            "| --- | ---: |",
        ]
        lines += [f"| {k} | {v:.0%} |" for k, v in spots["own_time_by_package"].items()]
        lines += ["", "| Lifelong function (time including callees) | share | calls/request |", "| --- | ---: | ---: |"]
        lines += [
            f"| `{e['function']}` | {e['cumulative_share']:.0%} | {e['calls_per_request']} |"
            for e in spots["app_functions_by_cumulative_time"][:12]
        ]
    return "\n".join(lines) + "\n"


# --- The run ------------------------------------------------------------------------------------


def main() -> None:
    started = time.monotonic()
    TMP.mkdir(parents=True, exist_ok=True)
    for stale in [*TMP.glob("*.txt"), *TMP.glob("*.json"), *TMP.glob("*.log")]:
        stale.unlink()
    (TMP / "static").mkdir(exist_ok=True)
    idle_load = IDLE_LOAD[0] = other_load_cores()
    if idle_load > 0.2:
        say(f"warning: something else keeps {idle_load} cores busy; the figures will be lower than they should")
    say(f"database {DB_NAME}: drop, create, migrate, seed")
    database_recreate()
    run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity=0"])
    run([sys.executable, "-m", "bench.seed", str(TMP)])
    plan = json.loads((TMP / "plan.json").read_text())

    os.environ.update({k: ENV[k] for k in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    pool = earlier_pool(plan)
    phases: dict = {}
    say(f"gunicorn: {WORKERS} {WORKER_CLASS} worker(s) × {THREADS} thread(s); wrk {CONNECTIONS} connections")
    server = Server()
    try:
        wrk_phase(server, "warmup", "ping", DURATIONS["warmup"])
        wrk_phase(server, "warmup", "full", DURATIONS["warmup"])
        phases["ping"] = wrk_phase(server, "ping", "ping", DURATIONS["ping"])
        phases["bare"] = wrk_phase(server, "bare", "bare", DURATIONS["bare"])
        phases["bare_hot"] = wrk_phase(server, "bare_hot", "bare_hot", DURATIONS["bare_hot"])
        phases["bare_seats_taken"] = reset_bare(plan)
        phases["full"] = wrk_phase(server, "full", "full", DURATIONS["full"])

        # Seats left on each rush activity: about half of what the rush is expected to ask of
        # it, so that each activity fills during the run and the rest of its requests join the
        # waitlist. The rush rate is guessed from the full-activity rate (a full answer runs
        # the first part of the registration path; a registration costs more).
        estimate = 0.6 * phases["full"]["requests_per_s"]
        expected_requests = estimate * (DURATIONS["rush"] + 0.5 * DURATIONS["fixed"])
        rush_targets = {
            activity_id: max(1, math.ceil(0.5 * share * expected_requests)) if PREFILL else capacity
            for activity_id, share, capacity in zip(
                plan["rush_activity_ids"], plan["rush_demand_shares"], plan["rush_capacities"], strict=True
            )
        }
        connection.close()
        phases["prefill"] = {"rush_seats": prefill(rush_targets, pool) if PREFILL else 0}
        phases["rush"] = wrk_phase(server, "rush", "rush_a", DURATIONS["rush"])
        half = 0.5 * phases["rush"]["requests_per_s"]
        phases["fixed"] = fixed_rate_phase(server, half, DURATIONS["fixed"])

        hot_left = max(1, math.ceil(0.5 * phases["rush"]["accepted_per_s"] * DURATIONS["hot"]))
        phases["prefill"]["hot_seats"] = prefill({plan["hot_activity_id"]: hot_left}, pool) if PREFILL else 0
        phases["prefill"]["hot_seats_left"] = hot_left if PREFILL else plan["hot_capacity"]
        connection.close()
        phases["hot"] = wrk_phase(server, "hot", "hot", DURATIONS["hot"])
    finally:
        server.stop()

    say("profile: the registration path in-process")
    run([sys.executable, "-m", "bench.profile", str(TMP)])
    profile = json.loads((TMP / "profile.json").read_text())
    phases["bare_seats_taken"] += reset_bare(plan)

    say("correctness checks")
    prefilled = phases["prefill"]["rush_seats"] + phases["prefill"]["hot_seats"]
    checks = correctness(plan, phases, profile, prefilled)
    machine = machine_facts()
    bare_answers = sum(phases[p]["answers"].get("200:", 0) for p in ("bare", "bare_hot"))
    bare_profile = profile.get("bare_take_seat", {})
    for part in ("answers", "warmup_answers"):
        bare_answers += bare_profile.get(part, {}).get("200:", 0)
    checks["agreement"]["bare_seats_minus_answers"] = phases["bare_seats_taken"] - bare_answers
    checks["agreement"]["bare_seats_match_answers"] = 0 <= phases["bare_seats_taken"] - bare_answers <= CONNECTIONS * 2

    report = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "elapsed_s": round(time.monotonic() - started),
        "quick": QUICK,
        "machine": machine,
        "seed": {k: v for k, v in plan.items() if not k.endswith(("_ids", "_shares", "_capacities"))},
        **summarize(phases, checks, profile),
        "phases": phases,
        "correctness": checks,
        "profile": profile,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rush.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    text = markdown(report)
    (RESULTS / "rush.md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
