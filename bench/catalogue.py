"""`make bench-catalogue`: the public catalogue with 20,000 published activities and a Chinese
keyword search, on PostgreSQL.

Recreates its own database (lifelong_bench_catalogue), migrates it, seeds the demo county's
regions and institutions and, by COPY, 20,000 published activities with Chinese titles and
summaries (太极, 读书, 智能手机, 书法 … in realistic shares, by institution, category and
audience) and their weekly sessions over the next six months. Then it measures each page:

- in-process (Django's test client, the production settings and middleware, one thread):
  p50/p95/p99 over N requests and the SQL statements per request;
- over HTTP: gunicorn (2 sync workers, config/gunicorn.py) and wrk with 2 connections on
  127.0.0.1, p50/p90/p95/p99 (load generator, app and database share the two cores);

then EXPLAIN (ANALYZE, BUFFERS) of each search page's statements, and, as an experiment on the
bench database only (the app's schema and migrations are untouched), the same with pg_trgm GIN
indexes on the searched columns. Writes bench/results/catalogue.json and catalogue.md.
BENCH_QUICK=1: 2,000 activities and short runs, for a smoke run.
"""

import os
import shutil
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scenario import (
    QUICK,
    Server,
    database_fresh,
    environment,
    explain,
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
    write_results,
    wrk,
)

DB_NAME = "lifelong_bench_catalogue"
ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", "2000" if QUICK else "20000"))
REPETITIONS = int(os.environ.get("BENCH_REPETITIONS", "30" if QUICK else "200"))
WRK_SECONDS = 3 if QUICK else 10
WRK_CONNECTIONS = 2
GUNICORN_WORKERS = 2
QUIET_WAIT_S = int(os.environ.get("BENCH_QUIET_WAIT", "0" if QUICK else "600"))
TARGET_P95_MS = 30  # DESIGN §7
SEED = 20261203
TOWN = "330424105"  # 通元镇

# name → (path, query parameters, who asks)
PAGES = {
    "html_search_taiji": ("/activities/", {"q": "太极"}, None),
    "api_search_dushu": ("/api/v1/activities", {"q": "读书"}, None),
    "html_all": ("/activities/", {}, None),
    "api_all": ("/api/v1/activities", {}, None),
    "html_town": ("/activities/", {"region": TOWN}, None),
    "api_town": ("/api/v1/activities", {"region": TOWN}, None),
    "html_search_smartphone": ("/activities/", {"q": "智能手机"}, None),
    "html_search_shufa_town": ("/activities/", {"q": "书法", "region": "330424001"}, None),
    "html_all_signed_in": ("/activities/", {}, "13900000005"),  # a learner: her village first
}
SEARCHES = ("html_search_taiji", "api_search_dushu", "html_search_smartphone", "html_all")
TRIGRAM_INDEXES = {
    "bench_trgm_title": "upper((title)::text) gin_trgm_ops",
    "bench_trgm_title_en": "upper((title_en)::text) gin_trgm_ops",
    "bench_trgm_summary": "upper(summary) gin_trgm_ops",
}


