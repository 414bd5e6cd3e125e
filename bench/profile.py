"""Where a registration's time goes: queries per request and wall time per stage, in-process.

Run by rush.py as `python -m bench.profile OUT_DIR` (DJANGO_SETTINGS_MODULE=bench.settings)
after the load phases. It sends requests through Django's test client, in this one process,
with the production middleware and settings, to the same database:

- ping, bare take-seat, a registration on the full activity (409 full), a new registration
  that gets a seat (201 confirmed), one that joins a waitlist (201 waitlisted), and a repeated
  one (409 already_registered), by learners who sent nothing during the load phases;
- for each: the answers, the SQL statements it ran (counted by kind) and the median wall time;
- for new registrations: the median time spent in each stage of the path (bearer-token
  authentication and its two-factor check, `activity_visible`, the service's
  `registration_create`, the task enqueue after commit, and SQL time overall).

It writes OUT_DIR/profile.json. The registrations it makes are real: the correctness checks
that follow count them like any other.
"""

import cProfile
import json
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import django

SAMPLES = 150
HOTSPOT_SAMPLES = 100
ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lifelong.accounts import auth
    from lifelong.accounts import services as account_services
    from lifelong.activities import api, selectors, services
    from lifelong.notifications import tasks as notification_tasks

    plan = json.loads((out / "plan.json").read_text())
    stage_times: dict[str, float] = Counter()
    stage_order: list[str] = []

    def timed(name: str, owner: object, attribute: str) -> None:
        original = getattr(owner, attribute)
        stage_order.append(name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                stage_times[name] += time.perf_counter() - started

        setattr(owner, attribute, wrapper)

    timed("BearerToken.authenticate (token+user query, two-factor check)", auth.BearerToken, "authenticate")
    timed("… of which needs_two_factor (RoleGrant query)", auth, "needs_two_factor")
    timed("selectors.activity_visible (activity + sessions queries)", api.selectors, "activity_visible")
    timed("services.registration_create (the transaction)", api.services, "registration_create")
    timed("… of which the notice task enqueue after commit", type(notification_tasks.deliver_notices), "enqueue")
    assert api.selectors is selectors and api.services is services and account_services  # noqa: S101

    client = Client()

    def send(line: str):
        method, path, bearer = line.split()
        headers = {} if bearer == "-" else {"Authorization": f"Bearer {bearer}"}
        call = client.post if method == "POST" else client.get
        kwargs = {"data": "{}", "content_type": "application/json"} if method == "POST" else {}
        return call(path, headers=headers, SERVER_NAME="127.0.0.1", **kwargs)

    def kind_of(sql: str) -> str:
        """`SELECT table` (the main FROM, not one inside a subquery), `INSERT table`, ..."""
        word = sql.split(None, 1)[0].upper()
        if word not in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            return word
        marker = {"SELECT": " FROM ", "DELETE": " FROM ", "INSERT": "INSERT INTO ", "UPDATE": "UPDATE "}[word]
        depth = 0
        for i, char in enumerate(sql):
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif depth == 0 and sql.startswith(marker, i):
                table = sql[i + len(marker) :].split(None, 1)[0].strip('"')
                lock = " FOR UPDATE" if word == "SELECT" and " FOR UPDATE" in sql else ""
                return f"{word} {table}{lock}"
        return word

    def answer(response) -> str:
        try:
            data = json.loads(response.content)
        except ValueError:
            data = {}
        kind = data.get("status") if isinstance(data, dict) and isinstance(data.get("status"), str) else None
        kind = kind or (data.get("code", "") if isinstance(data, dict) else "")
        return f"{response.status_code}:{kind}"

    def measure(name: str, lines: list[str], *, stages: bool = False) -> dict:
        warmup = Counter(answer(send(line)) for line in lines[:10])  # first-request imports, connection
        stage_times.clear()
        walls, counts, statuses, kinds, sql_time = [], [], Counter(), Counter(), 0.0
        for line in lines[10 : 10 + SAMPLES]:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = send(line)
                walls.append(time.perf_counter() - started)
            statuses[answer(response)] += 1
            counts.append(len(queries.captured_queries))
            for query in queries.captured_queries:
                kinds[kind_of(query["sql"])] += 1
                sql_time += float(query["time"])
        n = len(walls)
        result = {
            "requests": n,
            "answers": dict(statuses.most_common()),
            "warmup_answers": dict(warmup.most_common()),
            "median_ms": round(statistics.median(walls) * 1000, 2),
            "mean_ms": round(statistics.fmean(walls) * 1000, 2),
            "queries_per_request": round(statistics.fmean(counts), 2),
            "queries_by_kind_per_request": {k: round(v / n, 2) for k, v in kinds.most_common()},
            "sql_ms_per_request": round(sql_time * 1000 / n, 2),
        }
        if stages:
            result["stage_ms_per_request"] = {
                k: round(stage_times[k] * 1000 / n, 2) for k in stage_order if k in stage_times
            }
        print(f"  profile {name}: {result['median_ms']} ms, {result['queries_per_request']} queries")
        return result

    names = ("profile_open", "profile_full", "full")
    lists = {name: [line for line in (out / f"{name}.txt").read_text().split("\n") if line] for name in names}
    report = {
        "samples": SAMPLES,
        "note": "in-process, Django test client, one thread; wall times on this machine",
        "ping": measure("ping", ["GET /bench/ping -"] * (SAMPLES + 10)),
        "bare_take_seat": measure("bare", [f"POST /bench/take-seat/{plan['bare_hot_activity_id']} -"] * (SAMPLES + 10)),
        "full_activity": measure("full", lists["full"][: SAMPLES + 10], stages=True),
        "registration_new": measure("new registration (confirmed)", lists["profile_open"], stages=True),
        "registration_waitlisted": measure("new registration (waitlisted)", lists["profile_full"], stages=True),
        "registration_repeat": measure("already registered", lists["profile_open"], stages=True),
    }
    report["hotspots"] = hotspots(send, lists["profile_open"][SAMPLES + 10 : SAMPLES + 10 + HOTSPOT_SAMPLES])
    (out / "profile.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))


def hotspots(send, lines: list[str]) -> dict:
    """cProfile over new registrations (confirmed): own time grouped by package, the app's
    functions with the most time including callees, and the functions with the most time of
    their own. cProfile slows Python down, so read these as shares, not as milliseconds."""
    profiler = cProfile.Profile()
    answers: Counter = Counter()
    profiler.enable()
    for line in lines:
        response = send(line)
        answers[f"{response.status_code}:{json.loads(response.content).get('status', '')}"] += 1
    profiler.disable()
    n = max(len(lines), 1)
    rows = []
    for (path, lineno, function), (_calls, ncalls, own, cumulative, _callers) in pstats.Stats(profiler).stats.items():
        where = path.split("site-packages/", 1)[-1].replace(str(ROOT) + "/", "")
        rows.append((own, cumulative, ncalls, where, f"{where}:{lineno}({function})"))
    total = sum(row[0] for row in rows) or 1.0

    def entry(row):
        own, cumulative, ncalls, _where, name = row
        return {
            "function": name,
            "own_share": round(own / total, 3),
            "cumulative_share": round(cumulative / total, 3),
            "calls_per_request": round(ncalls / n, 1),
        }

    def package(where: str) -> str:
        for prefix, label in PACKAGES:
            if where.startswith(prefix):
                return label
        return "other (standard library, …)"

    groups: Counter = Counter()
    for own, _cumulative, _ncalls, where, _name in rows:
        groups[package(where)] += own
    app = [r for r in rows if r[3].startswith("lifelong/") and not r[3].endswith("middleware.py")]
    return {
        "requests": len(lines),
        "answers": dict(answers),
        "warmup_answers": {},
        "note": "shares of the profiled time (cProfile on, so absolute times are inflated)",
        "own_time_by_package": {k: round(v / total, 3) for k, v in groups.most_common()},
        "app_functions_by_cumulative_time": [entry(r) for r in sorted(app, key=lambda r: -r[1])[:15]],
        "by_own_time": [entry(r) for r in sorted(rows, key=lambda r: -r[0])[:15]],
    }


PACKAGES = [
    ("psycopg", "psycopg: the driver, and waiting for PostgreSQL"),
    ("django/db/", "Django ORM (building and compiling queries, making model objects)"),
    ("django_tasks", "django-tasks (enqueue)"),
    ("ninja/", "django-ninja and pydantic (routing, parsing, auth, output)"),
    ("pydantic", "django-ninja and pydantic (routing, parsing, auth, output)"),
    ("django/test/", "Django test client (not in production)"),
    ("django/", "Django request handling, middleware, i18n, signals"),
    ("lifelong/", "Lifelong's own code"),
    ("bench/", "the profile's timers"),
    ("~", "built-ins (getattr, isinstance, …), for the callers above"),
]


if __name__ == "__main__":
    django.setup()
    main(Path(sys.argv[1]))
