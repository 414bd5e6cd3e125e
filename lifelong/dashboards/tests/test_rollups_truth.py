"""THE truth test: after a random mix of registrations, cancellations, waitlisting, approvals,
rejections, check-ins and ledger corrections, the dashboards (read from the rollups) show
exactly what plain aggregates over the raw tables say, for the county, a town and a village,
for a month, a quarter and a year; and again after more changes and a rebuild.

The raw side below is written from the definitions in `services`' docstring, with the ORM
over the raw tables, without any code of the dashboards app."""

from collections import Counter
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.db.models import Q, Sum
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities.choices import Audience, Category
from lifelong.activities.models import Activity, Attendance, Registration, Session
from lifelong.dashboards.selectors import BreakdownRow, Figures, Period, dashboard_for, open_data
from lifelong.dashboards.services import rollups_build
from lifelong.passport.models import LearningRecord
from lifelong.regions.models import Region

from .world import world_act, world_build

HELD = ["published", "completed"]
PERIODS = ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2025-Q3", "2025-Q4", "2026-Q1", "2025", "2026"]
# Compared in full (every figure, both breakdowns, each child region): a month on each side of
# the boundary sessions, the quarter and the year they share, and a period of the next year.
CHECKED = ["2025-11", "2025-12", "2025-Q4", "2025", "2026-Q1"]
BROKEN_DOWN = ["2025-11", "2025-Q4", "2025"]  # and the breakdowns (slow to compute raw) for these


def _instants(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(end, time.min, tzinfo=zone)


def _bounds(label: str) -> tuple[date, date]:
    if "-Q" in label:
        year, quarter = int(label[:4]), int(label[-1])
        start = date(year, quarter * 3 - 2, 1)
        end = date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1)
    elif "-" in label:
        year, month = int(label[:4]), int(label[5:])
        start, end = date(year, month, 1), date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    else:
        start, end = date(int(label), 1, 1), date(int(label) + 1, 1, 1)
    return start, end


def raw_activity_figures(path: str, label: str, activity_filter: Q | None = None) -> dict:
    """Activity figures of the activities organized in `path`'s subtree, from the raw tables."""
    activity_filter = activity_filter or Q()
    start, end = _bounds(label)
    start_at, end_at = _instants(start, end)
    activities = Activity.objects.filter(activity_filter, institution__region__path__startswith=path)
    held = activities.filter(status__in=HELD)
    sessions = Session.objects.filter(activity__in=held, starts_at__gte=start_at, starts_at__lt=end_at)
    reversed_attendances = LearningRecord.objects.filter(reverses__isnull=False).values("reverses__attendance_id")
    attendances = Attendance.objects.filter(session__in=sessions).exclude(pk__in=reversed_attendances)
    confirmed = Counter(
        Registration.objects.filter(activity__in=held, status="confirmed").values_list("activity_id", flat=True)
    )
    expected = sum(confirmed[activity_id] for activity_id in sessions.values_list("activity_id", flat=True))
    made = Registration.objects.filter(activity__in=activities, created_at__gte=start_at, created_at__lt=end_at)
    hours = LearningRecord.objects.filter(activity__in=activities, learned_on__gte=start, learned_on__lt=end)
    return {
        "activities": held.filter(pk__in=sessions.values("activity_id")).count(),
        "sessions": sessions.count(),
        "attendances": attendances.count(),
        "expected_attendances": expected,
        "registrations": made.count(),
        "waitlisted": made.filter(was_waitlisted=True).count(),
        "rejected": made.filter(status="rejected").count(),
        "learning_hours": Decimal(hours.aggregate(h=Sum("hours"))["h"] or 0).quantize(Decimal("0.1")),
    }


def raw_figures(region: Region, label: str) -> Figures:
    start, end = _bounds(label)
    _start_at, end_at = _instants(start, end)
    path = region.path
    registered = User.objects.filter(home_region__path__startswith=path, date_joined__lt=end_at).count()
    entries = LearningRecord.objects.filter(region__path__startswith=path, learned_on__gte=start, learned_on__lt=end)
    active = entries.values("learner_id").annotate(h=Sum("hours")).filter(h__gt=0).count()
    hours = Decimal(entries.aggregate(h=Sum("hours"))["h"] or 0).quantize(Decimal("0.1"))
    villages = Region.objects.filter(path__startswith=path, level="village")
    start_at, end_at = _instants(start, end)
    # Covered: a held session took place in the village (its venue's institution there, or with
    # no venue its organizer's) or its activity was kept for the village's residents.
    held = Session.objects.filter(activity__status__in=HELD, starts_at__gte=start_at, starts_at__lt=end_at)
    with_activity = sum(
        1
        for village in villages
        if held.filter(
            Q(venue__institution__region=village)
            | Q(venue__isnull=True, activity__institution__region=village)
            | Q(activity__residents_of=village)
        ).exists()
    )
    a = raw_activity_figures(path, label)
    population, n_villages = region.population, villages.count()
    return Figures(
        population=population,
        registered_learners=registered,
        active_learners=active,
        participation_rate=active / population if population else None,
        learning_hours=hours,
        hours_per_head=(hours / population).quantize(Decimal("0.01")) if population else None,
        activities=a["activities"],
        sessions=a["sessions"],
        attendances=a["attendances"],
        expected_attendances=a["expected_attendances"],
        attendance_rate=a["attendances"] / a["expected_attendances"] if a["expected_attendances"] else None,
        villages=n_villages,
        villages_with_activity=with_activity,
        coverage=with_activity / n_villages if n_villages else None,
        registrations=a["registrations"],
        waitlisted=a["waitlisted"],
        rejected=a["rejected"],
    )


