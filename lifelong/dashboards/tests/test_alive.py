"""What a county buyer sees on the first day: every period the picker offers first has figures
after `dashboards_refresh`; "refresh now" rebuilds the period on screen (an old month
included); coverage counts a village where an activity was held or that an activity was kept
for, and no other; a village's name carries its town in the tables and the CSV."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from lifelong.activities import services as activity_services
from lifelong.activities.checkin import checkin_record
from lifelong.dashboards import refresh, services
from lifelong.dashboards.models import RollupRun
from lifelong.dashboards.selectors import Period, dashboard_for
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region
from lifelong.testkit.regions import TONGYUAN, WUYUAN

from .learning import activity_held, learner_new, this_month

DASHBOARD = "/console/dashboard/"


def months_ago(n: int) -> Period:
    period = this_month()
    for _n in range(n):
        period = period.previous()
    return period


def school_activity_for(demo, town_code: str, residents_of: Region, *, period: Period, learners) -> None:
    """An activity at the town's community school, kept for the residents of `residents_of`,
    held and attended in `period`."""
    admin = demo.county_admin
    school = Institution.objects.get(kind="community_school", region__code=town_code)
    start, _end = period.bounds()
    starts = start + timedelta(days=2, hours=2)
    activity = activity_services.activity_create(
        actor=admin,
        institution=school,
        sessions=[{"starts_at": starts, "ends_at": starts + timedelta(hours=2)}],
        title="村民专场",
        category="health",
        audiences=["all"],
        capacity=10,
        registration_opens=starts - timedelta(days=10),
        registration_closes=starts,
        residents_of=residents_of,
        hours=2,
        now=starts - timedelta(days=10),  # entered when registration opened
    )
    activity = activity_services.activity_publish(actor=admin, activity=activity)
    for learner in learners:
        activity_services.registration_create(
            actor=admin, activity=activity, learner=learner, now=starts - timedelta(days=2)
        )
        checkin_record(actor=admin, session=activity.sessions.get(), learner=learner, now=starts)


# --- Every period has figures at start ---------------------------------------------------------


def test_the_command_builds_every_period_the_picker_offers_first_and_only_once(demo):
    today = timezone.localdate()
    village = Region.objects.filter(parent__code=WUYUAN).order_by("path").first()
    people = [learner_new(village)]
    for back in (0, 1, 5, 12):  # this month, last month, and months further back
        activity_held(demo, village, period=months_ago(back), category="health", learners=people, capacity=5)

    call_command("dashboards_refresh", stdout=StringIO())
    built = {(r.period_kind, r.period_start) for r in RollupRun.objects.all()}
    assert {p for p in [(p.kind, p.start) for p in services.backfill_periods(today)]} <= built
    assert len([k for k, _s in built if k == "month"]) == services.BACKFILL_MONTHS
    for period in [months_ago(n) for n in (0, 1, 5, 12)] + [
        Period.current("quarter", today),
        Period.current("year", today),
    ]:
        figures = dashboard_for(actor=demo.county_admin, region_code=None, period=period).figures
        assert figures.active_learners == 1 and figures.attendances >= 1, period
    # The current month's trend reads a built month for each of its twelve.
    assert dashboard_for(actor=demo.county_admin, region_code=None, period=this_month()).trend_complete
    # A later start leaves the built past alone: only the current periods are rebuilt.
    before = {(r.period_kind, r.period_start): r.built_at for r in RollupRun.objects.all()}
    call_command("dashboards_refresh", stdout=StringIO())
    old = months_ago(5)
    assert RollupRun.objects.get(period_kind="month", period_start=old.start).built_at == before[("month", old.start)]


def test_backfill_periods_cover_24_months_their_quarters_and_years():
    periods = services.backfill_periods(date(2026, 12, 7))
    labels = [p.label for p in periods]
    assert labels[0] == "2025-01" and labels[23] == "2026-12" and len([p for p in periods if p.kind == "month"]) == 24
    assert [p.label for p in periods if p.kind == "quarter"][0] == "2025-Q1"
    assert [p.label for p in periods if p.kind == "year"] == ["2025", "2026"]


# --- Refresh now rebuilds the chosen period ----------------------------------------------------


def test_refresh_now_builds_the_chosen_past_month_and_its_trend(
    demo, county_client, django_capture_on_commit_callbacks
):
    village = Region.objects.filter(parent__code=TONGYUAN).order_by("path").first()
    past = months_ago(14)  # older than anything a start builds
    activity_held(demo, village, period=past, category="reading", learners=[learner_new(village)], capacity=5)
    page = county_client.get(DASHBOARD, {"period": past.label})
    assert page.context["dashboard"].built_at is None
    assert page.context["figures"].attendances == 0
    assert 'data-testid="trend-incomplete"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the suite's task backend runs it at once
        response = county_client.post(reverse("console:dashboard_refresh"), {"period": past.label})
    assert response["Location"] == f"{DASHBOARD}?period={past.label}"
    page = county_client.get(response["Location"])
    board = page.context["dashboard"]
    assert board.built_at is not None
    assert board.figures.attendances == 1 and board.figures.active_learners == 1
    assert board.figures.learning_hours == Decimal("2.0")
    assert board.trend_complete and board.trend[-1].attendances == 1
    assert 'data-testid="trend-incomplete"' not in page.content.decode()
    # Only that period and its trend: the current month was not asked for.
    assert not RollupRun.objects.filter(period_kind="month", period_start=this_month().start).exists()


def test_refresh_now_without_a_period_still_rebuilds_the_current_ones(
    demo, county_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        county_client.post(reverse("console:dashboard_refresh"), {"period": "nonsense"})
    assert RollupRun.objects.filter(period_kind="month", period_start=this_month().start).exists()


# --- Coverage --------------------------------------------------------------------------------


def test_coverage_counts_villages_held_in_or_kept_for_and_no_other(demo, county_client):
    period = this_month()
    held, targeted, by_town_only, untouched = Region.objects.filter(parent__code=TONGYUAN).order_by("path")[:4]
    # Held at the village's own teaching point.
    activity_held(demo, held, period=period, category="health", learners=[learner_new(held)], capacity=5)
    # Held at the town's school, for the residents of one village.
    school_activity_for(demo, TONGYUAN, targeted, period=period, learners=[learner_new(targeted)])
    # Held at the town's school for the residents of the whole town: covers no village by itself.
    town = Region.objects.get(code=TONGYUAN)
    school_activity_for(demo, TONGYUAN, town, period=period, learners=[learner_new(by_town_only)])
    services.rollups_build(period=period)

    def covered(region: Region) -> int:
        return dashboard_for(
            actor=demo.county_admin, region_code=region.code, period=period
        ).figures.villages_with_activity

    assert covered(held) == 1 and covered(targeted) == 1
    assert covered(by_town_only) == 0 and covered(untouched) == 0
    town_board = dashboard_for(actor=demo.county_admin, region_code=TONGYUAN, period=period)
    villages = Region.objects.filter(parent=town).count()
    assert town_board.figures.villages_with_activity == 2
    assert town_board.figures.coverage == pytest.approx(2 / villages)
    county = dashboard_for(actor=demo.county_admin, region_code=None, period=period)
    assert county.figures.villages_with_activity == 2
    # The page says what coverage means.
    page = county_client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="coverage-definition"' in page and "kept for its residents" in page


# --- Names carry their town --------------------------------------------------------------------


def test_village_names_carry_their_town_in_the_table_and_the_csv(demo, county_client):
    period = this_month()
    village = Region.objects.filter(parent__code=TONGYUAN, name__endswith="村").order_by("path").first()
    activity_held(demo, village, period=period, category="health", learners=[learner_new(village)], capacity=5)
    services.rollups_build(period=period)
    town = Region.objects.get(code=TONGYUAN)
    with translation.override("zh-hans"):
        board = dashboard_for(actor=demo.county_admin, region_code=TONGYUAN, period=period)
    row = next(r for r in board.children if r.code == village.code)
    assert row.town == town.name and row.full_name == f"{town.name} · {village.name}"
    html = county_client.get(DASHBOARD, {"region": TONGYUAN}).content.decode()
    assert f'data-testid="region-town"><span class="visually-hidden">, </span>{town.name}</span>' in html
    export = county_client.get("/console/dashboard/export/children.csv", {"region": TONGYUAN, "period": period.label})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [village.code, f"{town.name} · {village.name}"] == rows[[r[0] for r in rows].index(village.code)][:2]
    # A village's own dashboard names its town too.
    village_page = county_client.get(DASHBOARD, {"region": village.code}).content.decode()
    assert f"{town.name} · {village.name}" in village_page


def test_a_second_refresh_of_the_same_period_waits_but_another_period_queues(demo, django_capture_on_commit_callbacks):
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from lifelong.dashboards.tasks import dashboard_rollups_refresh

    october, september = months_ago(2), months_ago(3)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            assert refresh.rollups_refresh_request(actor=demo.county_admin, period=october) is True
        with django_capture_on_commit_callbacks(execute=True):
            assert refresh.rollups_refresh_request(actor=demo.county_admin, period=october) is False
        with django_capture_on_commit_callbacks(execute=True):
            assert refresh.rollups_refresh_request(actor=demo.county_admin, period=september) is True
        queued = DBTaskResult.objects.filter(task_path=dashboard_rollups_refresh.module_path)
        assert sorted(task.args_kwargs["kwargs"]["period"] for task in queued) == sorted(
            [october.label, september.label]
        )
