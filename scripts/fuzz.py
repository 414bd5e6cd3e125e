#!/usr/bin/env python3
"""`make fuzz`: schemathesis against the running app's OpenAPI document, once per persona.

The demo county is loaded once into a fresh SQLite database (var/fuzz/demo.sqlite3). Each role
then gets its own copy of that database and of the demo's uploads, its own gunicorn on a free
port of 127.0.0.1, and one `schemathesis run` of /api/v1/openapi.json with every check on. A role
starts from the untouched demo, so what an earlier role cancelled, published or revoked never
makes a later role's run meaningless, and each role's run is the same whatever ran before it or
beside it (FUZZ_JOBS roles run side by side, 2 by default).

Roles: anonymous (no token), then the demo personas with a bearer token from
`POST /api/v1/auth/token`: learner 13900000005, organizer 13900000004, village admin
13900000003, town admin 13900000002 and county admin 13900000001. The app runs in demo mode
(LIFELONG_DEMO=1, as `make run`), where staff two-factor is relaxed, so staff tokens come
without a TOTP code; production settings refuse demo mode, nothing here weakens them.

Anonymous runs every operation; a persona runs the operations that declare a security scheme
(required or optional bearer): the others never receive the token, so they would only repeat
the anonymous run.

Generation is derandomized (schemathesis' deterministic mode, no example database, one
worker), so two runs on the same day and code send the same requests. FUZZ_EXAMPLES (default
50) is the number of cases per operation in the fuzzing phase; CI runs 5, and FUZZ_PHASES
(default: all four) without the coverage phase. FUZZ_ROLES=learner,town picks roles. Each
role's console output, JSON, JUnit and NDJSON reports and server log are in var/fuzz/<role>/;
var/fuzz/report.md sums them up. The exit code is 1 when any role has a failure or an error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from local_server import free_port, server_start, server_stop  # scripts/ is the script's own folder

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "fuzz"
DEMO_DATABASE = VAR / "demo.sqlite3"
DEMO_MEDIA = VAR / "demo-media"
PYTHON = REPO / ".venv" / "bin" / "python"
SCHEMATHESIS = REPO / ".venv" / "bin" / "schemathesis"
PASSWORD = "lifelong-demo"  # noqa: S105 - the demo personas' published password
API = "/api/v1"
PHASES = ("examples", "coverage", "fuzzing", "stateful")


@dataclass(frozen=True)
class Role:
    name: str
    phone: str | None
    who: str


ROLES = (
    Role("anonymous", None, "no token"),
    Role("learner", "13900000005", "learner born 1950, Tongyuan village"),
    Role("organizer", "13900000004", "organizer, Tongyuan community school"),
    Role("village", "13900000003", "village admin, Tongyuan village"),
    Role("town", "13900000002", "town admin, Wuyuan subdistrict"),
    Role("county", "13900000001", "county admin, Haiyan"),
)

# Operations a persona's main run leaves out, each with the reason; they run in a second,
# short pass at the end of the role (see `role_run`).
LAST = {
    # Revoking the token the run carries would turn every later request into a 401.
    ("DELETE", f"{API}/auth/token"): "revokes the run's own token",
}


# Operations that refuse some schema-valid requests by a documented rule of their own, which
# JSON Schema cannot say (a rule across fields, about the state of the data, or a numbering plan):
# for them the positive_data_acceptance check (ST202) also takes that refusal's status, and the
# positive_refusal_codes check (scripts/fuzz_checks.py) holds such a refusal to the error codes
# listed for its status, so a mismatch the document could say (a format, a length, an enum,
# answered 422 `invalid`) still fails. `invalid`, the generic code, is listed only where a real rule
# still answers with it (KNOWN_INVALID: to be given a code of its own, then taken out). Every other
# check stays on for them, and every other operation is held to the defaults. Each entry names
# the rule; a refusal that the document could say belongs in the document.
PHONE_RULE = (
    "422 invalid_phone: a mainland mobile number is one by the numbering plan's ranges (phonenumbers), "
    "written in any of the ways people write it (+86, 0086, spaces, dashes); no pattern says that"
)
SMS_CODE_RULE = "400 invalid_code: the code must be the one just sent by SMS to that number"
# The generic code, kept only where the fuzzer found a real rule still answering with it (a
# format or cross-field rule with no code of its own yet); give the rule its own code, then drop it.
KNOWN_INVALID = "invalid"
SESSION_TIMES = {"invalid_period", "session_too_long", "session_in_past", "session_too_far_ahead"}
# Creating and editing an activity share their rules (activities/services.py, editing.py).
ACTIVITY_CODES = {
    422: SESSION_TIMES | {"no_sessions", "booking_too_long", "over_venue_capacity", "invalid_phone", KNOWN_INVALID}
}
ACTIVITY_RULES = (
    "422 the session time rules (see the sessions), no_sessions, booking_too_long; over_venue_capacity: "
    "above a venue's seats without an admin's override; invalid_phone: the contact number is a mainland "
    "mobile or a landline with its area code (a numbering plan); KNOWN_INVALID: an offline reserve above "
    "the capacity answers 422 `invalid` on `reserved_offline` (the model's constraint)"
)
POSITIVE_REFUSALS: dict[str, tuple[dict[int, set[str]], str]] = {
    f"POST {API}/auth/token": ({422: {"invalid_phone"}}, PHONE_RULE),
    f"POST {API}/auth/signup/code": ({422: {"invalid_phone"}}, PHONE_RULE),
    f"POST {API}/auth/password-reset": ({422: {"invalid_phone"}}, PHONE_RULE),
    f"POST {API}/auth/password-reset/confirm": (
        {400: {"invalid_code"}, 422: {"invalid_phone", "weak_password"}},
        f"{PHONE_RULE}; {SMS_CODE_RULE}; 422 weak_password",
    ),
    f"POST {API}/auth/signup": (
        {400: {"invalid_code"}, 422: {"invalid_phone", "invalid_region", "weak_password"}},
        f"{PHONE_RULE}; {SMS_CODE_RULE}; 422 invalid_region (a village's code, not a town's), weak_password",
    ),
    f"POST {API}/activities/{{activity_id}}/registrations": (
        {
            422: {
                "invalid_phone",
                "birth_year_unknown",
                "ineligible_age",
                "ineligible_residence",
                "residence_unconfirmed",
            }
        },
        "422 birth_year_unknown, ineligible_age, ineligible_residence, residence_unconfirmed: who may register "
        "for which activity (activities/services.py eligibility_problem); invalid_phone: a walk-in's number at "
        "the desk (not_open, registration_closed, campaign_cap, full, already_registered are 409s)",
    ),
    f"PATCH {API}/sessions/{{session_id}}": (
        {422: SESSION_TIMES},
        "422 invalid_period, session_too_long, session_in_past, session_too_far_ahead: a session's end "
        "against its start, and both against today (activities/session_times.py)",
    ),
    f"POST {API}/sessions/{{session_id}}/checkins": (
        {422: {"invalid_token", "not_registered"}},
        "422 invalid_token: a venue code is signed and good for its time slot only; not_registered",
    ),
    f"POST {API}/venues/{{venue_id}}/bookings": (
        {422: {"invalid_period", "booking_too_long", "booking_in_past"}},
        "422 invalid_period, booking_too_long, booking_in_past: a booking's end against its start and today",
    ),
    f"POST {API}/honor-calls": (
        {422: {"wrong_level", KNOWN_INVALID}},
        "422 wrong_level: calls are for the county or a town, not a village (all three are region codes); "
        "KNOWN_INVALID: closes_on before opens_on answers 422 `invalid` (honours/services.py)",
    ),
    f"POST {API}/honor-calls/{{call_id}}/nominations": (
        {422: {"kind_not_accepted"}},
        "422 kind_not_accepted: a call takes the kinds of recipient it was opened for (its `accepts`)",
    ),
    f"POST {API}/honor-calls/{{call_id}}/award": (
        {422: {"unknown_nomination", "no_nominations"}},
        "422 unknown_nomination, no_nominations: the nominations must be submitted ones of this call",
    ),
    f"POST {API}/learning-records/{{record_id}}/reverse": (
        {422: {"reason_required", "not_reversible"}},
        "422 reason_required: two characters or more besides spaces; not_reversible: a correction itself",
    ),
    f"POST {API}/certificates/{{serial}}/revoke": (
        {422: {"reason_required"}},
        "422 reason_required: two characters or more besides spaces",
    ),
    f"POST {API}/activities/{{activity_id}}/copy": (
        {422: {"session_in_past", "session_too_far_ahead"}},
        "422 session_in_past, session_too_far_ahead: the copy's sessions, shifted, must lie from a week ago "
        "to two years ahead (activities/session_times.py)",
    ),
    f"POST {API}/activities": (ACTIVITY_CODES, ACTIVITY_RULES),
    f"PATCH {API}/activities/{{activity_id}}": (ACTIVITY_CODES, ACTIVITY_RULES),
    f"POST {API}/articles/{{article_id}}/correction/reject": (
        {422: {"reason_required"}},
        "422 reason_required: two characters or more besides spaces",
    ),
    f"GET {API}/learning-stars": (
        {422: {KNOWN_INVALID}},
        "KNOWN_INVALID: date_from after date_to answers 422 `invalid` on `date_from` (passport/api.py)",
    ),
    f"PATCH {API}/resources/{{resource_id}}": (
        {422: {"url_required", KNOWN_INVALID}},
        "422 url_required: a link needs its address; KNOWN_INVALID: an address that is not an http(s) URL with "
        "a real host (the model's URLValidator) answers 422 `invalid` on `url`",
    ),
    f"POST {API}/resources": (
        {422: {"url_required", KNOWN_INVALID}},
        "422 url_required: a link needs its address; KNOWN_INVALID: an address that is not an http(s) URL with "
        "a real host (the model's URLValidator) answers 422 `invalid` on `url`",
    ),
}


# Path parameters and where the demo keeps their values. Schemathesis learns ids from the answers
# it reads, but a persona runs only the operations that take a token, and a slug or a serial is
# seldom guessed: half of the cases of the fuzzing phase take one of the demo's own values, so the
# operations get past "not found" to their real work (the other half stay random).
TEST_DATA = {
    "activity_id": "SELECT id FROM activities_activity",
    "session_id": "SELECT id FROM activities_session",
    "registration_id": "SELECT id FROM activities_registration",
    "slug": "SELECT slug FROM campaigns_campaign UNION ALL SELECT slug FROM community_programme",
    "serial": "SELECT serial FROM passport_certificate",
    "record_id": "SELECT id FROM passport_learningrecord",
    "team_id": "SELECT id FROM community_team",
    "membership_id": "SELECT id FROM community_teammembership",
    "call_id": "SELECT id FROM honours_honorcall",
    "nomination_id": "SELECT id FROM honours_nomination",
    "resource_id": "SELECT id FROM resources_resource",
    "article_id": "SELECT id FROM news_article",
    "learner_id": "SELECT id FROM accounts_user",
    "institution_id": "SELECT id FROM institutions_institution",
    "venue_id": "SELECT id FROM institutions_venue",
    "booking_id": "SELECT id FROM institutions_venuebooking",
}
TEST_DATA_VALUES = 40  # per parameter, the first ones of the demo (its personas' own come first)


def test_data() -> dict[str, list]:
    with closing(sqlite3.connect(DEMO_DATABASE)) as connection:
        found = {}
        for name, query in TEST_DATA.items():
            values = [row[0] for row in connection.execute(f"{query} ORDER BY 1 LIMIT {TEST_DATA_VALUES}")]  # noqa: S608
            if values:
                found[name] = values
        return found


# --- the schemathesis configuration, with the reason for everything that is not a default ------


def config_text(role: Role, *, examples: int, phases: str, schemes: list[str], data: dict[str, list]) -> str:
    """schemathesis.toml for one role. Every check is on (`[checks] enabled = true`, which is
    what `--checks all` sets); the settings below only make the run repeatable and fast.
    object_level_authorization compares identities of one run and so finds nothing with one
    token a run: which persona sees which object is the access matrices' work
    (lifelong/*/tests/test_access_matrix.py), each role's run here checks its own answers."""
    lines = [
        "# Written by scripts/fuzz.py for one role; edit the script, not this file.",
        "workers = 1  # one worker: the order of requests, and so the run, is the same each time",
        "continue-on-failure = true  # report every failure of an operation, not the first",
        "[checks]",
        "enabled = true",
        "[phases]",
        *[f"{phase}.enabled = {str(phase in phases.split(',')).lower()}" for phase in PHASES],
        # A scenario of many steps mostly repeats the fuzzing phase's requests.
        "stateful.max-steps = 6",
        "[generation]",
        f"max-examples = {examples}",
        "deterministic = true  # derandomized: the same cases every run (the seed is unused)",
        'database = "none"  # no example database carried from one run to the next',
    ]
    for name, values in sorted(data.items()):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values, ensure_ascii=False)}"]
    if data:
        lines.append("[parameters]")
        lines += [f'"path.{name}" = {{ dictionary = "{name}", probability = 0.5 }}' for name in sorted(data)]
    for name, (codes, _rule) in sorted(POSITIVE_REFUSALS.items()):
        expected = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx", *map(str, sorted(codes))]
        lines += [
            "[[operations]]",
            f"include-name = {json.dumps(name)}",
            f"checks.positive_data_acceptance.expected-statuses = {json.dumps(expected)}",
        ]
    if role.phone:
        # The document's bearer scheme(s); an operation whose token is optional lists it beside {}.
        for scheme in schemes:
            lines += [f"[auth.openapi.{scheme}]", 'bearer = "${FUZZ_TOKEN}"']
    else:
        # Without this schemathesis signs up through POST /auth/signup by itself (it needs an
        # SMS code, so it fails, and the anonymous run would not be anonymous if it did not).
        lines += ["[auth]", "auto-signup = false"]
    return "\n".join(lines) + "\n"


# --- the demo database and one server per role ----------------------------------------------------


def server_environment(database: Path, media: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LIFELONG_STAFF_2FA", None)  # demo mode relaxes staff two-factor: staff tokens need no TOTP
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        LIFELONG_DEMO="1",
        DATABASE_URL=f"sqlite:///{database}",
        STATIC_ROOT_OVERRIDE=str(VAR / "static"),
        MEDIA_ROOT=str(media),
        SMS_BACKEND="lifelong.notifications.sms.FileSmsBackend",
        SMS_FILE_PATH=str(media.parent / "sms"),
        SITE_URL=f"http://127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - fixed argv
        [str(PYTHON), "manage.py", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
    )


def demo_database() -> None:
    """A fresh database with the demo county, loaded once per `make fuzz`."""
    print("Loading the demo into a fresh database...", flush=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DEMO_DATABASE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(DEMO_MEDIA, ignore_errors=True)
    env = server_environment(DEMO_DATABASE, DEMO_MEDIA, 0)
    manage(env, "migrate", "--noinput", "--verbosity=0")
    manage(env, "demo_load")
    manage(env, "dashboards_refresh")
    # One file that a copy takes whole: fold the write-ahead log back into the database.
    with closing(sqlite3.connect(DEMO_DATABASE)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def token_for(port: int, phone: str) -> str:
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        f"http://127.0.0.1:{port}{API}/auth/token",
        data=json.dumps({"phone": phone, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)["token"]


def operations(port: int) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """(method, path, takes a token) of every operation in the document, and its bearer schemes."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{API}/openapi.json", timeout=10) as response:  # noqa: S310
        document = json.load(response)
    schemes = sorted(document.get("components", {}).get("securitySchemes", {}))
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                secured = any(name in schemes for entry in operation.get("security", []) for name in entry)
                found.append((method.upper(), path, secured))
    return found, schemes


# --- one role ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    role: Role
    operations: int = 0
    cases: int = 0
    failures: int = 0
    errors: int = 0
    by_code: dict[str, list[str]] = field(default_factory=dict)
    error_lines: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, report: dict) -> None:
        self.operations += report["operations"]["tested"]
        self.cases += report["test_cases"]["generated"]
        self.failures += report["test_cases"]["unique_failures"]
        for failure in report["failures"]:
            key = f"{failure['code']} {failure['title']}"
            self.by_code.setdefault(key, []).extend(failure["operations"])
        for error in report["errors"]:
            self.errors += 1
            self.error_lines.append(json.dumps(error, ensure_ascii=False)[:300])
        for name, labels in report["warnings"].items():
            if labels:
                self.warnings.setdefault(name, []).extend(labels)


def schemathesis_run(
    role: Role, port: int, token: str | None, selected: list[tuple[str, str]], *, name: str, **settings
) -> dict:
    folder = VAR / role.name
    config = folder / f"{name}.toml"
    config.write_text(config_text(role, **settings))
    pattern = "^(" + "|".join(re.escape(f"{method} {path}") for method, path in selected) + ")$"
    # The hooks add the positive_refusal_codes check (the codes of POSITIVE_REFUSALS).
    hooks = str(REPO / "scripts" / "fuzz_checks.py")
    env = dict(os.environ, FUZZ_TOKEN=token or "", NO_COLOR="1", SCHEMATHESIS_HOOKS=hooks)
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"http://127.0.0.1:{port}{API}/openapi.json",
        "--include-name-regex",
        pattern,
        "--no-color",
        "--report",
        "json,junit,ndjson",
        "--report-dir",
        str(folder),
        "--report-json-path",
        str(folder / f"{name}.json"),
        "--report-junit-path",
        str(folder / f"{name}.junit.xml"),
        "--report-ndjson-path",
        str(folder / f"{name}.ndjson"),
    ]
    with (folder / f"{name}.txt").open("w") as output:
        subprocess.run(command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    return json.loads((folder / f"{name}.json").read_text())


def role_run(role: Role, *, examples: int, phases: str) -> Outcome:
    folder = VAR / role.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    database = folder / "db.sqlite3"
    shutil.copyfile(DEMO_DATABASE, database)
    shutil.copytree(DEMO_MEDIA, folder / "media")
    port = free_port()
    outcome = Outcome(role)
    started = time.monotonic()
    server = server_start(
        server_environment(database, folder / "media", port),
        port,
        folder / "server.log",
        ready_path=f"{API}/openapi.json",
    )
    try:
        token = token_for(port, role.phone) if role.phone else None
        every, schemes = operations(port)
        settings = {"examples": examples, "phases": phases, "schemes": schemes, "data": test_data()}
        chosen = [(method, path) for method, path, secured in every if secured or not role.phone]
        main = [operation for operation in chosen if not (role.phone and operation in LAST)]
        outcome.add(schemathesis_run(role, port, token, main, name="main", **settings))
        last = [operation for operation in chosen if role.phone and operation in LAST]
        if last:
            outcome.add(schemathesis_run(role, port, token, last, name="last", **settings))
    finally:
        server_stop(server)
    outcome.seconds = time.monotonic() - started
    return outcome


# --- the report ----------------------------------------------------------------------------------


def report(outcomes: list[Outcome], *, examples: int, phases: str, seconds: float) -> str:
    lines = [
        "# Fuzzing the API (schemathesis, every check)",
        "",
        f"Phases {phases.replace(',', ', ')}; {examples} cases per operation in the fuzzing phase; "
        "each role on its own copy of the demo; "
        f"{seconds / 60:.1f} minutes in all.",
        "",
        "| Role | Persona | Operations | Cases | Failures | Errors | Time |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for outcome in outcomes:
        persona = f"{outcome.role.phone} ({outcome.role.who})" if outcome.role.phone else outcome.role.who
        lines.append(
            f"| {outcome.role.name} | {persona} | {outcome.operations} | {outcome.cases} | "
            f"{outcome.failures} | {outcome.errors} | {outcome.seconds:.0f} s |"
        )
    for outcome in outcomes:
        if not (outcome.by_code or outcome.error_lines):
            continue
        lines += ["", f"## {outcome.role.name}", ""]
        for key, labels in sorted(outcome.by_code.items()):
            lines.append(f"- **{key}**: {', '.join(sorted(set(labels)))}")
        for line in outcome.error_lines:
            lines.append(f"- **error**: `{line}`")
        for name, labels in sorted(outcome.warnings.items()):
            # Warnings fail nothing: missing_auth (anonymous), missing_test_data (what a role may
            # not see answers 404), validation_mismatch (the POSITIVE_REFUSALS operations).
            lines.append(f"- warning {name}: {len(set(labels))} operations (see main.txt)")
        lines.append(f"- details: var/fuzz/{outcome.role.name}/main.txt (curl to reproduce each), server.log")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "50")))
    parser.add_argument(
        "--phases",
        default=os.environ.get("FUZZ_PHASES", ",".join(PHASES)),
        help="comma-separated schemathesis phases (CI leaves out coverage, the slow one)",
    )
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("FUZZ_JOBS", "2")), help="roles at a time")
    parser.add_argument("--roles", default=os.environ.get("FUZZ_ROLES", ""), help="comma-separated role names")
    arguments = parser.parse_args()
    if not set(arguments.phases.split(",")) <= set(PHASES):
        parser.error(f"phases are among {', '.join(PHASES)}")
    names = [name for name in arguments.roles.split(",") if name]
    unknown = set(names) - {role.name for role in ROLES}
    if unknown:
        parser.error(f"unknown roles {', '.join(sorted(unknown))}; pick from {', '.join(r.name for r in ROLES)}")
    roles = [role for role in ROLES if not names or role.name in names]

    VAR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    demo_database()
    print(
        f"Fuzzing {', '.join(role.name for role in roles)}: phases {arguments.phases}, "
        f"{arguments.examples} cases per operation, "
        f"{arguments.jobs} at a time...",
        flush=True,
    )

    def one(role: Role) -> Outcome:
        outcome = role_run(role, examples=arguments.examples, phases=arguments.phases)
        print(
            f"  {role.name}: {outcome.operations} operations, {outcome.cases} cases, {outcome.failures} failures, "
            f"{outcome.errors} errors ({outcome.seconds:.0f} s)",
            flush=True,
        )
        return outcome

    # Each role has its own database and server, so roles run side by side without touching each
    # other, and each run is the same as it would be alone.
    with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
        outcomes = list(pool.map(one, roles))
    text = report(outcomes, examples=arguments.examples, phases=arguments.phases, seconds=time.monotonic() - started)
    (VAR / "report.md").write_text(text)
    print()
    print(text)
    failed = sum(outcome.failures + outcome.errors for outcome in outcomes)
    print(f"Report: {(VAR / 'report.md').relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
