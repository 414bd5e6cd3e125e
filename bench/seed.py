"""Seed the bench database with a county-scale Learning Week rush and write the request lists.

Run by rush.py as `python -m bench.seed OUT_DIR` with DJANGO_SETTINGS_MODULE=bench.settings,
into a freshly migrated, empty database. Writes to OUT_DIR:

- plan.json: the activity ids of every phase, capacities and counts;
- one request list per load phase, a line per request: `METHOD PATH TOKEN` (`-`: no token).

Rows are bulk-created (30,000 learners one by one through the services would take minutes);
the values are the ones the services would write: published activities with one session,
learners with an unusable password, and API tokens stored as their SHA-256 only.
"""

import json
import random
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

SEED = 20261109  # the same rush every run
LEARNERS = 30_000
RUSH_ACTIVITIES = 300
RUSH_SEATS = 15_000
# The headline activities (the county library's famous lecture, ...) and their seats.
HEADLINE_CAPACITIES = [400, 350, 300, 250, 200]
ZIPF_S = 1.0  # demand for the activity of rank r is proportional to 1 / r**s
ATTEMPTS_PER_LEARNER = 3  # a learner tries for up to this many different activities
# The rush list is split in two: the closed-loop phase runs through part A, the fixed-rate
# phase through part B (disjoint, so neither repeats a request of the other).
RUSH_A = 42_000
RUSH_B = 18_000
DOUBLE_CLICK_SHARE = 0.02  # requests sent twice in a row (an impatient second tap)
HOT_CAPACITY = 5_000
BARE_ACTIVITIES = 300
BARE_CAPACITY = 10_000_000


