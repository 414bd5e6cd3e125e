"""Keeping the rollups current: which periods a refresh builds, the worker's self-renewing task
chain (one chain, never two), the console's "refresh now", and the management command."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lifelong.common.errors import NotFound
from lifelong.common.models import AuditEvent
from lifelong.dashboards import refresh, services, tasks
from lifelong.dashboards.models import ActivityRollup, LearnerRollup, RollupRun
from lifelong.dashboards.selectors import Period
from lifelong.dashboards.tasks import REFRESH_EVERY, dashboard_rollups_refresh

from .world import world_build

DATABASE_QUEUE = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def _labels(periods: list[Period]) -> list[str]:
    return sorted(p.label for p in periods)


def test_a_refresh_builds_the_current_periods_and_those_just_ended():
    assert _labels(services.refresh_periods(date(2026, 11, 20))) == ["2026", "2026-11", "2026-Q4"]
    # A paper sheet may still be entered for last month's sessions during its first week.
    assert _labels(services.refresh_periods(date(2026, 12, 2))) == ["2026", "2026-11", "2026-12", "2026-Q4"]
    assert _labels(services.refresh_periods(date(2026, 1, 7))) == [
        "2025",
        "2025-12",
        "2025-Q4",
        "2026",
        "2026-01",
        "2026-Q1",
    ]
    assert _labels(services.refresh_periods(date(2026, 1, 8))) == ["2026", "2026-01", "2026-Q1"]


def test_a_rebuild_replaces_the_period_and_leaves_others_alone(demo):
    world_build(demo, seed=3, learners=12, activities=5, actions=80)
    november, october = Period.parse("2025-11"), Period.parse("2025-10")
    services.rollups_build(period=october)
    first = services.rollups_build(period=november, now=timezone.now() - timedelta(hours=1))
    rows = ActivityRollup.objects.filter(period_kind="month", period_start=november.start).count()
    assert rows and first.rows == rows + LearnerRollup.objects.filter(period_start=november.start).count()
    october_rows = ActivityRollup.objects.filter(period_start=october.start).count()
    second = services.rollups_build(period=november)
    assert ActivityRollup.objects.filter(period_start=november.start).count() == rows
    assert ActivityRollup.objects.filter(period_start=october.start).count() == october_rows
    assert RollupRun.objects.filter(period_kind="month", period_start=november.start).count() == 1
    assert second.pk == first.pk and second.built_at > first.built_at
    # The denormalised path is the region's own.
    row = ActivityRollup.objects.select_related("region").filter(period_start=november.start).first()
    assert row.region_path == row.region.path


@pytest.mark.django_db
def test_the_task_queues_its_next_run_once_not_twice():
    with DATABASE_QUEUE:
        before = timezone.now()
        assert dashboard_rollups_refresh.call() == len(services.refresh_periods(timezone.localdate()))
        waiting = DBTaskResult.objects.filter(task_path=dashboard_rollups_refresh.module_path, status="READY")
        assert waiting.count() == 1
        assert waiting.get().run_after >= before + REFRESH_EVERY - timedelta(seconds=1)
        # A second run while the next is waiting (a "refresh now", a restart) adds no second chain.
        dashboard_rollups_refresh.call()
        assert waiting.count() == 1
        # The worker takes the waiting one: while it runs, it queues the one after.
        waiting.update(status="RUNNING")
        dashboard_rollups_refresh.call()
        assert waiting.count() == 1
        assert DBTaskResult.objects.filter(task_path=dashboard_rollups_refresh.module_path).count() == 2
        # The command starts the chain only when none is waiting.
        call_command("dashboards_refresh", "--schedule", stdout=StringIO())
        assert waiting.count() == 1


@pytest.mark.django_db
def test_the_chain_survives_a_failed_build(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "rollups_refresh", broken)
    with DATABASE_QUEUE:
        with pytest.raises(RuntimeError):
            dashboard_rollups_refresh.call()
        assert DBTaskResult.objects.filter(task_path=dashboard_rollups_refresh.module_path, status="READY").count() == 1


def test_only_admins_ask_for_a_refresh_now_and_it_is_audited(demo, django_capture_on_commit_callbacks):
    for persona in ("organizer", "elder_learner"):
        with pytest.raises(NotFound):
            refresh.rollups_refresh_request(actor=getattr(demo, persona))
    assert not RollupRun.objects.exists()
    # The suite's task backend runs the task at once (and, unable to look into its queue,
    # does not chain): the current periods are built.
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh.rollups_refresh_request(actor=demo.town_admin) is True
    today = timezone.localdate()
    assert RollupRun.objects.filter(period_kind="year", period_start=date(today.year, 1, 1)).exists()
    event = AuditEvent.objects.get(summary="dashboard rollups refresh requested")
    assert event.actor == demo.town_admin


def test_a_second_refresh_now_queues_nothing_while_one_waits(demo, django_capture_on_commit_callbacks):
    with DATABASE_QUEUE:
        with django_capture_on_commit_callbacks(execute=True):
            assert refresh.rollups_refresh_request(actor=demo.county_admin) is True
        due = DBTaskResult.objects.ready().filter(task_path=dashboard_rollups_refresh.module_path)
        assert due.count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert refresh.rollups_refresh_request(actor=demo.county_admin) is False
        assert due.count() == 1
        # A chain run waiting for later does not stop a refresh now.
        due.update(run_after=timezone.now() + timedelta(minutes=5))
        with django_capture_on_commit_callbacks(execute=True):
            assert refresh.rollups_refresh_request(actor=demo.county_admin) is True
        assert DBTaskResult.objects.filter(task_path=dashboard_rollups_refresh.module_path).count() == 2


def test_the_command_builds_named_periods_and_refuses_bad_ones(demo, capsys):
    call_command("dashboards_refresh", "--period", "2025-11", "--period", "2025")
    out = capsys.readouterr().out
    assert "month 2025-11-01" in out and "year 2025-01-01" in out
    assert {(r.period_kind, r.period_start) for r in RollupRun.objects.all()} == {
        ("month", date(2025, 11, 1)),
        ("year", date(2025, 1, 1)),
    }
    with pytest.raises(CommandError):
        call_command("dashboards_refresh", "--period", "2025-13")


def test_the_command_builds_the_current_periods_by_default(demo):
    call_command("dashboards_refresh", stdout=StringIO())
    today = timezone.localdate()
    kinds = set(RollupRun.objects.values_list("period_kind", flat=True))
    assert kinds == {"month", "quarter", "year"}
    assert RollupRun.objects.filter(period_kind="month", period_start=today.replace(day=1)).exists()
    assert all(r.built_at <= timezone.now() for r in RollupRun.objects.all())
    assert isinstance(RollupRun.objects.first().built_at, datetime)
