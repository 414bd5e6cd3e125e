"""Unmet demand made actionable: each row of the dashboard's "Where to add sessions" table links
to the activities behind it (region subtree × category × period, in the admin's scope), with
their waitlisted and refused counts, a link to each and, where the copy is allowed, "Copy as a
new session", which makes a new draft."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lifelong.accounts.models import User
from lifelong.activities import services as activity_services
from lifelong.activities.models import Activity, Registration
from lifelong.common.errors import NotFound
from lifelong.dashboards import unmet
from lifelong.dashboards.selectors import Period, dashboard_for
from lifelong.dashboards.services import rollups_refresh
from lifelong.regions.models import Region
from lifelong.testkit.regions import COUNTY, TONGYUAN, WUYUAN

from .learning import learner_new, learning_build

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def chinese():
    """Names come in the active language; another test may have left English active."""
    with translation.override("zh-hans"):
        yield


def page_url(code: str, category: str) -> str:
    return f"/console/dashboard/unmet/{code}/{category}/"


def raw_counts(activity: Activity, period: Period) -> tuple[int, int]:
    start, end = period.bounds()
    made = Registration.objects.filter(activity=activity, created_at__gte=start, created_at__lt=end)
    return made.filter(was_waitlisted=True).count(), made.filter(status="rejected").count()


def wuyuan_health(learning) -> list[Activity]:
    return [a for a in learning.activities if a.category == "health" and a.institution.region.parent.code == WUYUAN]


# --- The selector --------------------------------------------------------------------------------


def test_the_activities_behind_a_row_have_the_rows_counts_from_the_registrations(learning, demo):
    period = learning.period
    demand = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=WUYUAN, category="health", period=period
    )
    expected = wuyuan_health(learning)
    assert len(expected) == 2  # one per Wuyuan village of the world
    assert {r.activity.pk for r in demand.rows} == {a.pk for a in expected}
    for row in demand.rows:
        assert (row.waitlisted, row.rejected) == raw_counts(row.activity, period) == (1, 0)
        assert row.still_waiting == 1  # two seats, three learners: the third still waits
        assert row.may_copy
    # The totals are the dashboard row's (county dashboard, the Wuyuan × health row).
    board = dashboard_for(actor=demo.county_admin, region_code=COUNTY, period=period)
    row = next(u for u in board.unmet_demand if (u.region_code, u.category) == (WUYUAN, "health"))
    assert (demand.waitlisted, demand.rejected, demand.activities) == (row.waitlisted, row.rejected, 2)
    assert not row.own_level and demand.region_name == "武原街道"


def test_refusals_count_and_other_categories_and_periods_list_nothing(learning, demo):
    period = learning.period
    refused = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=WUYUAN, category="vocational", period=period
    )
    assert [(r.waitlisted, r.rejected, r.still_waiting) for r in refused.rows] == [(0, 1, 0)]
    assert refused.rows[0].activity.category == "vocational"
    # Reading was never offered; health in Tongyuan is Tongyuan's, not Wuyuan's.
    none = unmet.unmet_demand_activities(actor=demo.county_admin, region_code=WUYUAN, category="reading", period=period)
    assert none.rows == [] and none.activities == 0 and none.unmet == 0
    tongyuan = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=TONGYUAN, category="health", period=period
    )
    assert tongyuan.rows and all(r.activity.institution.region.parent.code == TONGYUAN for r in tongyuan.rows)
    earlier = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=WUYUAN, category="health", period=period.previous()
    )
    assert earlier.rows == []


def test_own_level_leaves_out_the_regions_below(learning, demo):
    # Every activity of the world is at a village teaching point: the town's own institutions have none.
    own = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=WUYUAN, category="health", period=learning.period, own_level=True
    )
    assert own.rows == [] and own.own_level
    village = wuyuan_health(learning)[0].institution.region
    at_village = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=village.code, category="health", period=learning.period, own_level=True
    )
    assert [r.activity.institution.region for r in at_village.rows] == [village]
    assert at_village.region_name == f"武原街道 · {village.name}"
    # On a village's own dashboard its rows are its own level; on the county's, towns are not.
    board = dashboard_for(actor=demo.county_admin, region_code=village.code, period=learning.period)
    assert board.unmet_demand and all(u.own_level and u.region_code == village.code for u in board.unmet_demand)


def test_the_most_demanded_come_first_and_a_cancelled_wait_still_counts(learning, demo):
    period = learning.period
    first, second = wuyuan_health(learning)
    session_start = second.sessions.get().starts_at
    extra = learner_new(second.institution.region)
    activity_services.registration_create(
        actor=demo.county_admin, activity=second, learner=extra, channel="proxy", now=session_start - timedelta(days=2)
    )
    demand = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=WUYUAN, category="health", period=period
    )
    assert [r.activity.pk for r in demand.rows] == [second.pk, first.pk]
    assert (demand.rows[0].waitlisted, demand.rows[0].still_waiting) == (2, 2)
    # Leaving the waitlist ends the wait, but the registration found no seat all the same.
    waiting = Registration.objects.get(activity=first, status="waitlisted")
    activity_services.registration_cancel(actor=demo.county_admin, registration=waiting)
    again = unmet.unmet_demand_activities(actor=demo.county_admin, region_code=WUYUAN, category="health", period=period)
    row = next(r for r in again.rows if r.activity.pk == first.pk)
    assert (row.waitlisted, row.still_waiting) == (1, 0)
    # And the dashboard agrees once rebuilt.
    rollups_refresh()
    board = dashboard_for(actor=demo.county_admin, region_code=COUNTY, period=period)
    dash = next(u for u in board.unmet_demand if (u.region_code, u.category) == (WUYUAN, "health"))
    assert (dash.waitlisted, dash.rejected) == (again.waitlisted, again.rejected) == (3, 0)


def test_scope_and_category_decide_what_may_be_asked(learning, demo):
    period = learning.period
    own_village = demo.village_admin.role_grants.get().region.code
    allowed = [
        (demo.county_admin, WUYUAN),
        (demo.county_admin, COUNTY),
        (demo.town_admin, WUYUAN),
        (demo.village_admin, own_village),
    ]
    refused = [
        (demo.town_admin, TONGYUAN),  # another town
        (demo.town_admin, COUNTY),  # above the scope
        (demo.village_admin, TONGYUAN),
        (demo.organizer, TONGYUAN),  # organizers administer no region
        (demo.elder_learner, own_village),
        (demo.county_admin, "330424999"),  # no such region
    ]
    for actor, code in allowed:
        unmet.unmet_demand_activities(actor=actor, region_code=code, category="health", period=period)
    for actor, code in refused:
        with pytest.raises(NotFound):
            unmet.unmet_demand_activities(actor=actor, region_code=code, category="health", period=period)
    with pytest.raises(NotFound) as error:
        unmet.unmet_demand_activities(actor=demo.county_admin, region_code=WUYUAN, category="knitting", period=period)
    assert error.value.field == "category"


def test_the_town_admin_sees_only_the_towns_activities(learning, demo):
    county_wide = unmet.unmet_demand_activities(
        actor=demo.county_admin, region_code=COUNTY, category="health", period=learning.period
    )
    town = unmet.unmet_demand_activities(
        actor=demo.town_admin, region_code=WUYUAN, category="health", period=learning.period
    )
    assert len(county_wide.rows) == 4 and len(town.rows) == 2
    assert {r.activity.pk for r in town.rows} < {r.activity.pk for r in county_wide.rows}
    assert town.dashboard_code == WUYUAN  # the town admin cannot open the county's dashboard
    assert county_wide.dashboard_code == COUNTY


def test_the_selector_runs_a_fixed_number_of_queries(learning, demo):
    def queries() -> int:
        actor = User.objects.get(pk=demo.county_admin.pk)  # no grants cached yet
        with CaptureQueriesContext(connection) as captured:
            demand = unmet.unmet_demand_activities(
                actor=actor, region_code=COUNTY, category="health", period=learning.period
            )
            [r.activity.institution.display_name for r in demand.rows]  # what the page reads of each
        return len(captured)

    before = queries()
    learning_build(demo, villages_per_town=3, build=False)  # more activities with unmet demand
    assert queries() == before <= 6


# --- The page --------------------------------------------------------------------------------


def test_each_dashboard_row_links_to_its_activities_which_link_on(learning, demo, county_client):
    html = county_client.get("/console/dashboard/", {"region": COUNTY}).content.decode()
    label = learning.period.label
    link = f'href="{page_url(WUYUAN, "health")}?period={label}" data-testid="unmet-link-{WUYUAN}-health"'
    assert link in html
    assert html.count('data-testid="unmet-row"') == html.count('data-testid="unmet-link-')
    response = county_client.get(page_url(WUYUAN, "health"), {"period": label})
    assert response.status_code == 200
    page = response.content.decode()
    demand = response.context["demand"]
    assert page.count('data-testid="unmet-activity"') == len(demand.rows) == 2
    for row in demand.rows:
        pk = row.activity.pk
        assert f'href="/console/activities/{pk}/" data-testid="open-{pk}"' in page
        assert f'action="/console/activities/{pk}/copy/" data-testid="copy-{pk}"' in page
    # Back to the dashboard the row was on (the county's), in the same period.
    assert f'href="/console/dashboard/?region={COUNTY}&amp;period={label}"' in page
    assert "<script>" not in page and " style=" not in page


def test_the_page_says_what_the_numbers_mean_in_english(learning, county_client):
    response = county_client.get(page_url(WUYUAN, "health"), **ENGLISH)
    page = response.content.decode()
    assert "Unmet demand for Health in Wuyuan Subdistrict" in page
    for words in ("found no free seat", "turned down by the organizer", "waitlist or offered a seat right now"):
        assert words in page, words
    assert "Activities: 2. Waitlisted: 2. Refused: 0." in page
    assert "Copy as a new session" in page


def test_a_row_with_nothing_unmet_says_so(learning, county_client):
    response = county_client.get(page_url(WUYUAN, "reading"), **ENGLISH)
    assert response.status_code == 200
    assert 'data-testid="unmet-empty"' in response.content.decode()
    assert 'data-testid="unmet-activity"' not in response.content.decode()


def test_the_page_answers_404_outside_scope_and_for_unknown_categories(learning, demo, verified_client):
    town = verified_client(demo.town_admin)
    assert town.get(page_url(WUYUAN, "health")).status_code == 200
    assert town.get(page_url(TONGYUAN, "health")).status_code == 404
    assert town.get(page_url(COUNTY, "health")).status_code == 404
    assert town.get(page_url(WUYUAN, "knitting")).status_code == 404
    assert town.get(page_url("not-a-code", "health")).status_code == 404
    # A bad period is a form error for a row in scope, and still 404 for one outside it.
    bad = town.get(page_url(WUYUAN, "health"), {"period": "2026-13"})
    assert bad.status_code == 200 and bad.context["form"].errors and "demand" not in bad.context
    assert town.get(page_url(TONGYUAN, "health"), {"period": "2026-13"}).status_code == 404
    assert verified_client(demo.organizer).get(page_url(TONGYUAN, "health")).status_code == 404
    anonymous = Client().get(page_url(WUYUAN, "health"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_copy_button_shows_only_where_the_copy_is_allowed(learning, demo, county_client, monkeypatch):
    first, second = wuyuan_health(learning)
    allowed = unmet.may_manage_activities_of

    def only_first_village(actor, institution):  # as if the actor could not manage the second's
        return allowed(actor, institution) and institution.pk != second.institution_id

    monkeypatch.setattr(unmet, "may_manage_activities_of", only_first_village)
    page = county_client.get(page_url(WUYUAN, "health")).content.decode()
    assert f'data-testid="copy-{first.pk}"' in page
    assert f'data-testid="copy-{second.pk}"' not in page
    # The activity is still listed, with its link.
    assert f'data-testid="open-{second.pk}"' in page


def test_copy_from_the_page_makes_a_new_draft(learning, demo, county_client):
    activity = wuyuan_health(learning)[0]
    page = county_client.get(page_url(WUYUAN, "health")).content.decode()
    action = re.search(rf'action="([^"]+)" data-testid="copy-{activity.pk}"', page).group(1)
    before = set(Activity.objects.values_list("pk", flat=True))
    response = county_client.post(action)
    (new_pk,) = set(Activity.objects.values_list("pk", flat=True)) - before
    assert response.status_code == 302 and response["Location"] == f"/console/activities/{new_pk}/edit/"
    copy = Activity.objects.get(pk=new_pk)
    assert copy.status == "draft" and copy.title == activity.title and copy.category == "health"
    assert copy.institution_id == activity.institution_id and not copy.registrations.exists()
    assert copy.sessions.get().starts_at > activity.sessions.get().starts_at


def test_the_dashboard_links_its_own_level_rows_with_own(learning, demo, county_client):
    village = wuyuan_health(learning)[0].institution.region
    html = county_client.get("/console/dashboard/", {"region": village.code}).content.decode()
    assert f'href="{page_url(village.code, "health")}?period={learning.period.label}&amp;own=1"' in html
    response = county_client.get(page_url(village.code, "health"), {"own": "1"})
    assert response.context["demand"].own_level and 'data-testid="own-level"' in response.content.decode()
    assert [r.activity.institution.region for r in response.context["demand"].rows] == [village]
    # The village's page goes back to its town's dashboard, from where its row was.
    assert Region.objects.get(code=village.code).parent.code == WUYUAN
    plain = county_client.get(page_url(village.code, "health")).content.decode()
    assert f'href="/console/dashboard/?region={WUYUAN}&amp;period={learning.period.label}"' in plain