def url_of(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def seed(now) -> dict:
    from django.db import connection

    from bench.county_seed import activities_seed, county_load
    from lifelong.accounts.models import User

    started = time.monotonic()
    county_load()
    sql("SET synchronous_commit = off")
    counts = activities_seed(
        ACTIVITIES,
        first_from=now - timedelta(days=14),
        first_to=now + timedelta(days=180),
        now=now,
        organizer_id=User.objects.get(phone="13900000004").pk,
        seed=SEED,
        all_published=True,
    )
    sql("DROP TABLE IF EXISTS bench_activity")
    sql("VACUUM (ANALYZE)")
    sql("CHECKPOINT")
    connection.close()  # what follows runs in a new session, with the server's own settings
    counts["matches"] = {
        word: sql_one(
            "SELECT count(*) FROM activities_activity WHERE status = 'published' AND (upper(title) LIKE upper(%s) "
            "OR upper(title_en) LIKE upper(%s) OR upper(summary) LIKE upper(%s))",
            [f"%{word}%"] * 3,
        )
        for word in ("太极", "读书", "智能手机", "书法")
    }
    counts["in_town"] = sql_one(
        """SELECT count(*) FROM activities_activity a JOIN institutions_institution i ON i.id = a.institution_id
           JOIN regions_region r ON r.id = i.region_id
           WHERE r.path LIKE (SELECT path FROM regions_region WHERE code = %s) || '%%'""",
        [TOWN],
    )
    counts["institutions"] = sql_one("SELECT count(*) FROM institutions_institution")
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def in_process(repetitions: int) -> dict:
    from django.test import Client

    from lifelong.accounts.models import User

    results = {}
    for name, (path, params, who) in PAGES.items():
        client = Client()
        if who:
            client.force_login(User.objects.get(phone=who))
        url = url_of(path, params)
        statuses = []

        def get(url=url, client=client, statuses=statuses):
            response = client.get(url, SERVER_NAME="127.0.0.1")
            statuses.append(response.status_code)
            return response

        measured = measure(get, repetitions=repetitions, warmup=10)
        response = measured["_result"]
        results[name] = {
            "url": url,
            **public(measured),
            "statuses": sorted(set(statuses)),
            "bytes": len(response.content),
            "sql": measured["_sql"],
        }
        say(
            f"in-process {name:24s} p50 {measured['p50']:6.2f} ms  p95 {measured['p95']:6.2f} ms  "
            f"p99 {measured['p99']:6.2f} ms  {measured['queries']} queries  other load {measured['other_load_cores']}"
        )
    return results


def over_http(env: dict) -> dict:
    if not shutil.which("wrk"):
        say("no wrk on this machine (bench/run.sh installs it): HTTP timings skipped")
        return {}
    server = Server(env, workers=GUNICORN_WORKERS, log_name="gunicorn_catalogue.log")
    results = {}
    try:
        for name, (path, params, who) in PAGES.items():
            if who:
                continue  # anonymous pages only: wrk carries no session
            target = url_of(path, params)  # urlencode has already made it ASCII
            with urllib.request.urlopen(f"{server.url}{target}", timeout=30) as answer:  # noqa: S310 - loopback
                size = len(answer.read())
            wrk(server, f"catalogue_{name}_warmup", target, connections=WRK_CONNECTIONS, seconds=1, env=env)
            results[name] = wrk(
                server, f"catalogue_{name}", target, connections=WRK_CONNECTIONS, seconds=WRK_SECONDS, env=env
            )
            r = results[name]
            r["bytes"] = size  # the page wrk fetched, to compare with the in-process one
            say(
                f"http {name:24s} {r['requests_per_s']:7.1f} req/s  p50 {r['p50']} ms  p95 {r['p95']} ms  "
                f"p99 {r['p99']} ms  {r['answers']}"
            )
    finally:
        server.stop()
    return results


def explained(pages: dict) -> dict:
    """EXPLAIN ANALYZE of the statements of each search page that read activities."""
    out = {}
    for name in SEARCHES:
        rows = []
        for statement in pages[name]["sql"]:
            if "activities_activity" not in statement or not statement.lstrip().upper().startswith("SELECT"):
                continue
            plan = explain(statement)
            rows.append({"sql": statement, **plan})
        out[name] = rows
    return out


def trigram_experiment(repetitions: int) -> dict:
    """pg_trgm GIN indexes on upper(title), upper(title_en), upper(summary) (the expressions
    Django's icontains compares), on this bench database only: EXPLAIN and in-process timings
    of the search pages with them, then the indexes and the extension are dropped again."""
    started = time.monotonic()
    sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES.items():
        sql(f"CREATE INDEX {name} ON activities_activity USING gin ({expression})")
    sql("ANALYZE activities_activity")
    build_s = time.monotonic() - started
    sizes = {name: sql_one("SELECT pg_size_pretty(pg_relation_size(%s::regclass))", [name]) for name in TRIGRAM_INDEXES}
    saved = dict(PAGES)
    try:
        PAGES.clear()
        PAGES.update({k: v for k, v in saved.items() if k in SEARCHES})
        pages = in_process(repetitions)
        plans = explained(pages)
    finally:
        PAGES.clear()
        PAGES.update(saved)
        for name in TRIGRAM_INDEXES:
            sql(f"DROP INDEX IF EXISTS {name}")
        sql("DROP EXTENSION IF EXISTS pg_trgm")
    return {
        "indexes": TRIGRAM_INDEXES,
        "build_s": round(build_s, 2),
        "sizes": sizes,
        "pages": {k: {kk: vv for kk, vv in v.items() if kk != "sql"} for k, v in pages.items()},
        "explain": plans,
    }


def main() -> None:
    started = time.monotonic()
    env = environment(DB_NAME)
    say(f"database {DB_NAME}: drop, create, migrate")
    migrate_s = database_fresh(DB_NAME, env)
    static_collect(env)
    from django.conf import settings
    from django.utils import timezone

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    say(f"seed: {ACTIVITIES:,} published activities")
    seeded = seed(now)
    say(f"seeded in {seeded['seconds']} s: {seeded}")
    quiet = quiet_wait(QUIET_WAIT_S)
    say(f"other load before measuring: {quiet} cores")

    pages = in_process(REPETITIONS)
    http = over_http(env)
    plans = explained(pages)
    trigram = trigram_experiment(max(REPETITIONS // 3, 20))

    report = {
        "finished_at": now_utc(),
        "elapsed_s": round(time.monotonic() - started),
        "quick": QUICK,
        "machine": machine_facts(),
        "debug": settings.DEBUG,
        "migrate_s": round(migrate_s, 1),
        "seed": seeded,
        "other_load_cores_before_measuring": quiet,
        "repetitions": REPETITIONS,
        "in_process": {k: {kk: vv for kk, vv in v.items() if kk != "sql"} for k, v in pages.items()},
        "sql": {k: v["sql"] for k, v in pages.items()},
        "http": {"gunicorn_workers": GUNICORN_WORKERS, "wrk_connections": WRK_CONNECTIONS, "pages": http},
        "explain": plans,
        "trigram_experiment": trigram,
        "target_p95_ms": TARGET_P95_MS,
    }
    write_results("catalogue", report, markdown(report))


def markdown(r: dict) -> str:
    m, s, pages, http = r["machine"], r["seed"], r["in_process"], r["http"]["pages"]
    target = r["target_p95_ms"]

    def verdict(value) -> str:
        return "—" if value is None else ("yes" if value < target else "**no**")

    lines = [
        "# Catalogue at 20,000 activities — bench results",
        "",
        f"Run {r['finished_at']} · {r['elapsed_s']} s · `make bench-catalogue` (bench/README.md)."
        + (" **Quick smoke run (BENCH_QUICK=1): figures are rough.**" if r["quick"] else ""),
        "",
        machine_line(m),
        "",
        f"Data: {s['activities']:,} published activities with {s['sessions']:,} weekly sessions over the next six "
        f"months, by the demo county's {s['institutions']} institutions; matches: "
        + ", ".join(f"{k} {v:,}" for k, v in s["matches"].items())
        + f"; {s['in_town']:,} run in town {TOWN}. Seeded in {s['seconds']} s (migrate {r['migrate_s']} s).",
        "",
        f"## Target: p95 < {target} ms",
        "",
        f"In-process = Django's test client in one thread, {r['repetitions']} requests per page after 10 warm-up "
        "ones, production settings and middleware, rendered HTML or JSON. HTTP = gunicorn "
        f"({r['http']['gunicorn_workers']} sync workers) and wrk ({r['http']['wrk_connections']} connections, "
        "closed loop) on 127.0.0.1, with wrk, gunicorn and PostgreSQL sharing the two cores.",
        "",
        "| page | SQL statements | in-process p50 / p95 / p99 ms | p95 met | HTTP req/s | HTTP p50 / p95 / p99 ms "
        "| p95 met | bytes in-process / HTTP | other load |",
        "| --- | ---: | ---: | :---: | ---: | ---: | :---: | ---: | ---: |",
    ]
    for name, p in pages.items():
        h = http.get(name)
        over = f"{h['requests_per_s']} | {h['p50']} / **{h['p95']}** / {h['p99']}" if h else "— | —"
        lines.append(
            f"| `{unquote(p['url'])}`{' (signed in)' if PAGES[name][2] else ''} | {p['queries']} | "
            f"{p['p50']} / **{p['p95']}** / {p['p99']} | {verdict(p['p95'])} | {over} | "
            f"{verdict(h['p95'] if h else None)} | {p['bytes']} / {h['bytes'] if h else '—'} | "
            f"{p['other_load_cores']} |"
        )
    lines += [
        "",
        f"Other load = cores kept busy by anything but the bench and its PostgreSQL backend during the in-process "
        f"requests (before measuring: {r['other_load_cores_before_measuring']}).",
        "",
        "## Where the time goes: EXPLAIN (ANALYZE, BUFFERS) of the pages' statements",
        "",
    ]
    for name, rows in r["explain"].items():
        lines.append(f"**{unquote(pages[name]['url'])}**")
        lines.append("")
        lines.append("| statement | planning ms | execution ms |")
        lines.append("| --- | ---: | ---: |")
        for row in rows:
            lines.append(f"| `{_short(row['sql'])}` | {row['planning_ms']} | {row['execution_ms']} |")
        lines.append("")
    first = r["explain"]["html_search_taiji"]
    if first:
        lines += ["Plan of the search page's list statement (q=太极):", "", "```", first[-1]["plan"], "```", ""]
    t = r["trigram_experiment"]
    lines += [
        "## Experiment: pg_trgm GIN indexes (bench database only; no app change)",
        "",
        "Indexes: "
        + ", ".join(f"`{k}` on `{v}` ({t['sizes'][k]})" for k, v in t["indexes"].items())
        + f"; built in {t['build_s']} s.",
        "",
        "| page | without: in-process p95 ms | with: in-process p95 ms | statements' execution ms without → with |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, p in t["pages"].items():
        before = " + ".join(str(row["execution_ms"]) for row in r["explain"][name])
        after = " + ".join(str(row["execution_ms"]) for row in t["explain"][name])
        lines.append(f"| `{unquote(p['url'])}` | {pages[name]['p95']} | {p['p95']} | {before} → {after} |")
    lines.append("")
    with_index = t["explain"]["html_search_taiji"]
    if with_index:
        lines += ["Plan of the search page's list statement (q=太极) with the indexes:", "", "```"]
        lines += [with_index[-1]["plan"], "```", ""]
    return "\n".join(lines) + "\n"


def _short(statement: str, length: int = 150) -> str:
    flat = " ".join(statement.split()).replace("|", "\\|")
    return flat if len(flat) <= length else flat[: length - 1] + "…"


if __name__ == "__main__":
    main()
