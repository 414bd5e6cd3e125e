"""The dashboards API: `GET /api/v1/dashboard` (admins, scoped like the console) and the
public `GET /api/v1/open-data`, with the same figures as the selectors they serve."""

from decimal import Decimal

import pytest

from lifelong.activities.models import Activity
from lifelong.dashboards import selectors
from lifelong.dashboards.api import PERIOD_PARAMETER_PATTERN
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient
from lifelong.testkit.regions import COUNTY, GANPU, WUYUAN


def test_an_admin_reads_the_dashboard_of_a_region_in_scope(demo, learning):
    period = learning.period.label
    response = ApiClient(demo.town_admin).get("/dashboard", period=period)
    assert response.status_code == 200, response.json()
    data = response.json()
    board = selectors.dashboard_for(actor=demo.town_admin, region_code=WUYUAN, period=learning.period)
    assert data["region"]["code"] == WUYUAN and data["period"] == period
    figures = board.figures
    assert data["figures"]["active_learners"] == figures.active_learners > 0
    assert Decimal(data["figures"]["learning_hours"]) == figures.learning_hours > 0
    assert data["figures"]["waitlisted"] == figures.waitlisted
    assert {c["code"] for c in data["children"]} == {c.code for c in board.children}
    assert len(data["trend"]) == 12 and data["trend"][-1]["month"] == learning.period.start.strftime("%Y-%m")
    village = learning.villages[0]
    if village.parent.code == WUYUAN:
        drilled = ApiClient(demo.town_admin).get("/dashboard", region=village.code, period=period)
        assert drilled.status_code == 200 and drilled.json()["region"]["level"] == "village"


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("town_admin", GANPU, 404),
        ("town_admin", COUNTY, 404),
        ("village_admin", WUYUAN, 404),
        ("organizer", None, 404),
        ("young_learner", None, 404),
        ("county_admin", GANPU, 200),
        ("county_admin", "999999999", 404),
    ],
)
def test_outside_scope_the_dashboard_answers_404(demo, persona, code, status):
    params = {"region": code} if code else {}
    response = ApiClient(getattr(demo, persona)).get("/dashboard", **params)
    assert response.status_code == status, response.json()
    if status == 404:
        assert response.json()["code"] == "not_found"


def test_the_dashboard_needs_a_token_and_a_valid_period(demo):
    assert ApiClient().get("/dashboard").status_code == 401
    refused = ApiClient(demo.county_admin).get("/dashboard", period="2026-13")
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_period"


def test_open_data_is_public_and_holds_the_county_and_its_towns(demo, learning):
    year = str(learning.period.start.year)
    response = ApiClient().get("/open-data", period=year)
    assert response.status_code == 200
    data = response.json()
    assert data["region"]["code"] == COUNTY and data["period"] == year
    assert len(data["children"]) == Region.objects.filter(level="town").count() == 9
    assert (
        data["figures"]["active_learners"]
        == selectors.open_data(period=selectors.Period.parse(year)).figures.active_learners
    )
    text = response.content.decode()
    assert not any(learner.name in text or learner.phone in text for learner in learning.learners)
    assert ApiClient().get("/open-data", period="2026-W1").json()["code"] == "invalid_period"


def test_the_activities_behind_an_unmet_demand_row(demo, learning):
    period = learning.period.label
    client = ApiClient(demo.town_admin)
    board = client.get("/dashboard", period=period).json()
    row = next(r for r in board["unmet_demand"] if r["category"] == "health")
    assert row["own_level"] is False  # a village of the town: its subtree
    response = client.get(
        "/dashboard/unmet-demand", region=row["region_code"], category="health", period=period, own=row["own_level"]
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["waitlisted"], data["rejected"]) == (row["waitlisted"], row["rejected"])
    assert data["region"]["code"] == row["region_code"] and data["count"] == len(data["items"]) == 1
    item = data["items"][0]
    activity = Activity.objects.get(pk=item["activity"]["id"])
    assert activity.category == "health" and activity.institution.region.code == row["region_code"]
    assert item["institution"]["id"] == activity.institution_id and item["may_copy"] is True
    assert (item["waitlisted"], item["rejected"], item["still_waiting"]) == (1, 0, 1)
    # Paged like every list: the town's two unmet health activities, one a page.
    everything = client.get("/dashboard/unmet-demand", region=WUYUAN, category="health", period=period)
    assert everything.json()["count"] == 2
    first = client.get("/dashboard/unmet-demand", region=WUYUAN, category="health", period=period, page_size=1)
    second = client.get("/dashboard/unmet-demand", region=WUYUAN, category="health", period=period, page_size=1, page=2)
    ids = [first.json()["items"][0]["activity"]["id"], second.json()["items"][0]["activity"]["id"]]
    assert sorted(ids) == sorted(i["activity"]["id"] for i in everything.json()["items"])


