"""Writes for the dashboards: building the rollups of a period and keeping them current. The
task worker runs the refresh and queues the next one (lifelong.dashboards.tasks); the console's
"refresh now" asks it for one at once (lifelong.dashboards.refresh).

What each figure counts (the truth test in `tests/test_rollups_truth.py` recomputes every one
of them from the raw tables, independently):

By the learner's home region (`LearnerRollup`):
- registered_learners: accounts with a home region made (`date_joined`) before the period's
  end, placed by their home region today (accounts keep no history of moves).
- active_learners: learners whose ledger entries dated in the period (`learned_on`) add up to
  more than zero hours: an attendance later reversed leaves nobody active by itself.
- learning_hours: the sum of those entries, corrections (negative reversals, adjustments)
  included. Both are placed by the home region the entry recorded when written
  (`LearningRecord.region`); entries of learners without a home region belong to no region.
  A learner who moved house within a period counts as active in both places.

By the organizing institution's region (`ActivityRollup`, for all activities and per category
and audience):
- activities: published or completed activities with a session starting in the period.
- sessions: those sessions.
- attendances: check-ins at those sessions whose ledger entry was not reversed (a reversal says
  the check-in was wrong; it no longer counts towards completion either).
- expected_attendances: the activity's confirmed registrations (now) × its sessions in the
  period. Someone who attended and cancelled later is an attendance without an expectation,
  so the rate may exceed 1.
- registrations: registrations made (`created_at`) in the period at any of the region's
  activities, whatever became of them.
- waitlisted: of those, the ones that found no seat and joined the waitlist
  (`Registration.was_waitlisted`, kept after promotion or cancellation). Registrations made
  before that flag existed count only if they were still waiting or offered a seat then.
- rejected: of those, the ones refused by the organizer (status rejected). A learner turned
  away with `full` from an activity without a waitlist leaves no row anywhere, and writing one
  on the registration hot path is not worth it: such refusals are not counted.
- learning_hours: ledger hours dated in the period of entries linked to the activity.
- villages_with_activity: 1 on the "all" row of a village (or community) covered in the
  period: a held session of a published or completed activity took place there (at a venue of
  an institution in the village; a session without a venue, at its organizer's) or was kept
  for its residents (the activity is restricted to residents of that village). This is the
  education bureau's 行政村覆盖率: the share of administrative villages the network reached
  with an activity of their own. An activity for the residents of a whole town covers none of
  its villages by itself: one town-wide class at the town school would otherwise mark every
  village of the town as reached, which is exactly what the indicator is meant to tell apart.
  Nor does a learner travelling to the town count for the village they live in: that is
  participation (active learners), not coverage.

Periods are months, quarters and years in county time (Asia/Shanghai): a session belongs to
the period its start falls in, a registration to the period it was made in, an entry to the
period of its date.
"""

import time
import zlib
from collections import defaultdict
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities.checkin import PAPER_SHEET_GRACE
from lifelong.activities.choices import ActivityStatus, RegistrationStatus
from lifelong.activities.models import Attendance, Registration, Session
from lifelong.common.quantities import tenths
from lifelong.passport.models import LearningRecord
from lifelong.regions.choices import RegionLevel
from lifelong.regions.models import Region

from .models import PER_ACTIVITY_FIGURES, ActivityRollup, Dimension, LearnerRollup, PeriodKind, RollupRun
from .selectors import Period

# Activities that count as held: published, or completed (not drafts, rejected or cancelled).
HELD_STATUSES = [ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED]
# A period just ended keeps changing while late paper sign-in sheets come in: it is rebuilt
# with the current ones for as long as a sheet may still be entered.
LATE_ENTRIES = PAPER_SHEET_GRACE


