"""What the dashboard and catalogue scenarios share: their own database, Django set up in this
process against it, timing loops with query counts, gunicorn + wrk over HTTP, and the facts of
the machine. The rush scenario (rush.py) keeps its own copies; nothing here changes it."""

import json
import os
import platform
import re
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
TMP = RESULTS / "tmp"
HOST = "127.0.0.1"
QUICK = os.environ.get("BENCH_QUICK") == "1"


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def database_url(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit("a bench database name is plain lower case")
    return f"postgres://postgres@{HOST}:5432/{name}"


def environment(db_name: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url(db_name),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("LIFELONG_DEMO", None)
    env.pop("ACCESS_LOG", None)
    return env


def database_fresh(db_name: str, env: dict[str, str]) -> float:
    """Drop and create `db_name` (WITH FORCE), migrate it with the bench settings in a
    subprocess, then set Django up in this process against it. Returns the seconds taken."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(host=HOST, port=5432, user="postgres", dbname="test", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity=0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return time.monotonic() - started


def static_collect(env: dict[str, str]) -> None:
    """Production settings keep hashed static names in a manifest: collect once so that pages
    render (into bench/results/tmp/static, see bench/settings.py)."""
    subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"], cwd=ROOT, env=env, check=True
    )


# --- Other load on the machine ------------------------------------------------------------------

CLK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK


def _machine_busy() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLK


class LoadWatch:
    """Cores kept busy by anything but this process and its PostgreSQL backend while a
    measurement runs (other sessions' test suites, browsers…): the figures are only as good
    as this is small."""

    def __init__(self) -> None:
        self.backend = sql_one("SELECT pg_backend_pid()")
        self.started = time.monotonic()
        self.mine = self._mine()
        self.busy = _machine_busy()

    def _mine(self) -> float:
        return _cpu_of(os.getpid()) + _cpu_of(self.backend)

    def other_cores(self) -> float:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        other = _machine_busy() - self.busy - (self._mine() - self.mine)
        return round(max(other, 0.0) / elapsed, 2)


def other_load_now(seconds: float = 3.0) -> float:
    watch = LoadWatch()
    time.sleep(seconds)
    return watch.other_cores()


def quiet_wait(limit_s: int, *, threshold: float = 0.3) -> float:
    """Wait up to `limit_s` seconds for the rest of the machine to use less than `threshold`
    cores (checked every few seconds); return the last reading."""
    deadline = time.monotonic() + limit_s
    load = other_load_now()
    while load >= threshold and time.monotonic() < deadline:
        say(f"other work keeps {load} cores busy; waiting for a quieter machine")
        time.sleep(10)
        load = other_load_now()
    return load


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(min(rank, len(ordered))) - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "max": round(max(ms), 2),
        "mean": round(statistics.fmean(ms), 2),
    }


def measure(call: Callable[[], object], *, repetitions: int, warmup: int = 5) -> dict:
    """Call `call` `warmup` times, then count its SQL statements once (and their time as Django
    measures it), then time `repetitions` calls without the query capture (the capture itself
    costs time). Returns p50/p95/p99 in ms, queries per call and what the last call returned."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as captured:
        result = call()
    queries = captured.captured_queries
    times = []
    watch = LoadWatch()
    for _ in range(repetitions):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return {
        **summary_ms(times),
        "other_load_cores": watch.other_cores(),
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 2),
        "statement_ms": [[statement_label(q["sql"]), round(float(q["time"]) * 1000, 1)] for q in queries],
        "_result": result,
        "_sql": [q["sql"] for q in queries],
    }


def statement_label(statement: str) -> str:
    """`SELECT table` for the statement's first FROM (what it reads), `INSERT table`, …"""
    word = statement.split(None, 1)[0].upper()
    match = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', statement)
    return f"{word} {match[1]}" if match else word


def public(measured: dict) -> dict:
    """`measure`'s answer without the private keys (the result object, the SQL text)."""
    return {k: v for k, v in measured.items() if not k.startswith("_")}


def sql(statement: str, params: dict | list | None = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def sql_one(statement: str, params: dict | list | None = None):
    rows = sql(statement, params)
    return rows[0][0] if rows else None


def explain(statement: str) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of a statement Django ran (its text with the values in):
    the plan's text and PostgreSQL's own planning and execution times."""
    rows = sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}")
    plan = rows[0][0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    text = "\n".join(r[0] for r in sql(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) {statement}"))
    return {
        "planning_ms": round(plan[0]["Planning Time"], 2),
        "execution_ms": round(plan[0]["Execution Time"], 2),
        "plan": text,
    }


def machine_facts() -> dict:
    import django
    import psycopg

    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        "0",
    )
    settings = {
        name: sql_one(f"SHOW {name}")
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "synchronous_commit", "jit", "lc_ctype")
    }

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
        return done.stdout.strip() if done.returncode == 0 else "?"

    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "postgresql": sql_one("SHOW server_version"),
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "app_commit": git("rev-parse", "--short", "HEAD"),
        "app_uncommitted_changes": bool(git("status", "--porcelain", "--", "lifelong", "config")),
        "load_generator_on_same_machine": True,
    }


def machine_line(m: dict) -> str:
    s = m["postgresql_settings"]
    return (
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gib']} GiB; PostgreSQL {m['postgresql']} "
        f"(shared_buffers={s['shared_buffers']}, work_mem={s['work_mem']}, jit={s['jit']}, lc_ctype={s['lc_ctype']}), "
        f"Python {m['python']}, Django {m['django']}, psycopg {m['psycopg']}; app at commit {m['app_commit']}"
        + (" with uncommitted changes under lifelong/ or config/." if m["app_uncommitted_changes"] else ".")
    )


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def write_results(name: str, report: dict, markdown: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown)
    say(f"wrote bench/results/{name}.md and {name}.json")


# --- HTTP: gunicorn and wrk ---------------------------------------------------------------------


class Server:
    """gunicorn (config/gunicorn.py, bench settings) on a free port of 127.0.0.1."""

    def __init__(self, env: dict[str, str], *, workers: int, log_name: str) -> None:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"
        TMP.mkdir(parents=True, exist_ok=True)
        self.log = (TMP / log_name).open("w")
        env = {**env, "WEB_CONCURRENCY": str(workers), "WEB_THREADS": "1"}
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--config",
            "config/gunicorn.py",
            "--bind",
            f"{HOST}:{self.port}",
        ]
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # noqa: S603
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{self.url}/bench/ping", timeout=2) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {TMP / log_name}")
            time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not answer in 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def wrk(server: Server, name: str, path: str, *, connections: int, seconds: int, env: dict[str, str]) -> dict:
    """wrk (closed loop, `connections` connections over 1 thread) on one GET path, with
    bench/wrk/requests.lua counting answers; latency percentiles from wrk's histogram."""
    listing = TMP / f"wrk_{name}.list"
    listing.write_text(f"GET {path} -\n")
    out = TMP / f"wrk_{name}.json"
    out.unlink(missing_ok=True)
    cmd = [
        "wrk",
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk" / "requests.lua"),
        server.url,
        "--",
        str(listing),
        "1",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (TMP / f"wrk_{name}.txt").open("w") as text:
        subprocess.run(cmd, env={**env, "WRK_OUT": str(out)}, check=True, stdout=text, stderr=subprocess.STDOUT)  # noqa: S603
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    data = json.loads(out.read_text())
    pct = data["latency_us"]["percentiles"]
    elapsed = data["duration_us"] / 1e6
    return {
        "connections": connections,
        "seconds": round(elapsed, 1),
        "requests": data["requests"],
        "requests_per_s": round(data["requests"] / elapsed, 1),
        "answers": data["answers"],
        "p50": round(pct["50"] / 1000, 2),
        "p90": round(pct["90"] / 1000, 2),
        "p95": round(pct["95"] / 1000, 2) if "95" in pct else None,
        "p99": round(pct["99"] / 1000, 2),
        "max": round(data["latency_us"]["max"] / 1000, 2),
        "client_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        "socket_errors": {k: v for k, v in data["errors"].items() if k != "status" and v},
    }
