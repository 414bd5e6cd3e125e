"""The demo's past year: the loader leaves attendances and learning hours in the current month
and in each of the twelve before it, made through the services (every figure comes from real
rows), and after `dashboards_refresh` the dashboard of every such month, of this quarter and
of this year shows them; coverage is a real share of villages, neither 0 nor 100 %."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lifelong.activities.models import Attendance, Registration
from lifelong.dashboards.selectors import Period, dashboard_for
from lifelong.passport.models import LearningRecord
from lifelong.site.demo.history import MONTHS, _slots
from lifelong.site.demo.load import demo_county_load
from lifelong.testkit.personas import Personas


def _months_back(n: int) -> Period:
    period = Period.current("month")
    for _n in range(n):
        period = period.previous()
    return period


@pytest.mark.django_db
def test_the_whole_demo_has_a_living_past_and_every_dashboard_period_shows_it():
    # The one test that loads the whole demo (about ten seconds): the history must fit around
    # the rest of it (rooms already booked, personas, the 2019 week), and `make run` runs
    # exactly this pair of commands on an empty database.
    demo_county_load(with_history=True)
    call_command("dashboards_refresh", stdout=StringIO())
    admin = Personas().county_admin
    now = timezone.now()

    months = {_months_back(n) for n in range(MONTHS)}
    for period in sorted(months, key=lambda p: p.start):
        start, end = period.bounds()
        attended = Attendance.objects.filter(session__starts_at__gte=start, session__starts_at__lt=end)
        assert attended.exists(), period
        assert not attended.filter(checked_in_at__gt=now).exists(), period  # nothing from the future
        figures = dashboard_for(actor=admin, region_code=None, period=period).figures
        assert figures.active_learners > 0 and figures.learning_hours > 0, period
        assert figures.attendances > 0 and figures.registrations > 0 and figures.activities > 0, period
    for kind in ("quarter", "year"):
        figures = dashboard_for(actor=admin, region_code=None, period=Period.current(kind)).figures
        assert figures.active_learners > 0 and figures.attendances > 0, kind
        assert 0 < figures.villages_with_activity < figures.villages, kind
    board = dashboard_for(actor=admin, region_code=None, period=Period.current("month"))
    assert board.trend_complete and all(row.active_learners > 0 for row in board.trend)

    # Several hundred attendances, each with its ledger entry, by a few hundred distinct people.
    year_ago = _months_back(MONTHS - 1).bounds()[0]
    recent = Attendance.objects.filter(session__starts_at__gte=year_ago)
    assert recent.count() > 400
    assert LearningRecord.objects.filter(attendance__in=recent).count() == recent.count()
    assert recent.values("learner").distinct().count() > 150
    # Registrations count in the month they were made, not all in today's.
    made = (
        Registration.objects.filter(created_at__gte=year_ago)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
    )
    assert len(made) >= MONTHS - 1


def test_a_months_sessions_have_ended_by_now_even_early_in_a_month():
    import random

    zone = timezone.get_default_timezone()
    rng = random.Random(1)  # noqa: S311 - test data
    # Mid-month: morning and afternoon slots of the days so far, all over.
    now = datetime(2026, 10, 9, 12, 0, tzinfo=zone)
    slots = _slots(now.date().replace(day=1), now, rng, 12)
    assert len(slots) == 12 and all(s + timedelta(hours=3) <= now for s in slots)
    # On the first, before any session of the day could have ended: one at midnight.
    now = datetime(2026, 11, 1, 2, 0, tzinfo=zone)
    assert _slots(now.date(), now, rng, 12) == [datetime(2026, 11, 1, 0, 0, tzinfo=zone)]