def advisory_lock(name: str) -> None:
    """Serialize writers of `name` until the transaction ends: a PostgreSQL advisory lock.
    SQLite needs none: its IMMEDIATE transactions already let one writer in at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"lifelong.dashboards.{name}".encode())])


# --- Building one period -----------------------------------------------------------------------


def rollups_build(*, period: Period, now: datetime | None = None) -> RollupRun:
    """Recompute every rollup row of `period` from the raw tables and replace the period's
    rows in one transaction, so a dashboard sees either the old figures or the new ones.

    The raw tables are read with a handful of GROUP BY queries (per activity, per region, per
    region and learner); Python only fans the per-activity sums out to the activity's region,
    category and audiences, a loop over the period's activities (thousands), never over
    registrations or ledger entries (millions). The reads run before the write transaction, so
    the write lock (on SQLite, the whole database's) is held only for the delete and insert.
    Builds are serialized; two overlapping builds of one period leave the later's rows.
    `built_at` is `now`: the figures are as of the moment the reads began. The year is the
    costly one (at county scale it reads millions of ledger entries once, in seconds on
    PostgreSQL; `make bench` reports it), and it is still cheaper than any dashboard request
    counting raw rows."""
    now = now or timezone.now()
    started = time.monotonic()
    regions = {pk: (path, level) for pk, path, level in Region.objects.values_list("pk", "path", "level")}
    activity_rows = _activity_rollups(period, regions)
    learner_rows = _learner_rollups(period, regions)
    with transaction.atomic():
        advisory_lock("rollups")
        this_period = Q(period_kind=period.kind, period_start=period.start)
        LearnerRollup.objects.filter(this_period).delete()
        ActivityRollup.objects.filter(this_period).delete()
        LearnerRollup.objects.bulk_create(learner_rows, batch_size=1000)
        ActivityRollup.objects.bulk_create(activity_rows, batch_size=1000)
        run, _created = RollupRun.objects.update_or_create(
            period_kind=period.kind,
            period_start=period.start,
            defaults={
                "built_at": now,
                "duration_ms": int((time.monotonic() - started) * 1000),
                "rows": len(learner_rows) + len(activity_rows),
            },
        )
    return run


# What a per-activity row of each query carries about its activity.
ABOUT = {"category": "category", "audiences": "audiences", "region_id": "institution__region_id"}


def _about(prefix: str) -> list[str]:
    return [f"{prefix}{path}" for path in ABOUT.values()]


def _activity_facts(period: Period) -> dict[int, dict]:
    """Per activity touched by the period: its category, audiences and region, and its
    figures (PER_ACTIVITY_FIGURES). Six grouped queries."""
    start_at, end_at = period.bounds()
    facts: dict[int, dict] = {}
    _count_sessions(facts, start_at, end_at)
    _count_attendances(facts, start_at, end_at)
    _count_expected_attendances(facts, start_at, end_at)
    _count_registrations(facts, start_at, end_at)
    _count_learning_hours(facts, period)
    return facts


def _fact(facts: dict[int, dict], row: dict, prefix: str) -> dict:
    """The facts of the row's activity, started (from what the row says about it) if new."""
    activity_id = row[f"{prefix}id"]
    if activity_id not in facts:
        facts[activity_id] = {
            **{name: row[f"{prefix}{path}"] for name, path in ABOUT.items()},
            **dict.fromkeys(PER_ACTIVITY_FIGURES, 0),
        }
    return facts[activity_id]


def _count_sessions(facts: dict[int, dict], start_at: datetime, end_at: datetime) -> None:
    held_sessions = Q(activity__status__in=HELD_STATUSES, starts_at__gte=start_at, starts_at__lt=end_at)
    for row in (
        Session.objects.filter(held_sessions)
        .values("activity__id", *_about("activity__"))
        .annotate(n=Count("id"))
        .order_by()
    ):
        _fact(facts, row, "activity__")["sessions"] = row["n"]


def _how_many_per_activity(rows: QuerySet, activity_id: str) -> QuerySet:
    """(activity id, how many of `rows`) for each activity `rows` belong to by `activity_id`."""
    return rows.values_list(activity_id).annotate(n=Count("id")).order_by()


def _count_attendances(facts: dict[int, dict], start_at: datetime, end_at: datetime) -> None:
    """The attendances whose ledger entry stands: all of them, less those whose entry a
    reversing entry corrects (an entry is reversed at most once). Counting the few reversals
    apart is far cheaper than anti-joining every attendance to the whole ledger."""
    attendances = Attendance.objects.filter(
        session__activity__status__in=HELD_STATUSES,
        session__starts_at__gte=start_at,
        session__starts_at__lt=end_at,
    )
    for activity_id, n in _how_many_per_activity(attendances, "session__activity_id"):
        if activity_id in facts:
            facts[activity_id]["attendances"] = n
    reversals = LearningRecord.objects.filter(
        reverses__isnull=False,  # spelled out, so the planner starts from the reversals' index
        reverses__attendance__session__activity__status__in=HELD_STATUSES,
        reverses__attendance__session__starts_at__gte=start_at,
        reverses__attendance__session__starts_at__lt=end_at,
    )
    for activity_id, n in _how_many_per_activity(reversals, "reverses__attendance__session__activity_id"):
        if activity_id in facts:
            facts[activity_id]["attendances"] -= n


def _count_expected_attendances(facts: dict[int, dict], start_at: datetime, end_at: datetime) -> None:
    """Joining each confirmed registration to its activity's sessions in the period (one
    filter() call, so one join) gives a row per expected attendance."""
    expected = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        activity__status__in=HELD_STATUSES,
        activity__sessions__starts_at__gte=start_at,
        activity__sessions__starts_at__lt=end_at,
    )
    for activity_id, n in _how_many_per_activity(expected, "activity_id"):
        if activity_id in facts:
            facts[activity_id]["expected_attendances"] = n


