"""The community API contract: shapes, filters, errors, and bad input changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.activities.models import Activity
from lifelong.activities.tests.helpers import new_learner
from lifelong.community.models import TeamMembership
from lifelong.institutions.models import Institution
from lifelong.passport.tests.helpers import attend, course, enrol
from lifelong.testkit.api import ApiClient
from lifelong.testkit.regions import GANPU, TONGYUAN, WUYUAN

from .helpers import brand, person, school, team


def test_programmes_are_listed_by_town_with_filters(demo):
    brand(demo, town=TONGYUAN, slug="new-farmers", level="county")
    brand(demo, town=WUYUAN, slug="happy-reading", name="乐读", level="national")
    everything = ApiClient().get("/programmes").json()
    assert everything["count"] == 2
    item = everything["items"][0]
    assert set(item) == {"slug", "name", "name_en", "town", "institution", "level", "started_year", "ended_year"}
    assert item["slug"] == "happy-reading" and item["town"] == {  # Wuyuan's path sorts first
        "code": WUYUAN,
        "name": "武原街道",
        "name_en": "Wuyuan Subdistrict",
        "level": "town",
    }
    assert [p["slug"] for p in ApiClient().get("/programmes", region=TONGYUAN).json()["items"]] == ["new-farmers"]
    assert ApiClient().get("/programmes", region="330424").json()["count"] == 2  # the whole subtree
    assert [p["slug"] for p in ApiClient().get("/programmes", level="national").json()["items"]] == ["happy-reading"]
    unknown = ApiClient().get("/programmes", region="999999")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert ApiClient().get("/programmes", level="galactic").status_code == 422


def test_a_programme_comes_with_its_figures(demo):
    programme = brand(demo, slug="new-farmers", ended_year=2030)
    activity = course(demo, sessions=2, programme=programme)
    learner = new_learner(demo)
    enrol(activity, learner)
    attend(demo, activity.sessions.first(), learner)
    data = ApiClient().get("/programmes/new-farmers").json()
    assert data["story"] == "田间课堂。" and data["ended_year"] == 2030
    assert data["figures"] == {"activities": 1, "people_served": 1, "attendance": 1, "hours": 1.5}
    missing = ApiClient().get("/programmes/no-such-brand")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_teams_are_listed_and_shown_without_personal_data(demo):
    reading = team(demo, description="每月共读一本书。")
    team(demo, region=TONGYUAN, kind="learning_team", leader=person(demo))
    data = ApiClient().get("/teams", region=WUYUAN).json()
    assert data["count"] == 1
    assert data["items"][0] == {
        "id": reading.pk,
        "name": reading.name,
        "name_en": "Reading Team",
        "kind": "mass_organization",
        "region": {"code": WUYUAN, "name": "武原街道", "name_en": "Wuyuan Subdistrict", "level": "town"},
        "leader": {"name": demo.young_learner.name},
        "member_count": 1,
        "founded_year": None,
    }
    assert ApiClient().get("/teams", kind="learning_team").json()["count"] == 1
    detail = ApiClient().get(f"/teams/{reading.pk}").json()
    assert detail["description"] == "每月共读一本书。" and "phone" not in str(detail)
    assert ApiClient().get("/teams/999999").status_code == 404
    assert ApiClient().get("/teams", kind="choir").status_code == 422


def test_joining_leaving_and_deciding_through_the_api(demo):
    reading = team(demo)
    reader = person(demo, name="陈雅琴")
    api = ApiClient(reader)
    joined = api.post(f"/teams/{reading.pk}/join")
    assert joined.status_code == 201 and joined.json()["status"] == "requested"
    again = api.post(f"/teams/{reading.pk}/join")
    assert again.status_code == 409 and again.json()["code"] == "already_member"
    assert TeamMembership.objects.filter(team=reading, user=reader).count() == 1

    assert api.get(f"/teams/{reading.pk}/memberships").status_code == 404  # members only for the leader
    leader = ApiClient(demo.young_learner)
    listing = leader.get(f"/teams/{reading.pk}/memberships").json()
    assert listing["count"] == 2
    waiting = next(m for m in listing["items"] if m["status"] == "requested")
    assert waiting["person"] == {"id": reader.pk, "name": "陈雅琴"}
    assert api.post(f"/memberships/{waiting['id']}/approve").status_code == 404  # not one's own to decide
    approved = leader.post(f"/memberships/{waiting['id']}/approve")
    assert approved.status_code == 200 and approved.json() == {"id": waiting["id"], "status": "member"}
    twice = leader.post(f"/memberships/{waiting['id']}/decline")
    assert twice.status_code == 409 and twice.json()["code"] == "not_requested"
    assert ApiClient().get(f"/teams/{reading.pk}").json()["member_count"] == 2

    leader_leaves = leader.post(f"/teams/{reading.pk}/leave")
    assert leader_leaves.status_code == 409 and leader_leaves.json()["code"] == "leader_cannot_leave"
    left = api.post(f"/teams/{reading.pk}/leave")
    assert left.status_code == 200 and left.json()["status"] == "left"
    assert api.post(f"/teams/{reading.pk}/leave").json()["code"] == "not_member"
    assert ApiClient().post(f"/teams/{reading.pk}/join").status_code == 401


def test_a_declined_request_through_the_api(demo):
    reading = team(demo)
    membership = ApiClient(person(demo)).post(f"/teams/{reading.pk}/join").json()
    declined = ApiClient(demo.town_admin).post(f"/memberships/{membership['id']}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert ApiClient(demo.town_admin).post("/memberships/999999/approve").status_code == 404


def _activity_body(institution: Institution, **extra) -> dict:
    now = timezone.now()
    return {
        "title": "田间课堂",
        "category": "agriculture",
        "institution": institution.pk,
        "capacity": 20,
        "registration_opens": now.isoformat(),
        "registration_closes": (now + timedelta(days=5)).isoformat(),
        "sessions": [
            {
                "starts_at": (now + timedelta(days=6)).isoformat(),
                "ends_at": (now + timedelta(days=6, hours=2)).isoformat(),
            }
        ],
        **extra,
    }


def test_an_activity_is_created_in_a_programme_with_a_team_and_shows_both(demo):
    programme = brand(demo, slug="new-farmers")
    village = demo.village_admin.role_grants.get().region
    farmers = team(demo, region=village, leader=person(demo, home=village), name="田间学习队")
    api = ApiClient(demo.organizer)
    created = api.post("/activities", _activity_body(school(), programme="new-farmers", team=farmers.pk))
    assert created.status_code == 201, created.content
    detail = api.get(f"/activities/{created.json()['id']}").json()
    assert detail["programme"] == {"slug": "new-farmers", "name": "新农民讲堂", "name_en": "Lectures for New Farmers"}
    assert detail["team"] == {"id": farmers.pk, "name": "田间学习队", "name_en": "Reading Team"}
    plain = api.post("/activities", _activity_body(school())).json()
    assert api.get(f"/activities/{plain['id']}").json()["programme"] is None
    assert Activity.objects.filter(programme=programme).count() == 1


@pytest.mark.parametrize(
    ("extra", "status", "code", "field"),
    [
        ({"programme": "no-such-brand"}, 404, "not_found", "programme"),
        ({"programme": "ganpu-brand"}, 422, "programme_elsewhere", "programme"),
        ({"team": 999_999}, 404, "not_found", "team"),
        ({"team": "wuyuan"}, 422, "team_elsewhere", "team"),
        ({"team": "x"}, 422, "invalid", "team"),
        ({"programme": ["a"]}, 422, "invalid", "programme"),
    ],
)
def test_bad_programme_or_team_references_create_nothing(demo, extra, status, code, field):
    brand(demo, town=GANPU, slug="ganpu-brand")
    wuyuan_team = team(demo)
    if extra.get("team") == "wuyuan":
        extra = {"team": wuyuan_team.pk}
    before = Activity.objects.count()
    response = ApiClient(demo.organizer).post("/activities", _activity_body(school(), **extra))
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json().get("field") == field
    assert Activity.objects.count() == before