@pytest.mark.parametrize(
    ("persona", "code", "category", "status"),
    [
        ("town_admin", GANPU, "health", 404),
        ("town_admin", COUNTY, "health", 404),
        ("town_admin", WUYUAN, "knitting", 404),
        ("village_admin", WUYUAN, "health", 404),
        ("organizer", WUYUAN, "health", 404),
        ("young_learner", WUYUAN, "health", 404),
        ("county_admin", GANPU, "health", 200),
    ],
)
def test_unmet_demand_activities_follow_the_scope(demo, persona, code, category, status):
    response = ApiClient(getattr(demo, persona)).get("/dashboard/unmet-demand", region=code, category=category)
    assert response.status_code == status, response.json()
    if status == 404:
        assert response.json()["code"] == "not_found"


def test_unmet_demand_activities_need_a_token_and_a_valid_period(demo):
    assert ApiClient().get("/dashboard/unmet-demand", region=WUYUAN, category="health").status_code == 401
    refused = ApiClient(demo.county_admin).get(
        "/dashboard/unmet-demand", region=WUYUAN, category="health", period="2026-13"
    )
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_period"


def test_the_openapi_document_lists_unmet_demand_with_its_errors(db):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/dashboard/unmet-demand"]["get"]
    assert {"200", "401", "404", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"region", "category", "own", "period", "page", "page_size"}


# A period as the API reads it: exactly what its pattern in the document says. Each text is one a
# client generated from the document could send (or a near miss), with whether it is a period.
PERIOD_TEXTS = [
    ("", True),  # the default period, as if left out
    ("2026", True),
    ("2026-11", True),
    ("2026-Q4", True),
    ("2026-q1", True),
    ("1900", True),
    ("2999-12", True),
    ("1899", False),
    ("3000", False),
    ("000000", False),
    ("0000", False),
    ("2026-13", False),
    ("2026-00", False),
    ("2026-Q5", False),
    ("2026-W1", False),
    (" 2026", False),
    ("2026 ", False),
    ("٢٠٢٦", False),  # Arabic-Indic digits: a year to Python's int(), not to the document's [0-9]
]


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/unmet-demand", "/open-data"])
def test_the_document_gives_the_period_its_pattern(db, path):
    from django.test import Client

    operation = Client().get("/api/v1/openapi.json").json()["paths"][f"/api/v1{path}"]["get"]
    (period,) = [parameter for parameter in operation["parameters"] if parameter["name"] == "period"]
    assert period["schema"]["pattern"] == PERIOD_PARAMETER_PATTERN


@pytest.mark.parametrize(("text", "is_period"), PERIOD_TEXTS)
def test_the_api_takes_a_period_exactly_when_its_pattern_does(demo, text, is_period):
    import re

    assert bool(re.search(PERIOD_PARAMETER_PATTERN, text)) is is_period
    response = ApiClient().get("/open-data", period=text)
    if is_period:
        assert response.status_code == 200, response.json()
    else:
        assert response.status_code == 422 and response.json()["code"] == "invalid_period"
        admin = ApiClient(demo.county_admin)
        assert admin.get("/dashboard", period=text).json()["code"] == "invalid_period"
        unmet = admin.get("/dashboard/unmet-demand", region=WUYUAN, category="health", period=text)
        assert unmet.json()["code"] == "invalid_period"
