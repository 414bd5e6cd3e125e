#!/usr/bin/env python
"""`make tour`: every public, learner and console page of the demo, in Debian's chromium, at a
phone (375×812) and a desktop (1280×860) size, in Chinese and English, standard and elder mode.

For each page and view it saves a full-page screenshot to var/tour/<viewport>/<lang>-<mode>/<slug>.png
and prints one line: HTTP status, axe-core violations by impact (critical/serious/moderate/minor),
transferred KB and request count on a cold load, the first heading's top in px, and (elder mode)
how many interactive targets are smaller than 48×48 px. var/tour/report.json keeps every detail
(the violations' targets, the small targets' selectors). It exits non-zero when any page has a
critical or serious violation, an undersized elder target or an HTTP error, unless --no-fail.

The demo lives in its own SQLite database, var/tour/tour.sqlite3, rebuilt when the migrations, the
demo loaders or the day change (or with --fresh). The app runs under gunicorn on a free 127.0.0.1
port; the console's pages are found by following its links (one page of each kind); a few
browsers (--jobs) share the pages, each signed-in persona's pages in one browser.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from local_server import free_port, server_start, server_stop  # noqa: E402 - scripts/ is the script's own folder

from lifelong.testkit import a11y  # noqa: E402 - the repository root goes on the path first

VAR = REPO / "var" / "tour"
DATABASE = VAR / "tour.sqlite3"
DATABASE_STAMP = VAR / "tour.sqlite3.stamp"
PYTHON = REPO / ".venv" / "bin" / "python"
PASSWORD = "lifelong-demo"  # noqa: S105 - the demo personas' published password
PERSONAS = {"learner": "13900000005", "county_admin": "13900000001", "organizer": "13900000004"}
LANGUAGES = {"zh": ("zh-hans", "zh-CN"), "en": ("en", "en-GB")}
MODES = ("standard", "elder")
SUMMARY_ROWS = 30
# Links the console crawl never follows: they sign out, download files, change data on GET in
# some older view, or lead out of the site's own pages.
SKIP_PATH = re.compile(
    r"(logout|/admin/|/api/|/static/|/news/images/|/feed/|download|export"
    r"|\.(pdf|csv|xlsx|ics|json|zip|png|jpe?g|svg|txt|xml)$"
    r"|/(cancel|revoke|reverse|retry|close|award|withdraw|delete|publish|approve|reject|submit|refresh"
    r"|read|join|leave|accept|decline|archive|restore|nominate|review)/?$)"
)


# --- the demo database and the server ------------------------------------------------------------


def server_environment(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LIFELONG_STAFF_2FA", None)  # demo mode relaxes staff two-factor; the tour relies on it
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        LIFELONG_DEMO="1",
        DATABASE_URL=f"sqlite:///{DATABASE}",
        STATIC_ROOT_OVERRIDE=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        SMS_BACKEND="lifelong.notifications.sms.FileSmsBackend",
        SMS_FILE_PATH=str(VAR / "sms"),
        SITE_URL=f"http://127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    return env


def demo_fingerprint() -> str:
    """Changes when a migration or anything the demo loads from changes, or the day: then the
    database is stale."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in (REPO / "lifelong").rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and ("migrations" in path.parts or any(part.startswith("demo") for part in path.relative_to(REPO).parts))
    )
    for path in files:
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    # The demo's dates are relative to the day it is loaded (coming activities, this month's figures).
    digest.update(datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat().encode())
    return digest.hexdigest()