def raw_breakdown(region: Region, label: str, dimension: str) -> list[BreakdownRow]:
    choices = Category if dimension == "category" else Audience
    rows = []
    for key in choices.values:
        only = Q(category=key) if dimension == "category" else Q(audiences__contains=f",{key},")
        a = raw_activity_figures(region.path, label, only)
        rows.append(
            BreakdownRow(
                key=key,
                label=str(choices(key).label),
                activities=a["activities"],
                registrations=a["registrations"],
                attendances=a["attendances"],
                learning_hours=a["learning_hours"],
                waitlisted=a["waitlisted"],
                rejected=a["rejected"],
            )
        )
    return rows


def _build_all() -> None:
    for label in PERIODS:
        rollups_build(period=Period.parse(label))


def _assert_truth(demo, places: list[Region]) -> None:
    for label in CHECKED:
        period = Period.parse(label)
        for region in places:
            board = dashboard_for(actor=demo.county_admin, region_code=region.code, period=period)
            assert board.figures == raw_figures(region, label), (region.code, label)
            if label in BROKEN_DOWN:
                assert board.by_category == raw_breakdown(region, label, "category"), (region.code, label)
                assert board.by_audience == raw_breakdown(region, label, "audience"), (region.code, label)
            for child in board.children if label == "2025-Q4" else []:
                assert child.figures == raw_figures(Region.objects.get(code=child.code), label), (child.code, label)


@pytest.fixture
def world(demo):
    return world_build(demo, seed=4)


def test_rollups_equal_the_raw_aggregates_after_a_random_mix(demo, world):
    # The mix really mixes: every kind of state the figures count is there.
    statuses = set(Registration.objects.values_list("status", flat=True))
    assert {"confirmed", "waitlisted", "offered", "cancelled", "rejected"} <= statuses
    # Promotions and cancellations from the waitlist keep counting as unmet demand.
    assert Registration.objects.filter(was_waitlisted=True).exclude(status__in=["waitlisted", "offered"]).exists()
    assert LearningRecord.objects.filter(reverses__isnull=False).exists()
    assert LearningRecord.objects.filter(source="adjustment", hours__lt=0).exists()
    assert Attendance.objects.count() > 20

    _build_all()
    county = Region.objects.get(level="county")
    town = Region.objects.get(code="330424105")
    village = next(v for v in world.villages if v.parent_id == town.pk)
    busiest = (
        Region.objects.filter(level="village", institutions__activities__in=world.activities).order_by("path").first()
    )
    places = [county, town, village, busiest]
    board = dashboard_for(actor=demo.county_admin, region_code=county.code, period=Period.parse("2025-Q4"))
    assert board.figures.attendances > 0 and board.figures.registrations > 0 and board.figures.active_learners > 0
    _assert_truth(demo, places)

    # The dashboards read the rollups, not the raw tables: more changes show after a rebuild.
    before = dashboard_for(actor=demo.county_admin, region_code=county.code, period=Period.parse("2025"))
    world_act(world, 120)
    again = dashboard_for(actor=demo.county_admin, region_code=county.code, period=Period.parse("2025"))
    assert again.figures == before.figures
    _build_all()
    assert dashboard_for(actor=demo.county_admin, region_code=county.code, period=Period.parse("2025")) != before
    _assert_truth(demo, places)


def test_trend_and_unmet_demand_match_the_raw_tables(demo, world):
    _build_all()
    county = Region.objects.get(level="county")
    board = dashboard_for(actor=demo.county_admin, region_code=county.code, period=Period.parse("2025-Q4"))
    assert [row.month for row in board.trend] == [f"2025-{m:02d}" for m in range(1, 13)]
    for row in board.trend:
        raw = raw_figures(county, row.month)
        assert (row.active_learners, row.learning_hours, row.attendances, row.registrations) == (
            raw.active_learners,
            raw.learning_hours,
            raw.attendances,
            raw.registrations,
        ), row.month
    assert all(row.registrations == 0 for row in board.trend[:8])  # never built: zeros, not errors

    unmet = {(u.region_code, u.category): (u.waitlisted, u.rejected) for u in board.unmet_demand}
    assert unmet, "the mix has waitlists or rejections in the quarter"
    expected = {}
    for place in [*Region.objects.filter(parent=county), county]:
        for key in Category.values:
            only = Q(category=key)
            if place == county:  # the county's own institutions, not its towns'
                only &= Q(institution__region=county)
            a = raw_activity_figures(place.path, "2025-Q4", only)
            if a["waitlisted"] or a["rejected"]:
                expected[(place.code, key)] = (a["waitlisted"], a["rejected"])
    assert unmet == expected
    totals = [u.waitlisted + u.rejected for u in board.unmet_demand]
    assert totals == sorted(totals, reverse=True)


def test_open_data_is_the_county_dashboard(demo, world):
    _build_all()
    period = Period.parse("2025-11")
    public = open_data(period=period)
    county = Region.objects.get(level="county")
    assert public.region == county and public.breadcrumb == [county]
    assert public.figures == raw_figures(county, "2025-11")
    assert [c.code for c in public.children] == list(
        Region.objects.filter(parent=county).order_by("path").values_list("code", flat=True)
    )
    assert public.built_at is not None
