"""The dashboards API: `GET /api/v1/dashboard` (admins, scoped like the console) and the
public `GET /api/v1/open-data`, with the same figures as the selectors they serve."""

from decimal import Decimal

import pytest

from lifelong.common.tests.api_helpers import ApiClient
from lifelong.dashboards import selectors
from lifelong.regions.models import Region

from .learning import COUNTY, GANPU, WUYUAN, learning_build


@pytest.fixture
def learning(demo):
    return learning_build(demo)


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