def _count_registrations(facts: dict[int, dict], start_at: datetime, end_at: datetime) -> None:
    """Registrations made in the period, and how many of them were waitlisted or rejected."""
    for row in (
        Registration.objects.filter(created_at__gte=start_at, created_at__lt=end_at)
        .values("activity__id", *_about("activity__"))
        .annotate(
            n=Count("id"),
            waitlisted=Count("id", filter=Q(was_waitlisted=True)),
            rejected=Count("id", filter=Q(status=RegistrationStatus.REJECTED)),
        )
        .order_by()
    ):
        target = _fact(facts, row, "activity__")
        target["registrations"], target["waitlisted"], target["rejected"] = row["n"], row["waitlisted"], row["rejected"]


def _count_learning_hours(facts: dict[int, dict], period: Period) -> None:
    for row in (
        LearningRecord.objects.filter(activity__isnull=False, learned_on__gte=period.start, learned_on__lt=period.end)
        .values("activity__id", *_about("activity__"))
        .annotate(hours=Sum("hours"))
        .order_by()
    ):
        _fact(facts, row, "activity__")["learning_hours"] = tenths(row["hours"])


def _covered_villages(period: Period, regions: dict[int, tuple[str, str]]) -> set[int]:
    """The villages covered in the period (see the module docstring): two grouped queries over
    the period's held sessions, where they took place and whom they were kept for."""
    start_at, end_at = period.bounds()
    held = Session.objects.filter(activity__status__in=HELD_STATUSES, starts_at__gte=start_at, starts_at__lt=end_at)
    places = set(
        held.annotate(place=Coalesce("venue__institution__region_id", "activity__institution__region_id"))
        .values_list("place", flat=True)
        .distinct()
        .order_by()
    )
    kept_for = set(
        held.filter(activity__residents_of__isnull=False)
        .values_list("activity__residents_of_id", flat=True)
        .distinct()
        .order_by()
    )
    return {pk for pk in places | kept_for if pk in regions and regions[pk][1] == RegionLevel.VILLAGE}


def _activity_rollups(period: Period, regions: dict[int, tuple[str, str]]) -> list[ActivityRollup]:
    sums: dict[tuple[int, str, str], dict] = defaultdict(
        lambda: {"activities": 0, **dict.fromkeys(PER_ACTIVITY_FIGURES, 0)}
    )
    covered = _covered_villages(period, regions)
    for village_id in covered:  # a covered village has its "all" row, figures or not
        sums[(village_id, Dimension.ALL, "")]  # noqa: B018 - creates the row
    for fact in _activity_facts(period).values():
        keys = [(Dimension.ALL, ""), (Dimension.CATEGORY, fact["category"])]
        keys += [(Dimension.AUDIENCE, a) for a in fact["audiences"].split(",") if a]
        for dimension, key in keys:
            target = sums[(fact["region_id"], dimension, key)]
            target["activities"] += 1 if fact["sessions"] else 0
            for name in PER_ACTIVITY_FIGURES:
                target[name] += fact[name]
    rows = []
    for (region_id, dimension, key), figures in sums.items():
        village_active = dimension == Dimension.ALL and region_id in covered
        if not village_active and not any(figures.values()):
            continue
        path, _level = regions[region_id]
        rows.append(
            ActivityRollup(
                region_id=region_id,
                region_path=path,
                period_kind=period.kind,
                period_start=period.start,
                dimension=dimension,
                key=key,
                villages_with_activity=1 if village_active else 0,
                **figures,
            )
        )
    return rows


