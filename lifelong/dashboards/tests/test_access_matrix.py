"""The dashboard's access-control matrix: persona × region × (the page and each export, the
refresh button), checked against an oracle.

The oracle is written apart from the views, the selectors and the policy module: it decides
from region *codes* (a child's code begins with its parent's) and a plain table of who
administers what. Admins see their region's subtree and nothing else; every other staff member,
and every learner, gets 404 (so the console never reveals which regions exist); nobody signed
in is sent to sign in.
"""

import pytest
from django.test import Client

from lifelong.regions.models import Region
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import covers, matrix_world
from lifelong.testkit.regions import COUNTY, GANPU, TONGYUAN, WUYUAN

TABLES = ["figures", "children", "categories", "audiences", "unmet", "trend"]
URLS = ["/console/dashboard/"] + [f"/console/dashboard/export/{t}.{f}" for t in TABLES for f in ("csv", "xlsx")]


@pytest.fixture
def world(demo, verified_client):
    world = matrix_world(demo, verified_client, ganpu_phone="13600000019")
    own_village = world["codes"]["village_admin"]  # the oracle's table: who administers which region
    wuyuan_village = Region.objects.filter(parent__code=WUYUAN).order_by("path").last().code
    regions = {
        "county": COUNTY,
        "wuyuan": WUYUAN,
        "wuyuan_village": wuyuan_village,
        "ganpu": GANPU,
        "tongyuan_village": own_village,
    }
    return {**world, "regions": regions}


def oracle_may_see(world, persona: str, region_code: str) -> bool:
    return covers(world["codes"], persona, region_code)


def test_the_sample_regions_are_what_their_names_say(world):
    regions = world["regions"]
    assert regions["tongyuan_village"].startswith(TONGYUAN) and len(regions["tongyuan_village"]) == 12
    assert regions["wuyuan_village"].startswith(WUYUAN) and len(regions["wuyuan_village"]) == 12


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", ["county", "wuyuan", "wuyuan_village", "ganpu", "tongyuan_village"])
def test_the_dashboard_and_its_exports_follow_the_admins_subtree(world, persona, place):
    code = world["regions"][place]
    client = world["web"][persona]
    for url in URLS:
        response = client.get(url, {"region": code})
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif oracle_may_see(world, persona, code):
            assert response.status_code == 200, (url, persona, place)
            if url.endswith("/dashboard/"):
                assert response.context["dashboard"].region.code == code
            else:
                assert f"dashboard-{code}-" in response["Content-Disposition"]
        else:
            assert response.status_code == 404, (url, persona, place)


@pytest.mark.parametrize("persona", PERSONAS)
def test_without_a_region_each_admin_gets_their_own_and_others_get_404(world, persona):
    client = world["web"][persona]
    for url in URLS:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif persona in world["codes"]:
            assert response.status_code == 200
            if url.endswith("/dashboard/"):
                assert response.context["dashboard"].region.code == world["codes"][persona]
        else:
            assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_refresh_now_is_for_admins_only(world, persona):
    response = world["web"][persona].post("/console/dashboard/refresh/", {"period": "2026"})
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif persona in world["codes"]:
        assert response.status_code == 302 and response["Location"] == "/console/dashboard/?period=2026"
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_console_offers_the_dashboard_to_admins_only(world, persona):
    response = world["web"][persona].get("/console/")
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in world["codes"]:
        assert 'data-testid="console-dashboard-link"' in response.content.decode()
    elif response.status_code == 200:  # the organizer: a console without the dashboard
        assert 'data-testid="console-dashboard-link"' not in response.content.decode()
    else:
        assert response.status_code == 404


def test_staff_without_two_factor_are_stopped_before_the_dashboard(demo):
    client = Client()
    client.force_login(demo.town_admin)
    response = client.get("/console/dashboard/", {"region": WUYUAN})
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
    response = client.get("/console/dashboard/export/children.csv", {"region": WUYUAN})
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("place", ["county", "wuyuan", "wuyuan_village", "ganpu", "tongyuan_village"])
def test_the_unmet_demand_page_follows_the_admins_subtree(world, persona, place):
    """The activities behind an unmet-demand row: the same subtree rule as the dashboard, and
    a category that is none answers 404 even where the region is in scope."""
    code = world["regions"][place]
    client = world["web"][persona]
    for own in ("", "1"):
        response = client.get(f"/console/dashboard/unmet/{code}/health/", {"own": own} if own else {})
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif oracle_may_see(world, persona, code):
            assert response.status_code == 200, (persona, place)
            assert response.context["demand"].region.code == code
            assert response.context["demand"].own_level is (own == "1")
        else:
            assert response.status_code == 404, (persona, place)
    unknown = client.get(f"/console/dashboard/unmet/{code}/knitting/")
    assert unknown.status_code == (302 if persona == "anonymous" else 404)