def manage(env: dict[str, str], *args: str, quiet: bool = False) -> None:
    subprocess.run(  # noqa: S603 - fixed argv
        [str(PYTHON), "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None
    )  # noqa: S603 - fixed argv


def database_ready(env: dict[str, str], *, fresh: bool) -> None:
    fingerprint = demo_fingerprint()
    if not fresh and DATABASE.exists() and DATABASE_STAMP.exists() and DATABASE_STAMP.read_text() == fingerprint:
        print(f"Reusing the demo database {DATABASE.relative_to(REPO)} (--fresh rebuilds it).")
        return
    print("Loading the demo into a fresh database...", flush=True)
    for path in (DATABASE, DATABASE_STAMP, VAR / "media"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    manage(env, "migrate", "--noinput", "--verbosity=0")
    manage(env, "demo_load", quiet=True)
    manage(env, "dashboards_refresh", quiet=True)
    DATABASE_STAMP.write_text(fingerprint)


# --- which pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    persona: str  # "public" or a key of PERSONAS
    slug: str
    url: str


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.links.append(attributes["href"])


def page_links(request, url: str) -> list[str]:
    response = request.get(url, max_redirects=0, fail_on_status_code=False)
    if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
        return []
    parser = LinkParser()
    parser.feed(response.text())
    return parser.links


def first_link(request, url: str, pattern: str) -> str | None:
    matcher = re.compile(pattern)
    return next((link for link in page_links(request, url) if matcher.match(link)), None)


def url_pattern(path: str) -> str:
    """Numeric ids collapse, so that each kind of page is visited once."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def slug_of(path: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", url_pattern(path).replace("<id>", "id").lower()).strip("-")
    return slug or "home"


def crawl(request, start: str, *, prefix: str, depth: int, netloc: str) -> list[str]:
    """Same-origin GET links under `prefix`, breadth first to `depth`, one URL per pattern."""
    seen_patterns: dict[str, str] = {}
    frontier = [start]
    seen_patterns[url_pattern(start)] = start
    for _ in range(depth):
        next_frontier = []
        for url in frontier:
            for link in page_links(request, url):
                parts = urlsplit(urljoin(url, link))
                if parts.netloc and parts.netloc != netloc:
                    continue
                path = parts.path
                if not path.startswith(prefix) or SKIP_PATH.search(path):
                    continue
                pattern = url_pattern(path)
                if pattern in seen_patterns:
                    continue
                response = request.get(path, max_redirects=0, fail_on_status_code=False)
                if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
                    continue
                seen_patterns[pattern] = path
                next_frontier.append(path)
        frontier = next_frontier
    return list(seen_patterns.values())


def public_stops(request, objects: dict[str, str]) -> list[Stop]:
    fixed = [
        ("home", "/"),
        ("activities", "/activities/"),
        ("programmes", "/programmes/"),
        ("teams", "/teams/"),
        ("venues", "/venues/"),
        ("honors", "/honors/"),
        ("resources", "/resources/"),
        ("news", "/news/"),
        ("open-data", "/open-data/"),
        ("verify", "/verify/"),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("password-reset", "/accounts/password-reset/"),
    ]
    stops = [Stop("public", slug, url) for slug, url in fixed]
    if any("when=past" in link for link in page_links(request, "/activities/")):
        stops.append(Stop("public", "activities-past", "/activities/?when=past"))
    for slug in ("activities-search", "activity-coming", "activity-full", "activity-past", "verify-certificate"):
        if slug in objects:
            stops.append(Stop("public", slug, objects[slug]))
        else:
            print(f"  (no {slug} page in the demo)")
    details = [
        ("town", "/", r"^/network/\d+/$"),
        ("campaign", "/", r"^/campaigns/[\w-]+/$"),
        ("programme", "/programmes/", r"^/programmes/[\w-]+/$"),
        ("team", "/teams/", r"^/teams/\d+/$"),
        ("venue", "/venues/", r"^/venues/\d+/$"),
        ("resource", "/resources/", r"^/resources/\d+/$"),
        ("article", "/news/", r"^/news/\d+/$"),
    ]
    for slug, listing, pattern in details:
        link = first_link(request, listing, pattern)
        if link is None:
            print(f"  (no {slug} link on {listing})")
            continue
        stops.append(Stop("public", slug, link))
        if slug == "campaign":
            if f"{link}report/" in page_links(request, link):
                stops.append(Stop("public", "campaign-report", f"{link}report/"))
            else:
                print(f"  (no report linked from {link})")
        if slug == "article":
            stops.append(Stop("public", "article-print", f"{link}?print=1"))
    return stops


def signed_in_stops(request, persona: str, netloc: str) -> list[Stop]:
    if persona == "learner":
        urls = ["/me/", "/me/passport/", "/me/notices/"]
        urls += [u for u in crawl(request, "/me/", prefix="/me/", depth=1, netloc=netloc) if u not in urls]
        urls += [
            u
            for u in crawl(request, "/me/", prefix="/accounts/", depth=1, netloc=netloc)
            if u not in urls and "two-factor" not in u
        ]
        return [Stop(persona, slug_of(url), url) for url in urls]
    # Depth 3 reaches the pages under a detail page (an activity's check-in screen and sign-in sheet).
    depth = 3 if persona == "county_admin" else 1
    urls = crawl(request, "/console/", prefix="/console/", depth=depth, netloc=netloc)
    prefix = "" if persona == "county_admin" else f"{persona}-"
    return [Stop(persona, prefix + slug_of(url), url) for url in urls]


# --- the browser -----------------------------------------------------------------------------------


def csrf_token(context) -> str:
    return next((c["value"] for c in context.cookies() if c["name"] == "csrftoken"), "")


def context_open(browser, base_url: str, viewport: str, lang: str, mode: str, persona: str):
    context = browser.new_context(
        base_url=base_url, viewport=a11y.VIEWPORTS[viewport], locale=LANGUAGES[lang][1], device_scale_factor=1
    )
    context.request.get("/accounts/login/")
    if persona != "public":
        response = context.request.post(
            "/accounts/login/",
            form={"phone": PERSONAS[persona], "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(context)},
        )
        if "/accounts/login/" in response.url:
            raise RuntimeError(f"Could not sign in as {persona} ({PERSONAS[persona]}).")
    headers = {"X-CSRFToken": csrf_token(context), "Referer": base_url + "/"}
    for url, form in (
        ("/preferences/language/", {"language": LANGUAGES[lang][0], "next": "/"}),
        ("/preferences/elder-mode/", {"elder_mode": "1" if mode == "elder" else "0", "next": "/"}),
    ):
        response = context.request.post(url, form=form, headers=headers, max_redirects=0)
        if response.status >= 400:
            raise RuntimeError(f"POST {url} answered {response.status}: the tour cannot set {lang}-{mode}.")
    return context


# A full-page screenshot keeps bars fixed (or stuck) to the bottom of the screen where the first
# screen ends, over the middle of the page. After measuring, move them to the end of the page,
# where a person who scrolled to the end sees them.
BOTTOM_BARS_TO_PAGE_END_JS = """
() => {
  const height = document.documentElement.scrollHeight;
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.position !== 'fixed' && style.position !== 'sticky') continue;
    const r = el.getBoundingClientRect();
    if (r.height === 0 || r.top < innerHeight / 2 || r.bottom < innerHeight - 2) continue;
    if (style.position === 'sticky') { el.style.position = 'static'; continue; }
    // As wide as on screen, where the screen's edge clips a bar that is too wide.
    const width = Math.min(r.width, document.documentElement.clientWidth - r.left);
    Object.assign(el.style, {position: 'absolute', top: (height - r.height) + 'px', bottom: 'auto',
                             left: r.left + 'px', width: width + 'px', boxSizing: 'border-box', overflow: 'hidden'});
  }
}
"""


def visit(page, stop: Stop, *, lang: str, mode: str, screenshots: Path) -> a11y.PageCheck:
    response = page.goto(stop.url, wait_until="load")
    check = a11y.check_page(page, stop.url, elder=mode == "elder", response=response)
    final = urlsplit(page.url)
    if final.path != urlsplit(stop.url).path:
        check.problems.append(f"redirected to {final.path}")
    # The view must be the one asked for, or its numbers would be filed under the wrong one.
    shown_lang, shown_elder = page.evaluate(
        "[document.documentElement.lang, document.documentElement.classList.contains('elder')]"
    )
    if not (shown_lang or "").startswith(lang) or shown_elder != (mode == "elder"):
        check.problems.append(f"shown as lang={shown_lang!r} elder={shown_elder}, not {lang}-{mode}")
    page.evaluate(BOTTOM_BARS_TO_PAGE_END_JS)
    page.screenshot(path=str(screenshots / f"{stop.slug}.png"), full_page=True)
    return check


def page_open(context):
    page = context.new_page()
    page.set_default_timeout(30_000)
    # Weight is a first visit's: the cache is off, so every page pays for its CSS and scripts.
    context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    return page


def line(viewport: str, view: str, stop: Stop, check: a11y.PageCheck) -> str:
    impacts = "/".join(str(check.impacts[i]) for i in a11y.IMPACTS)
    small = "-" if check.small_targets is None else str(len(check.small_targets))
    top = "-" if check.heading_top is None else str(check.heading_top)
    verdict = "FAIL" if check.blocking else "ok"
    if check.overflow_px:
        verdict += f" (+{check.overflow_px}px wide)"
    return (
        f"{viewport:<7} {view:<11} {stop.slug:<34.34} {check.status or '---':>3}  axe {impacts:<9} "
        f"{check.kilobytes:>7.1f} KB {check.requests:>3} req  h1 {top:>5}  small {small:>3}  {verdict}"
    )


def summary(results: list[dict]) -> list[str]:
    pages: dict[str, dict] = {}
    for result in results:
        entry = pages.setdefault(
            result["slug"],
            {"url": result["url"], "serious": 0, "small": 0, "top": 0, "kb": 0.0, "failing_views": 0, "rules": set()},
        )
        check = result["check"]
        entry["serious"] += check["impacts"]["critical"] + check["impacts"]["serious"]
        entry["small"] = max(entry["small"], len(check["small_targets"] or []))
        entry["top"] = max(entry["top"], check["heading_top"] or 0)
        entry["kb"] = max(entry["kb"], check["kilobytes"])
        entry["failing_views"] += bool(result["blocking"])
        entry["rules"].update(v["id"] for v in check["violations"] if v["impact"] in ("critical", "serious"))
        entry["rules"].update(check["problems"])
        if check["status"] is not None and check["status"] >= 400:
            entry["rules"].add(f"HTTP {check['status']}")
    worst = sorted(pages.items(), key=lambda item: (-item[1]["failing_views"], -item[1]["serious"], -item[1]["small"]))
    failing = [(slug, entry) for slug, entry in worst if entry["failing_views"]]
    out = [
        "",
        f"{'worst pages':<34} {'failing views':>13} {'crit+ser':>8} {'max small':>9} {'max h1':>6} "
        f"{'max KB':>7}  rules",
    ]
    for slug, entry in failing[:SUMMARY_ROWS]:
        out.append(
            f"{slug:<34.34} {entry['failing_views']:>13} {entry['serious']:>8} {entry['small']:>9} "
            f"{entry['top']:>6} {entry['kb']:>7.0f}  {', '.join(sorted(entry['rules']))}"
        )
    if len(failing) > SUMMARY_ROWS:
        out.append(f"... and {len(failing) - SUMMARY_ROWS} more failing pages (var/tour/report.json)")
    out.append(f"{len(pages) - len(failing)} of {len(pages)} pages pass in every view.")
    return out


def discover(browser, base_url: str, objects: dict[str, str]) -> list[Stop]:
    stops: list[Stop] = []
    netloc = urlsplit(base_url).netloc
    for persona in ("public", *PERSONAS):
        context = context_open(browser, base_url, "phone", "zh", "standard", persona)
        if persona == "public":
            stops += public_stops(context.request, objects)
        else:
            stops += signed_in_stops(context.request, persona, netloc)
        context.close()
    return stops


def tour_view(browser, base_url: str, stops: list[Stop], *, viewport: str, lang: str, mode: str) -> list[dict]:
    """The stops in one view; one browser context (and tab) per persona, which signs in once."""
    view = f"{lang}-{mode}"
    screenshots = VAR / viewport / view
    screenshots.mkdir(parents=True, exist_ok=True)
    results = []
    for persona in ("public", *PERSONAS):
        mine = [stop for stop in stops if stop.persona == persona]
        if not mine:
            continue
        context = context_open(browser, base_url, viewport, lang, mode, persona)
        page = page_open(context)
        for stop in mine:
            try:
                check = visit(page, stop, lang=lang, mode=mode, screenshots=screenshots)
            except Exception as error:  # one broken page must not end the tour
                check = a11y.PageCheck(url=stop.url)
                check.problems.append(f"tour error: {error}".splitlines()[0][:200])
                page.close()
                page = page_open(context)
            print(line(viewport, view, stop, check), flush=True)
            results.append(
                {
                    "viewport": viewport,
                    "language": lang,
                    "mode": mode,
                    "persona": stop.persona,
                    "slug": stop.slug,
                    "url": stop.url,
                    "screenshot": str((screenshots / f"{stop.slug}.png").relative_to(REPO)),
                    "blocking": check.blocking,
                    "check": check.as_json(),
                }
            )
        context.close()
    return results


def tour_worker(base_url: str, stops: list[Stop], viewports: list[str]) -> list[dict]:
    """One process with its own browser: every view of its share of the stops."""
    from playwright.sync_api import sync_playwright

    results: list[dict] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=a11y.CHROMIUM, headless=True, args=a11y.CHROMIUM_FLAGS)
        for viewport in viewports:
            for lang in LANGUAGES:
                for mode in MODES:
                    results += tour_view(browser, base_url, stops, viewport=viewport, lang=lang, mode=mode)
        browser.close()
    return results


def shares(stops: list[Stop], jobs: int) -> list[list[Stop]]:
    """Split the stops between `jobs` workers. A signed-in persona's pages stay in one worker:
    elder mode is kept on the account, so two workers switching it for the same account at
    once would each see the other's mode. Visitors' pages keep it in a cookie and may split."""
    units = [[stop for stop in stops if stop.persona == persona] for persona in PERSONAS]
    public = [stop for stop in stops if stop.persona == "public"]
    units += [public[i : i + 4] for i in range(0, len(public), 4)]
    bins: list[list[Stop]] = [[] for _ in range(jobs)]
    for unit in sorted((unit for unit in units if unit), key=len, reverse=True):
        min(bins, key=len).extend(unit)
    return [share for share in bins if share]


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database first")
    parser.add_argument("--only", help="tour only pages whose name or address contains this")
    parser.add_argument("--viewport", choices=sorted(a11y.VIEWPORTS), help="one size only (default: both)")
    parser.add_argument("--list", action="store_true", help="list the pages the tour would visit, and stop")
    parser.add_argument(
        # Two by default: the county admin's pages (about half of all) stay in one browser anyway.
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="browsers working at once (default: 2)",
    )
    parser.add_argument("--no-fail", action="store_true", help="report only; exit 0 whatever the findings")
    return parser.parse_args()


def _wait_for_other_tours() -> IO[str]:
    """One tour at a time: tours share the demo database (which one may rebuild under the other's
    server), the screenshots and the report. The lock holds while the returned file stays open."""
    lock = (VAR / "tour.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("Another tour is running; waiting for it to finish...", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def _report(results: list[dict], stops: list[Stop], started: float) -> int:
    """Write the report, print the summary; how many page views fail."""
    order = {(stop.persona, stop.slug): i for i, stop in enumerate(stops)}
    views = [(v, lang, mode) for v in a11y.VIEWPORTS for lang in LANGUAGES for mode in MODES]
    results.sort(key=lambda r: (views.index((r["viewport"], r["language"], r["mode"])), order[r["persona"], r["slug"]]))
    report = VAR / "report.json"
    report.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    failing = [r for r in results if r["blocking"]]
    for text in summary(results):
        print(text)
    print(
        f"\n{len(results)} page views in {time.monotonic() - started:.0f} s; {len(failing)} fail "
        f"(critical/serious axe violations, elder targets under {a11y.ELDER_TARGET_PX} px, HTTP errors)."
    )
    print(
        f"Screenshots: {VAR.relative_to(REPO)}/<viewport>/<lang>-<mode>/<page>.png  Details: {report.relative_to(REPO)}"
    )
    return len(failing)


def main() -> int:
    options = _options()

    from playwright.sync_api import sync_playwright

    a11y.axe_source()  # fail early, with the fix, when `npm ci` has not run
    VAR.mkdir(parents=True, exist_ok=True)
    _lock = _wait_for_other_tours()  # held open until the tour ends
    port = free_port()
    env = server_environment(port)
    # This process reads the same database to find a full and a past activity and a certificate.
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "LIFELONG_DEMO", "DATABASE_URL", "MEDIA_ROOT")})
    database_ready(env, fresh=options.fresh)
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    base_url = f"http://127.0.0.1:{port}"
    import django

    django.setup()
    objects = a11y.demo_pages()  # before Playwright: its event loop would make the ORM refuse to run
    started = time.monotonic()
    server = server_start(env, port, VAR / "server.log", ready_path="/accounts/login/")
    results: list[dict] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=a11y.CHROMIUM, headless=True, args=a11y.CHROMIUM_FLAGS)
            stops = discover(browser, base_url, objects)
            browser.close()
        if options.only:
            stops = [stop for stop in stops if options.only in stop.slug or options.only in stop.url]
        if options.list:
            for stop in stops:
                print(f"{stop.persona:<13} {stop.slug:<40} {stop.url}")
            return 0
        viewports = [options.viewport] if options.viewport else list(a11y.VIEWPORTS)
        if not options.only:  # a whole tour leaves no screenshot of a page that is gone
            for viewport in viewports:
                shutil.rmtree(VAR / viewport, ignore_errors=True)
        work = shares(stops, max(1, options.jobs))
        print(
            f"Touring {len(stops)} pages × {len(viewports) * 4} views at {base_url} in {len(work)} browsers\n",
            flush=True,
        )
        # Separate processes, not threads: Playwright's sync API wants a thread of its own.
        with ProcessPoolExecutor(len(work), mp_context=multiprocessing.get_context("spawn")) as pool:
            for share_results in pool.map(tour_worker, [base_url] * len(work), work, [viewports] * len(work)):
                results += share_results
    finally:
        server_stop(server)
    failing = _report(results, stops, started)
    return 1 if failing and not options.no_fail else 0


if __name__ == "__main__":
    sys.exit(main())
