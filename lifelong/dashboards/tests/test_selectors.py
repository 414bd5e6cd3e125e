"""The dashboards' reads: periods, scope (DESIGN §4: out of scope answers 404), and a fixed
number of queries whatever the county's size (DESIGN §7)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from lifelong.accounts.models import RoleGrant, User
from lifelong.common.errors import InvalidInput, NotFound
from lifelong.dashboards.selectors import Period, dashboard_for, open_data
from lifelong.dashboards.services import rollups_build
from lifelong.regions.models import Region
from lifelong.testkit.regions import COUNTY, TONGYUAN, WUYUAN

from .world import world_act, world_build

# --- Periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2026-11", "month", date(2026, 11, 1), date(2026, 12, 1), "2026-11"),
        ("2026-12", "month", date(2026, 12, 1), date(2027, 1, 1), "2026-12"),
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2027, 1, 1), "2026-Q4"),
        ("2026-q1", "quarter", date(2026, 1, 1), date(2026, 4, 1), "2026-Q1"),
        ("2026", "year", date(2026, 1, 1), date(2027, 1, 1), "2026"),
        (" 2025-03 ", "month", date(2025, 3, 1), date(2025, 4, 1), "2025-03"),
    ],
)
def test_periods_parse(text, kind, start, end, label):
    period = Period.parse(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)
    assert Period.parse(period.label) == period


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "26", "2026-1", "2026-11-01", "2026Q4", "", "abc", None, "0999"],
)
def test_other_periods_are_refused_with_a_code(text):
    with pytest.raises(InvalidInput) as refused:
        Period.parse(text)
    assert (refused.value.code, refused.value.field) == ("invalid_period", "period")


def test_period_arithmetic():
    assert Period.current("quarter", date(2026, 11, 15)) == Period.parse("2026-Q4")
    assert Period.current("month", date(2026, 1, 31)).previous() == Period.parse("2025-12")
    assert Period.parse("2026-Q1").previous() == Period.parse("2025-Q4")
    assert [m.label for m in Period.parse("2026-Q2").months()] == ["2026-04", "2026-05", "2026-06"]
    trend = [m.label for m in Period.parse("2026-03").trend_months()]
    assert trend[0] == "2025-04" and trend[-1] == "2026-03" and len(trend) == 12
    assert [m.label for m in Period.parse("2026-Q4").trend_months()][-1] == "2026-12"
    assert [m.label for m in Period.parse("2026").trend_months()][0] == "2026-01"


# --- Scope -------------------------------------------------------------------------------------

MONTH = Period.parse("2025-11")


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # grants are cached per user object, as per request


def test_a_town_admin_sees_their_town_and_its_villages_only(demo):
    admin = demo.town_admin  # Wuyuan
    board = dashboard_for(actor=admin, region_code=None, period=MONTH)
    assert board.region.code == WUYUAN
    assert [r.code for r in board.breadcrumb] == [WUYUAN]
    villages = list(Region.objects.filter(parent__code=WUYUAN).order_by("path"))
    assert [c.code for c in board.children] == [v.code for v in villages]
    assert not any(c.has_children for c in board.children)
    village = dashboard_for(actor=admin, region_code=villages[1].code, period=MONTH)
    assert [r.code for r in village.breadcrumb] == [WUYUAN, villages[1].code]
    assert village.children == []
    other_village = Region.objects.filter(parent__code=TONGYUAN).first()
    for code in (TONGYUAN, COUNTY, other_village.code, "999999", "not a code"):
        with pytest.raises(NotFound):
            dashboard_for(actor=admin, region_code=code, period=MONTH)


def test_a_village_admin_sees_only_their_village(demo):
    admin = demo.village_admin
    home = RoleGrant.objects.get(user=admin).region
    board = dashboard_for(actor=admin, region_code=None, period=MONTH)
    assert board.region == home and board.breadcrumb == [home] and board.children == []
    assert dashboard_for(actor=admin, region_code=home.code, period=MONTH).region == home
    neighbour = Region.objects.filter(parent=home.parent).exclude(pk=home.pk).first()
    for code in (neighbour.code, home.parent.code, COUNTY):
        with pytest.raises(NotFound):
            dashboard_for(actor=admin, region_code=code, period=MONTH)


@pytest.mark.parametrize("persona", ["organizer", "elder_learner", "young_learner"])
def test_people_who_administer_nothing_see_no_dashboard(demo, persona):
    actor = getattr(demo, persona)
    for code in (None, COUNTY, actor.home_region.code):
        with pytest.raises(NotFound):
            dashboard_for(actor=actor, region_code=code, period=MONTH)


def test_anonymous_visitors_see_no_staff_dashboard(demo):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        dashboard_for(actor=AnonymousUser(), region_code=COUNTY, period=MONTH)


def test_the_county_admin_and_a_superuser_drill_down_anywhere(demo):
    root = User.objects.create_superuser("13900009999", "super-secret-pass", name="Root")
    for actor in (demo.county_admin, root):
        county = dashboard_for(actor=actor, region_code=None, period=MONTH)
        assert county.region.code == COUNTY and [r.code for r in county.breadcrumb] == [COUNTY]
        assert all(c.has_children for c in county.children) and len(county.children) == 9
        village = Region.objects.filter(parent__code=TONGYUAN).last()
        board = dashboard_for(actor=actor, region_code=village.code, period=MONTH)
        assert [r.code for r in board.breadcrumb] == [COUNTY, TONGYUAN, village.code]


def test_names_follow_the_page_language(demo):
    with override("en"):
        board = dashboard_for(actor=demo.county_admin, region_code=None, period=MONTH)
        assert board.children[0].name == "Wuyuan Subdistrict"
        assert board.by_category[0].label == "Reading"
    with override("zh-hans"):
        board = dashboard_for(actor=demo.county_admin, region_code=None, period=MONTH)
        assert board.children[0].name == "武原街道"


def test_a_period_never_built_reads_as_zeros(demo):
    board = dashboard_for(actor=demo.county_admin, region_code=None, period=MONTH)
    assert board.built_at is None
    assert board.figures.activities == board.figures.registrations == board.figures.active_learners == 0
    assert board.figures.population == Region.objects.get(code=COUNTY).population
    assert board.figures.attendance_rate is None and board.unmet_demand == []
    assert len(board.trend) == 12 and all(row.attendances == 0 for row in board.trend)


# --- A fixed number of queries -----------------------------------------------------------------

# The actor's grants, the region by its code (or, for a superuser's default, the county), the
# region's ancestors and subtree, the period's learner and activity sums, the trend's three (its
# two sums and which of its months were built), the period's last build.
QUERIES = {"by_code": 9, "default": 8, "superuser_default": 9, "open_data": 8}


def _count(call, *args) -> int:
    with CaptureQueriesContext(connection) as queries:
        call(*args)
    return len(queries)


def _queries(demo) -> dict[str, int]:
    root = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "13900009998", "super-secret-pass", name="Root"
    )
    village = Region.objects.filter(parent__code=TONGYUAN).first()

    def board(actor: User, code: str | None):
        return dashboard_for(actor=actor, region_code=code, period=MONTH)

    return {
        "by_code": _count(board, _fresh(demo.county_admin), village.code),
        "default": _count(board, _fresh(demo.town_admin), None),
        "superuser_default": _count(board, _fresh(root), None),
        "open_data": _count(lambda: open_data(period=MONTH)),
    }


def test_dashboards_run_a_fixed_number_of_queries_whatever_the_size(demo):
    world = world_build(demo, seed=7, learners=12, activities=4, actions=60)
    for label in ("2025-09", "2025-10", "2025-11"):
        rollups_build(period=Period.parse(label))
    small = _queries(demo)
    assert small == QUERIES

    world.activities += world_build(demo, seed=8, learners=40, activities=16, actions=300).activities
    world_act(world, 200)
    for label in ("2025-09", "2025-10", "2025-11"):
        rollups_build(period=Period.parse(label))
    board = dashboard_for(actor=demo.county_admin, region_code=None, period=MONTH)
    assert board.figures.registrations > 10
    assert _queries(demo) == QUERIES
