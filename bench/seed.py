"""Seed the bench database with a county-scale Learning Week rush and write the request lists.

Run by rush.py as `python -m bench.seed OUT_DIR` with DJANGO_SETTINGS_MODULE=bench.settings,
into a freshly migrated, empty database. Writes to OUT_DIR:

- plan.json: the activity ids of every phase, capacities, demand shares and counts;
- one request list per load phase, a line per request: `METHOD PATH TOKEN` (`-`: no token).

Rows are bulk-created (30,000 learners one by one through the services would take minutes);
the values are the ones the services would write: published activities with one session in
the Learning Week campaign, learners with an unusable password, API tokens stored as their
SHA-256 only.
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
LEARNERS = 30_000  # the learners of the request lists, each with an API token
# Learners with tokens who appear only in the in-process profile's requests (bench/profile.py),
# so that the load phases cannot have used up their campaign cap.
PROFILE_LEARNERS = 300
# Learners who registered before the measured window; rush.py gives them the seats it
# pre-fills (see there). They send no request.
EARLIER_LEARNERS = 21_000
RUSH_ACTIVITIES = 300
RUSH_SEATS = 15_000
# The headline activities (the county library's famous lecture, ...) and their seats.
HEADLINE_CAPACITIES = [400, 350, 300, 250, 200]
ZIPF_S = 1.0  # demand for the activity of rank r is proportional to 1 / r**s
ATTEMPTS_PER_LEARNER = 2  # every learner tries for two different rush activities ...
GREEDY_SHARE = 0.03  # ... and a few try for two more, past the campaign's cap
CAMPAIGN_CAP = 3  # active registrations per learner in the Learning Week
DOUBLE_CLICK_SHARE = 0.02  # requests sent twice in a row (an impatient second tap)
# The rush list is split in two: the closed-loop phase runs through part A, the fixed-rate
# phase through part B, so neither repeats a request of the other.
RUSH_A_SHARE = 0.7
HOT_CAPACITY = 5_000
BARE_ACTIVITIES = 300
BARE_CAPACITY = 10_000_000


def main(out: Path) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from lifelong.accounts.models import APIToken, User, hash_token
    from lifelong.activities.models import Activity, Registration, Session
    from lifelong.campaigns.models import Campaign
    from lifelong.institutions.models import Institution
    from lifelong.regions.models import Region
    from lifelong.site.demo.load import demo_county_load

    rng = random.Random(SEED)  # noqa: S311 - a reproducible rush, nothing secret
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    demo_county_load(with_activities=False)
    organizer = User.objects.get(phone="13900000004")
    county = Region.objects.get(level="county")
    villages = list(Region.objects.filter(level="village").values_list("pk", flat=True))
    institutions = list(Institution.objects.values_list("pk", flat=True))
    now = timezone.now()
    expires = now + timedelta(days=2)

    # --- Learners and their API tokens -------------------------------------------------------
    unusable = make_password(None)  # one unusable hash for all: nobody signs in with a password

    def learner(phone: str, name: str) -> User:
        return User(
            phone=phone,
            name=name,
            home_region_id=rng.choice(villages),
            birth_year=rng.randint(1940, 2008),
            password=unusable,
        )

    users = [learner(f"137{n:08d}", f"学员{n:05d}") for n in range(LEARNERS + PROFILE_LEARNERS)]
    earlier = [learner(f"136{n:08d}", f"早报名{n:05d}") for n in range(EARLIER_LEARNERS)]
    with transaction.atomic():
        User.objects.bulk_create(users + earlier, batch_size=5000)
    raw_tokens = [secrets.token_urlsafe(32) for _ in users]
    with transaction.atomic():
        APIToken.objects.bulk_create(
            [
                APIToken(user_id=u.pk, key_hash=hash_token(raw), expires_at=expires, two_factor_verified=False)
                for u, raw in zip(users, raw_tokens, strict=True)
            ],
            batch_size=5000,
        )

    # --- The campaign and its activities -------------------------------------------------------
    week = Campaign.objects.create(
        slug="learning-week-2026",
        name="2026 全民终身学习活动周",
        name_en="Lifelong Learning Week 2026",
        starts_on=(now + timedelta(days=10)).date(),
        ends_on=(now + timedelta(days=16)).date(),
        host_region=county,
        registration_cap=CAMPAIGN_CAP,
    )

    def activity(title: str, capacity: int, *, waitlist: bool = True, campaign: Campaign | None = None) -> Activity:
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
            campaign=campaign,
            campaign_status="accepted" if campaign else "",  # in the campaign's programme
        )

    tail = RUSH_ACTIVITIES - len(HEADLINE_CAPACITIES)
    tail_seats = RUSH_SEATS - sum(HEADLINE_CAPACITIES)
    weights = [rng.uniform(0.3, 1.7) for _ in range(tail)]
    tail_caps = [max(5, int(tail_seats * w / sum(weights))) for w in weights]
    tail_caps[-1] += tail_seats - sum(tail_caps)
    tail_caps.sort(reverse=True)  # bigger rooms draw more demand, roughly
    capacities = HEADLINE_CAPACITIES + tail_caps
    if sum(capacities) != RUSH_SEATS or min(capacities) < 1:
        raise ValueError("capacities do not add up")
    rush = [activity(f"学习周活动 {rank + 1:03d}", cap, campaign=week) for rank, cap in enumerate(capacities)]
    hot = activity("学习周开幕大讲堂 (hot)", HOT_CAPACITY, campaign=week)
    full = activity("已满活动 (full, no waitlist)", 1, waitlist=False, campaign=week)
    bare = [activity(f"bench-bare {n:03d}", BARE_CAPACITY) for n in range(BARE_ACTIVITIES)]
    bare_hot = activity("bench-bare hot", BARE_CAPACITY)
    # For the in-process profile: one with seats to spare, one full with a waitlist.
    profile_open = activity("剖析用活动 (profile, open)", 10_000, campaign=week)
    profile_full = activity("剖析用活动 (profile, full, waitlist)", 1, campaign=week)
    everything = [*rush, hot, full, *bare, bare_hot, profile_open, profile_full]
    with transaction.atomic():
        Activity.objects.bulk_create(everything, batch_size=1000)
        starts = now + timedelta(days=10)
        Session.objects.bulk_create(
            [Session(activity=a, starts_at=starts, ends_at=starts + timedelta(hours=2)) for a in everything]
        )
        # The one seat of each full activity is held by a real registration, so counters agree.
        for one_seat, holder in ((full, earlier[-1]), (profile_full, earlier[-2])):
            Registration.objects.create(
                activity=one_seat, learner=holder, status="confirmed", channel="online", registered_by=holder
            )
            Activity.objects.filter(pk=one_seat.pk).update(seats_taken=1, seats_taken_online=1)

    # --- Request lists -------------------------------------------------------------------------
    def registration(activity_id: int, learner: int) -> str:
        return f"POST /api/v1/activities/{activity_id}/registrations {raw_tokens[learner]}"

    demand = [1 / (rank + 1) ** ZIPF_S for rank in range(RUSH_ACTIVITIES)]
    attempts: list[tuple[int, int]] = []
    for learner_index in range(LEARNERS):
        tries = ATTEMPTS_PER_LEARNER + (2 if rng.random() < GREEDY_SHARE else 0)
        mine: set[int] = set()
        while len(mine) < tries:
            mine.add(rng.choices(range(RUSH_ACTIVITIES), weights=demand)[0])
        attempts += [(learner_index, pick) for pick in mine]
    rng.shuffle(attempts)
    lines: list[str] = []
    for learner_index, pick in attempts:
        line = registration(rush[pick].pk, learner_index)
        lines.append(line)
        if rng.random() < DOUBLE_CLICK_SHARE:
            lines.append(line)  # the same learner, the same activity, at once
    split = int(len(lines) * RUSH_A_SHARE)
    rush_a, rush_b = lines[:split], lines[split:]
    hot_order = list(range(LEARNERS))
    rng.shuffle(hot_order)
    profile_learners = range(LEARNERS, LEARNERS + PROFILE_LEARNERS)
    hot_lines = [registration(hot.pk, n) for n in hot_order]
    full_lines = [registration(full.pk, n) for n in hot_order[:5000]]
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
        "profile_open": [registration(profile_open.pk, n) for n in profile_learners],
        "profile_full": [registration(profile_full.pk, n) for n in profile_learners],
    }
    for name, rows in files.items():
        (out / f"{name}.txt").write_text("\n".join(rows) + "\n")

    # Leave autovacuum nothing to do during the run, and start from a clean checkpoint.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    plan = {
        "seed": SEED,
        "learners": LEARNERS,
        "earlier_learners": EARLIER_LEARNERS,
        "profile_learners": PROFILE_LEARNERS,
        "earlier_learner_ids": [earlier[0].pk, earlier[-3].pk],  # the pool for pre-filled seats
        "seeded_registrations": 2,
        "campaign_id": week.pk,
        "campaign_cap": CAMPAIGN_CAP,
        "rush_activity_ids": [a.pk for a in rush],
        "rush_capacities": capacities,
        "rush_demand_shares": [d / sum(demand) for d in demand],
        "rush_seats": RUSH_SEATS,
        "hot_activity_id": hot.pk,
        "hot_capacity": HOT_CAPACITY,
        "full_activity_id": full.pk,
        "bare_activity_ids": [a.pk for a in bare],
        "bare_hot_activity_id": bare_hot.pk,
        "profile_activity_ids": [profile_open.pk, profile_full.pk],
        "requests": {name: len(rows) for name, rows in files.items()},
        "double_clicks": len(lines) - len(attempts),
        "greedy_share": GREEDY_SHARE,
        "zipf_s": ZIPF_S,
        "headline_capacities": HEADLINE_CAPACITIES,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / "plan.json").write_text(json.dumps(plan))
    print(
        f"seeded {LEARNERS:,} learners with tokens (+{EARLIER_LEARNERS:,} earlier registrants), "
        f"{len(everything)} activities, {len(lines):,} rush requests in {plan['seconds']} s"
    )


if __name__ == "__main__":
    django.setup()
    main(Path(sys.argv[1]))