def main(out: Path) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from lifelong.accounts.models import APIToken, User, hash_token
    from lifelong.activities.models import Activity, Registration, Session
    from lifelong.common.demo.load import demo_county_load
    from lifelong.institutions.models import Institution
    from lifelong.regions.models import Region

    rng = random.Random(SEED)  # noqa: S311 - a reproducible rush, nothing secret
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    demo_county_load(with_activities=False)
    organizer = User.objects.get(phone="13900000004")
    villages = list(Region.objects.filter(level="village").values_list("pk", flat=True))
    institutions = list(Institution.objects.values_list("pk", flat=True))
    now = timezone.now()
    expires = now + timedelta(days=2)

    # --- Learners and their API tokens -------------------------------------------------------
    unusable = make_password(None)  # the same unusable hash for all: nothing signs in with it
    users = [
        User(
            phone=f"137{n:08d}",
            name=f"学员{n:05d}",
            home_region_id=rng.choice(villages),
            birth_year=rng.randint(1940, 2008),
            password=unusable,
        )
        for n in range(LEARNERS)
    ]
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=5000)
    raw_tokens = [secrets.token_urlsafe(32) for _ in users]
    with transaction.atomic():
        APIToken.objects.bulk_create(
            [
                APIToken(user_id=u.pk, key_hash=hash_token(raw), expires_at=expires, two_factor_verified=False)
                for u, raw in zip(users, raw_tokens, strict=True)
            ],
            batch_size=5000,
        )

    # --- Activities ----------------------------------------------------------------------------
    def activity(title: str, capacity: int, *, waitlist: bool = True) -> Activity:
        return Activity(
            institution_id=rng.choice(institutions),
            title=title,
            category=rng.choice(["reading", "culture", "arts", "health", "digital_skills", "family"]),
            audiences=",all,",
            capacity=capacity,
            reserved_offline=0,
            registration_opens=now - timedelta(hours=1),
            registration_closes=now + timedelta(days=7),
            waitlist=waitlist,
            offer_hours=24,
            hours=2,
            status="published",
            created_by=organizer,
        )

    tail = RUSH_ACTIVITIES - len(HEADLINE_CAPACITIES)
    tail_seats = RUSH_SEATS - sum(HEADLINE_CAPACITIES)
    weights = [rng.uniform(0.3, 1.7) for _ in range(tail)]
    tail_caps = [max(5, int(tail_seats * w / sum(weights))) for w in weights]
    tail_caps[-1] += tail_seats - sum(tail_caps)
    tail_caps.sort(reverse=True)  # bigger rooms draw more demand, roughly
    capacities = HEADLINE_CAPACITIES + tail_caps
    assert sum(capacities) == RUSH_SEATS and min(capacities) >= 1  # noqa: S101
    rush = [activity(f"学习周活动 {rank + 1:03d}", cap) for rank, cap in enumerate(capacities)]
    hot = activity("学习周开幕大讲堂 (hot)", HOT_CAPACITY)
    full = activity("已满活动 (full, no waitlist)", 1, waitlist=False)
    bare = [activity(f"bench-bare {n:03d}", BARE_CAPACITY) for n in range(BARE_ACTIVITIES)]
    bare_hot = activity("bench-bare hot", BARE_CAPACITY)
    everything = [*rush, hot, full, *bare, bare_hot]
    with transaction.atomic():
        Activity.objects.bulk_create(everything, batch_size=1000)
        starts = now + timedelta(days=10)
        Session.objects.bulk_create(
            [Session(activity=a, starts_at=starts, ends_at=starts + timedelta(hours=2)) for a in everything]
        )
        # The full activity's one seat is held by a real registration, so its counters agree.
        holder = users[-1]
        Registration.objects.create(
            activity=full, learner=holder, status="confirmed", channel="online", registered_by=holder
        )
        Activity.objects.filter(pk=full.pk).update(seats_taken=1, seats_taken_online=1)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # --- Request lists -------------------------------------------------------------------------
    def registration(activity_id: int, learner: int) -> str:
        return f"POST /api/v1/activities/{activity_id}/registrations {raw_tokens[learner]}"

    demand = [1 / (rank + 1) ** ZIPF_S for rank in range(RUSH_ACTIVITIES)]
    order = list(range(LEARNERS - 1))  # the full activity's holder sits the rush out
    rng.shuffle(order)
    chosen: dict[int, set[int]] = {}
    lines: list[str] = []
    wanted = RUSH_A + RUSH_B
    for _round in range(ATTEMPTS_PER_LEARNER):
        for learner in order:
            if len(lines) >= wanted:
                break
            mine = chosen.setdefault(learner, set())
            while True:
                pick = rng.choices(range(RUSH_ACTIVITIES), weights=demand)[0]
                if pick not in mine:
                    break
            mine.add(pick)
            line = registration(rush[pick].pk, learner)
            lines.append(line)
            if rng.random() < DOUBLE_CLICK_SHARE:
                lines.append(line)  # the same learner, the same activity, at once
        rng.shuffle(order)  # the next round of second choices comes in another order
    rush_a, rush_b = lines[:RUSH_A], lines[RUSH_A:]
    hot_order = list(range(LEARNERS - 1))
    rng.shuffle(hot_order)
    hot_lines = [registration(hot.pk, learner) for learner in hot_order]
    full_lines = [registration(full.pk, learner) for learner in hot_order[:5000]]
    bare_lines = [f"POST /bench/take-seat/{a.pk} -" for a in bare]
    rng.shuffle(bare_lines)
    files = {
        "ping": ["GET /bench/ping -"],
        "bare": bare_lines,
        "bare_hot": [f"POST /bench/take-seat/{bare_hot.pk} -"],
        "full": full_lines,
        "rush_a": rush_a,
        "rush_b": rush_b,
        "hot": hot_lines,
    }
    for name, rows in files.items():
        (out / f"{name}.txt").write_text("\n".join(rows) + "\n")
    plan = {
        "seed": SEED,
        "learners": LEARNERS,
        "rush_activity_ids": [a.pk for a in rush],
        "rush_capacities": capacities,
        "rush_seats": RUSH_SEATS,
        "hot_activity_id": hot.pk,
        "hot_capacity": HOT_CAPACITY,
        "full_activity_id": full.pk,
        "bare_activity_ids": [a.pk for a in bare],
        "bare_hot_activity_id": bare_hot.pk,
        "requests": {name: len(rows) for name, rows in files.items()},
        "double_clicks": sum(1 for a, b in zip(lines, lines[1:], strict=False) if a == b),
        "zipf_s": ZIPF_S,
        "headline_capacities": HEADLINE_CAPACITIES,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / "plan.json").write_text(json.dumps(plan))
    print(f"seeded {LEARNERS} learners, {len(everything)} activities in {plan['seconds']} s")


if __name__ == "__main__":
    django.setup()
    main(Path(sys.argv[1]))
