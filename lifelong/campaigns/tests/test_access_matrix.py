"""Campaigns in the access-control matrix: persona × (the county's week, a Wuyuan campaign) ×
(console list, manage, edit, decide, generate the report; API proposals, decisions, changes).

The oracle: a campaign is run by the admins whose region code prefixes its host region's code.
The county week is the county admin's alone; Wuyuan's own campaign is also its town admin's.
Nobody else sees either in the console or the staff API (404), while the public pages and
`GET /campaigns/{slug}` stay open to all.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities.models import Activity
from lifelong.campaigns import services
from lifelong.campaigns.models import Campaign, CampaignReport
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import matrix_actors, matrix_clients

from .test_campaign_workflow import proposal

ADMIN_CODES = {"village_admin": None, "town_admin": "330424001", "ganpu_admin": "330424104", "county_admin": "330424"}


@pytest.fixture
def world(demo, verified_client):
    actors = matrix_actors(demo, ganpu_phone="13600000039")
    today = timezone.localdate()
    campaigns = {
        code: services.campaign_create(
            actor=demo.county_admin,
            host_region=Region.objects.get(code=code),
            slug=f"c-{code}",
            name={"330424": "全县学习周", "330424001": "武原学习周"}[code],
            starts_on=today,
            ends_on=today + timedelta(days=20),
        )
        for code in ("330424", "330424001")
    }
    proposals = {code: proposal(demo, campaign, title=f"提议 {code}") for code, campaign in campaigns.items()}
    web = matrix_clients(actors, verified_client)
    return {"demo": demo, "actors": actors, "web": web, "campaigns": campaigns, "proposals": proposals}


def runs(persona: str, host_code: str) -> bool:
    code = ADMIN_CODES.get(persona)
    return code is not None and host_code.startswith(code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_console_campaign_pages_follow_the_host_region(world, persona):
    client = world["web"][persona]
    listing = client.get("/console/campaigns/")
    if persona in ("anonymous",):
        assert listing.status_code == 302  # sign in first
    elif persona in ADMIN_CODES:  # a village admin's list is empty: no campaign is theirs
        shown = listing.content.decode()
        for code, campaign in world["campaigns"].items():
            assert (campaign.display_name in shown) == runs(persona, code), (persona, code)
    else:
        assert listing.status_code == 404, persona  # citizens, organizers, village admins run no campaign
    for code, campaign in world["campaigns"].items():
        activity = world["proposals"][code]
        allowed = runs(persona, code)
        expected = 200 if allowed else (302 if persona == "anonymous" else 404)
        assert client.get(f"/console/campaigns/{campaign.pk}/").status_code == expected, (persona, code)
        assert client.get(f"/console/campaigns/{campaign.pk}/edit/").status_code == expected, (persona, code)
        decided = client.post(f"/console/campaigns/{campaign.pk}/proposals/{activity.pk}/", {"decision": "accept"})
        assert decided.status_code == (302 if allowed or persona == "anonymous" else 404), (persona, code)
        activity.refresh_from_db()
        assert (activity.campaign_status == "accepted") == allowed, (persona, code)
        ended(campaign)  # a report waits for the campaign's end (test_campaign_workflow.py)
        report = client.post(f"/console/campaigns/{campaign.pk}/report/")
        assert report.status_code == (302 if allowed or persona == "anonymous" else 404)
        assert CampaignReport.objects.filter(campaign=campaign).exists() == allowed


def ended(campaign) -> None:
    """Move the campaign into the past, as if its week were over."""
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - timedelta(days=8), ends_on=today - timedelta(days=1)
    )
    campaign.refresh_from_db()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_staff_campaign_api_follows_the_host_region(world, persona):
    user = world["actors"][persona]
    api = ApiClient(user) if user else ApiClient()
    for code, campaign in world["campaigns"].items():
        slug = campaign.slug
        activity = world["proposals"][code]
        allowed = runs(persona, code)
        denied = 401 if user is None else 404
        listing = api.get(f"/campaigns/{slug}/proposals")
        assert listing.status_code == (200 if allowed else denied), (persona, code)
        if allowed:
            assert [item["id"] for item in listing.json()["items"]] == [activity.pk]
        assert api.post(f"/campaigns/{slug}/proposals/{activity.pk}/accept").status_code == (200 if allowed else denied)
        assert api.patch(f"/campaigns/{slug}", {"theme": persona}).status_code == (200 if allowed else denied)
        ended(campaign)
        assert api.post(f"/campaigns/{slug}/report").status_code == (201 if allowed else denied)
        assert Activity.objects.get(pk=activity.pk).campaign_status == ("accepted" if allowed else "proposed")
        assert (Campaign.objects.get(pk=campaign.pk).theme == persona) == allowed
        # The public reads stay open to everyone.
        assert api.get(f"/campaigns/{slug}").status_code == 200
        assert Client().get(f"/campaigns/{slug}/").status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_campaign_needs_the_host_region_in_scope(world, persona):
    user = world["actors"][persona]
    api = ApiClient(user) if user else ApiClient()
    for code in ("330424", "330424001", "330424104"):
        body = {"slug": f"new-{code}", "name": "新活动", "starts_on": "2027-03-01", "ends_on": "2027-03-03"}
        response = api.post("/campaigns", {**body, "host_region": code})
        allowed = runs(persona, code)
        assert response.status_code == (201 if allowed else 401 if user is None else 404), (persona, code)
        assert Campaign.objects.filter(slug=f"new-{code}").exists() == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_proposing_an_activity_needs_to_manage_it(world, persona):
    """The Tongyuan school's activity: its organizer and the county admin manage it (the
    village admin's village and Wuyuan do not hold the school)."""
    from lifelong.passport.tests.helpers import course

    demo_week = world["campaigns"]["330424"]
    web_activity = course(world["demo"], sessions=1)
    api_activity = course(world["demo"], sessions=1)
    allowed = persona in ("organizer", "county_admin")
    response = world["web"][persona].post(
        "/console/campaigns/proposals/new/", {"activity": web_activity.pk, "campaign": demo_week.pk}
    )
    assert response.status_code == (302 if allowed or persona == "anonymous" else 404), persona
    assert Activity.objects.get(pk=web_activity.pk).campaign_id == (demo_week.pk if allowed else None)
    user = world["actors"][persona]
    api = ApiClient(user) if user else ApiClient()
    response = api.post(f"/campaigns/{demo_week.slug}/proposals", {"activity": api_activity.pk})
    assert response.status_code == (201 if allowed else 401 if user is None else 404), persona
    assert Activity.objects.get(pk=api_activity.pk).campaign_id == (demo_week.pk if allowed else None)
