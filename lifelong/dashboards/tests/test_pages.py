"""The console dashboard and the open-data page as people see them: every level renders with
its figures, tables and charts' data; a bad period is a form error, never a crash; the page
runs the same number of queries however much learning there is; the public page and its CSV
show the county and its nine towns."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lifelong.dashboards.selectors import Period, dashboard_for, open_data
from lifelong.dashboards.services import rollups_build
from lifelong.regions.models import Region
from lifelong.testkit.regions import COUNTY, TONGYUAN, WUYUAN

from .learning import learning_build, this_month

DASHBOARD = "/console/dashboard/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def chart_data(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, chart_id
    return json.loads(found.group(1))


def test_the_county_admin_sees_the_county_with_every_section(learning, demo, county_client):
    response = county_client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    board = response.context["dashboard"]
    assert board.region.code == COUNTY and board.period == this_month()
    figures = board.figures
    assert figures.active_learners > 0 and figures.attendances > 0 and figures.waitlisted > 0 and figures.rejected > 0
    for section in ("headline", "section-children", "section-categories", "section-audiences", "section-unmet"):
        assert f'data-testid="{section}"' in html, section
    assert 'data-testid="section-trend"' in html
    # The nine towns in the drill-down table, each a link to its own dashboard.
    towns = Region.objects.filter(level="town")
    assert html.count('data-testid="child-row"') == towns.count() == 9
    for town in towns:
        assert f'href="/console/dashboard/?region={town.code}&amp;period={board.period.label}"' in html
    # The charts' data repeat the tables; the charts themselves are hidden from screen readers.
    categories = chart_data(html, "chart-categories")
    assert categories["categories"] == [row.label for row in board.by_category]
    assert categories["series"][0]["values"] == [row.activities for row in board.by_category]
    assert chart_data(html, "chart-trend")["categories"] == [row.month for row in board.trend]
    assert len(board.trend) == 12
    # Each chart is a keyboard stop that names itself and points to its table.
    assert re.search(
        r'<div class="chart ll-chart" data-chart="chart-categories" tabindex="0" role="img" aria-label="', html
    )
    assert html.count("<caption") >= 5 and 'scope="col"' in html and 'scope="row"' in html
    # Export links for every table, and the refresh button.
    for table in ("figures", "children", "categories", "audiences", "unmet", "trend"):
        assert f"/console/dashboard/export/{table}.csv?region={COUNTY}&amp;period={board.period.label}" in html
        assert f"/console/dashboard/export/{table}.xlsx?region={COUNTY}" in html
    assert 'action="/console/dashboard/refresh/"' in html
    assert "<script>" not in html and " style=" not in html and "onclick" not in html  # the CSP allows none


def test_a_town_and_a_village_dashboard_render_with_their_own_figures(learning, demo, county_client):
    town = county_client.get(DASHBOARD, {"region": WUYUAN})
    assert town.status_code == 200
    board = town.context["dashboard"]
    assert board.region.code == WUYUAN
    assert [r.code for r in board.breadcrumb] == [COUNTY, WUYUAN]
    villages = Region.objects.filter(parent__code=WUYUAN)
    assert town.content.decode().count('data-testid="child-row"') == villages.count()
    village = learning.villages[0]
    response = county_client.get(DASHBOARD, {"region": village.code, "period": learning.period.label})
    assert response.status_code == 200
    html = response.content.decode()
    expected = dashboard_for(actor=demo.county_admin, region_code=village.code, period=learning.period)
    assert response.context["dashboard"].figures == expected.figures
    assert expected.figures.attendances > 0 and expected.figures.coverage == 1
    assert 'data-testid="section-children"' not in html  # a village has nothing below it
    assert village.name in html
    crumbs = re.search(r'data-testid="breadcrumb">(.*?)</nav>', html, re.S).group(1)
    assert f"?region={COUNTY}&amp;" in crumbs and f"?region={WUYUAN}&amp;" in crumbs
    assert '<span aria-current="page">' + village.name in crumbs


def test_an_admins_default_dashboard_is_their_own_region(learning, demo, verified_client):
    own_village = demo.village_admin.role_grants.get().region
    for admin, code in ((demo.town_admin, WUYUAN), (demo.village_admin, own_village.code)):
        response = verified_client(admin).get(DASHBOARD)
        assert response.status_code == 200
        assert response.context["dashboard"].region.code == code
        assert [r.code for r in response.context["dashboard"].breadcrumb] == [code]


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "26", "soon", "2026-11-01", "0000", "9" * 40, "2026-1"])
def test_a_bad_period_is_a_form_error_never_a_crash(demo, county_client, period):
    response = county_client.get(DASHBOARD, {"period": period, "region": WUYUAN})
    assert response.status_code == 200
    assert response.context["form"].errors["period"]
    assert "dashboard" not in response.context
    assert 'class="errorlist' in response.content.decode()
    for table in ("figures", "children"):
        export = county_client.get(f"/console/dashboard/export/{table}.csv", {"period": period})
        assert export.status_code == 400


@pytest.mark.parametrize("period", ["2026-11", "2026-Q4", "2026", "2019-03"])
def test_months_quarters_and_years_are_offered_and_accepted(demo, county_client, period):
    response = county_client.get(DASHBOARD, {"period": period}, **ENGLISH)
    assert response.status_code == 200
    assert response.context["dashboard"].period.label == period
    assert f'<option value="{period}" selected>' in response.content.decode()


def test_unknown_or_malformed_regions_answer_404(demo, county_client):
    for region in ("330424999", "999999", "33042400100x", "../330424", "3" * 13):
        assert county_client.get(DASHBOARD, {"region": region}).status_code == 404, region
    assert county_client.get("/console/dashboard/export/people.csv").status_code == 404


def test_refresh_now_queues_a_rebuild_and_comes_back_to_the_same_dashboard(learning, demo, county_client):
    response = county_client.post(
        reverse("console:dashboard_refresh"), {"region": WUYUAN, "period": learning.period.label}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/console/dashboard/?region={WUYUAN}&period={learning.period.label}"
    page = county_client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]]
    assert county_client.get(reverse("console:dashboard_refresh")).status_code == 405
    # Whatever was posted, the way back never leaves the dashboard.
    response = county_client.post(reverse("console:dashboard_refresh"), {"region": "//evil.example", "period": "x"})
    assert response["Location"] == "/console/dashboard/"


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_size(demo, county_client):
    small = learning_build(demo, villages_per_town=1)
    county_client.get(DASHBOARD)  # the session's first request does its own one-off work
    at_small = {
        code: _queries(county_client, DASHBOARD, {"region": code, "period": small.period.label})
        for code in (COUNTY, WUYUAN, small.villages[0].code)
    }
    open_small = _queries(county_client, "/open-data/", {})
    learning_build(demo, villages_per_town=4, rounds=3, build=False)
    rollups_build(period=small.period)
    rollups_build(period=Period.current("year"))
    at_large = {
        code: _queries(county_client, DASHBOARD, {"region": code, "period": small.period.label})
        for code in (COUNTY, WUYUAN, small.villages[0].code)
    }
    assert dashboard_for(actor=demo.county_admin, region_code=WUYUAN, period=small.period).figures.activities > (
        dashboard_for(
            actor=demo.county_admin, region_code=small.villages[0].code, period=small.period
        ).figures.activities
    )
    assert at_large == at_small
    # Session, user, two-factor device, grants, notices; the region, its subtree and ancestors;
    # one grouped sum per rollup table, three for the trend (two sums, its built months), the
    # last build.
    assert set(at_small.values()) == {13}, at_small
    assert _queries(county_client, "/open-data/", {}) == open_small
    for table in ("figures", "children", "unmet"):
        assert _queries(county_client, f"/console/dashboard/export/{table}.xlsx", {"region": TONGYUAN}) <= 20


# --- The public open-data page ----------------------------------------------------------------


def test_the_open_data_page_shows_the_county_and_its_nine_towns(learning, client):
    response = client.get("/open-data/", {"period": str(learning.period.start.year)})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="open-data-county"') == 1
    assert html.count('data-testid="open-data-town"') == 9
    for town in Region.objects.filter(level="town"):
        assert town.name in html
    board = open_data(period=response.context["dashboard"].period)
    assert board.figures.active_learners > 0
    chart = chart_data(html, "chart-open-data")
    assert chart["categories"][0] == board.region.name and len(chart["categories"]) == 10
    assert f'href="/open-data/indicators.csv?period={learning.period.start.year}"' in html
    assert "<caption" in html and 'data-chart="chart-open-data" tabindex="0" role="img" aria-label="' in html
    for learner in learning.learners:
        assert learner.name not in html and learner.phone not in html
    # The footer links here from every page.
    assert 'href="/open-data/"' in client.get("/").content.decode()


def test_the_open_data_page_defaults_to_this_year_and_refuses_a_month(demo, client):
    response = client.get("/open-data/")
    assert response.status_code == 200
    assert response.context["dashboard"].period.label == str(this_month().start.year)
    for period in ("2026-11", "2026-Q1", "next year"):
        refused = client.get("/open-data/", {"period": period})
        assert refused.status_code == 200 and refused.context["form"].errors["period"]
        assert client.get("/open-data/indicators.csv", {"period": period}).status_code == 400


def test_the_open_data_csv_lists_the_county_and_its_nine_towns(learning, client):
    year = str(learning.period.start.year)
    response = client.get("/open-data/indicators.csv", {"period": year}, **ENGLISH)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"indicators-{year}.csv" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [row["Level"] for row in rows] == ["County"] + ["Town or subdistrict"] * 9
    assert {row["Region code"] for row in rows[1:]} == set(
        Region.objects.filter(level="town").values_list("code", flat=True)
    )
    board = open_data(period=Period.parse(year))
    assert int(rows[0]["Active learners"]) == board.figures.active_learners > 0
    assert int(rows[0]["Population"]) == board.figures.population
    assert set(rows[0]) == {
        "Region code",
        "Region",
        "Level",
        "Year",
        "Population",
        "Registered learners",
        "Active learners",
        "Participation rate (%)",
        "Hours per head",
        "Activities",
        "Attendance rate (%)",
        "Coverage (%)",
    }
    for learner in learning.learners:
        assert learner.name not in body and learner.phone not in body
