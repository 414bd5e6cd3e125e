"""Every quantity the API answers is a JSON number: hours with one decimal place, counts as
integers (they used to be strings where a Decimal or a stored report held them: "0.0")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.campaigns import services as campaign_services
from lifelong.campaigns.models import Campaign
from lifelong.passport.tests.helpers import attend, course, enrol
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient

pytestmark = pytest.mark.django_db


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@pytest.fixture
def attended(demo):
    """A course of 90-minute sessions the elder learner attended once: 1.5 hours in the ledger."""
    activity = course(demo, hours="0", certificate=False)
    enrol(activity, demo.elder_learner)
    attend(demo, activity.sessions.order_by("starts_at").first(), demo.elder_learner)
    return activity


def test_an_activitys_hours_are_a_number(demo):
    activity = course(demo, hours="2.5")
    detail = ApiClient().get(f"/activities/{activity.pk}").json()
    assert detail["hours"] == 2.5


def test_the_passport_counts_hours_as_numbers(demo, attended):
    passport = ApiClient(demo.elder_learner).get("/me/passport").json()
    assert passport["total_hours"] == 1.5 and passport["year_hours"] == 1.5
    assert passport["entries"][0]["hours"] == 1.5
    assert all(is_number(row["hours"]) for row in passport["by_category"] + passport["by_month"])


def test_the_dashboard_and_open_data_give_numbers(demo, attended):
    from lifelong.dashboards.selectors import Period
    from lifelong.dashboards.services import rollups_rebuild

    year = str(timezone.localdate().year)
    rollups_rebuild(period=Period.parse(year))
    board = ApiClient(demo.county_admin).get("/dashboard", period=year).json()
    figures = board["figures"]
    assert is_number(figures["learning_hours"]) and is_number(figures["hours_per_head"])
    assert all(is_number(row["learning_hours"]) for row in board["by_category"] + board["trend"])
    open_data = ApiClient().get("/open-data", period=year).json()
    assert is_number(open_data["figures"]["learning_hours"])


def test_a_campaigns_counters_and_report_are_numbers(demo, attended):
    today = timezone.localdate()
    week = campaign_services.campaign_create(
        actor=demo.county_admin,
        host_region=Region.objects.get(code="330424"),
        slug="week-numbers",
        name="活动周",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        target_hours=100,
    )
    counters = ApiClient().get("/campaigns/week-numbers").json()["counters"]
    assert counters["hours"] == {"value": 0.0, "target": 100}
    assert counters["activities"]["value"] == 0

    Campaign.objects.filter(pk=week.pk).update(starts_on=today - timedelta(days=8), ends_on=today - timedelta(days=1))
    assert ApiClient(demo.county_admin).post("/campaigns/week-numbers/report").status_code == 201
    figures = ApiClient().get("/campaigns/week-numbers/report").json()["figures"]
    assert figures["totals"]["activities"] == {"value": 0, "target": None}
    assert figures["totals"]["hours"] == {"value": 0.0, "target": 100}
    assert figures["highlights"]["targets_met"] == []


def test_a_programmes_and_a_resources_hours_are_numbers(demo):
    from lifelong.community.tests.helpers import brand
    from lifelong.institutions.models import Institution
    from lifelong.testkit.regions import TONGYUAN

    brand(demo, town=TONGYUAN, slug="new-farmers", level="county")
    assert ApiClient().get("/programmes/new-farmers").json()["figures"]["hours"] == 0.0

    school = Institution.objects.get(kind="community_school", region__code="330424105")
    link = {
        "institution": school.pk,
        "title": "防诈骗讲座",
        "category": "civic",
        "hours": "1.5",
        "url": "https://example.org/talk",
        "published": True,
    }
    created = ApiClient(demo.organizer).post("/resources", link)
    assert created.status_code == 201, created.json()
    assert created.json()["hours"] == 1.5
    assert ApiClient().get(f"/resources/{created.json()['id']}").json()["hours"] == 1.5


def test_a_learners_nomination_record_counts_in_numbers(demo, attended):
    from lifelong.honours.tests.helpers import open_call

    call = open_call(demo.county_admin, Region.objects.get(code="330424"))
    nominated = ApiClient(demo.village_admin).post(
        f"/honor-calls/{call.pk}/nominations",
        {"kind": "learner", "recipient": demo.elder_learner.pk, "statement": "坚持学习"},
    )
    assert nominated.status_code == 201, nominated.json()
    record = nominated.json()["record"]
    assert record["in_all"] == {"hours": 1.5, "points": record["in_all"]["points"], "activities": 1}
    assert is_number(record["this_year"]["hours"]) and record["period"]["to"] == timezone.localdate().isoformat()
    shown = ApiClient(demo.county_admin).get(f"/honor-calls/{call.pk}").json()["nominations"][0]
    assert shown["record"] == record