def _learner_rollups(period: Period, regions: dict[int, tuple[str, str]]) -> list[LearnerRollup]:
    """Two grouped queries: accounts per home region, and ledger entries per region and
    learner summed, then per region (active learners and hours) in the same statement."""
    _start_at, end_at = period.bounds()
    registered = dict(
        User.objects.filter(home_region__isnull=False, date_joined__lt=end_at)
        .values_list("home_region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    ops = connection.ops
    table = ops.quote_name(LearningRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT region_id, SUM(CASE WHEN hours > 0 THEN 1 ELSE 0 END), SUM(hours) FROM ("  # noqa: S608 - names from code
            f" SELECT region_id, learner_id, SUM(hours) AS hours FROM {table}"
            " WHERE learned_on >= %s AND learned_on < %s AND region_id IS NOT NULL"
            " GROUP BY region_id, learner_id) per_learner GROUP BY region_id",
            [ops.adapt_datefield_value(period.start), ops.adapt_datefield_value(period.end)],
        )
        learning = {region_id: (active, hours) for region_id, active, hours in cursor.fetchall()}
    rows = []
    for region_id in registered.keys() | learning.keys():
        active, hours = learning.get(region_id, (0, 0))
        row = LearnerRollup(
            region_id=region_id,
            region_path=regions[region_id][0],
            period_kind=period.kind,
            period_start=period.start,
            registered_learners=registered.get(region_id, 0),
            active_learners=int(active or 0),
            learning_hours=tenths(hours),
        )
        if row.registered_learners or row.active_learners or row.learning_hours:
            rows.append(row)
    return rows


# --- Keeping the rollups current ---------------------------------------------------------------


def refresh_periods(today: date) -> list[Period]:
    """The periods `rollups_refresh` builds on `today`: the current month, quarter and year,
    and each one just ended while late sign-in sheets may still come in (LATE_ENTRIES)."""
    periods = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        current = Period.current(kind, today)
        if today - current.start < LATE_ENTRIES:
            periods.append(current.previous())
        periods.append(current)
    return periods


def rollups_refresh(*, today: date | None = None, now: datetime | None = None) -> list[RollupRun]:
    """Build the periods that may still change (see `refresh_periods`). Older periods change
    only when someone corrects the past (a reversal, an adjustment, an import): rebuild them
    with `manage.py dashboards_refresh --period 2025`."""
    today = today or timezone.localdate()
    return [rollups_build(period=period, now=now) for period in refresh_periods(today)]


# At start (`manage.py dashboards_refresh`) every period the dashboard's picker offers is built
# when it never was: its 24 months (so each of the last 13 has its whole twelve-month trend),
# and the quarters and years they fall in. Once only: later starts find them built.
BACKFILL_MONTHS = 24


def backfill_periods(today: date) -> list[Period]:
    """The months, quarters and years of the last BACKFILL_MONTHS months, oldest first."""
    month = Period.current(PeriodKind.MONTH, today)
    months = [month]
    for _n in range(BACKFILL_MONTHS - 1):
        months.append(months[-1].previous())
    periods: list[Period] = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        for m in reversed(months):
            period = Period.current(kind, m.start)
            if period not in periods:
                periods.append(period)
    return periods


def _never_built(periods: list[Period]) -> list[Period]:
    built = set(RollupRun.objects.values_list("period_kind", "period_start"))
    return [p for p in periods if (p.kind, p.start) not in built]


def rollups_backfill(*, today: date | None = None, now: datetime | None = None) -> list[RollupRun]:
    """Build the periods of `backfill_periods` that were never built (a new database, or a
    server that was down for months), so every period the dashboard offers first has figures.
    Periods already built are left alone: only a correction of the past changes them, and
    "refresh now" or `--period` rebuilds those."""
    today = today or timezone.localdate()
    return [rollups_build(period=period, now=now) for period in _never_built(backfill_periods(today))]


def rollups_rebuild(*, period: Period, now: datetime | None = None) -> list[RollupRun]:
    """ "Refresh now" for one period: rebuild it, and build any month of its trend never built
    (an old period chosen for the first time), so the page shows whole figures and a whole
    trend. Returns the builds, the period's first."""
    runs = [rollups_build(period=period, now=now)]
    trend = [m for m in period.trend_months() if m != period]
    return runs + [rollups_build(period=month, now=now) for month in _never_built(trend)]
