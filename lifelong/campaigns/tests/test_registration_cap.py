import pytest

from lifelong.activities import services
from lifelong.activities.choices import RegistrationStatus as S
from lifelong.activities.models import Activity, Registration
from lifelong.activities.tests.helpers import new_learner, published_activity
from lifelong.campaigns.models import Campaign
from lifelong.campaigns.tests.helpers import capped_week
from lifelong.common.errors import Conflict
from lifelong.testkit.api import ApiClient


def learning_week(cap: int | None) -> Campaign:
    return capped_week("learning-week-2026", cap, name="2026 年全民终身学习活动周")


def in_campaign(demo, campaign, **fields):
    return published_activity(demo, campaign=campaign, **fields)


def test_a_learner_may_hold_only_the_cap_of_registrations_in_a_campaign(demo):
    week = learning_week(cap=2)
    learner = new_learner(demo)
    first, second, third = (in_campaign(demo, week) for _ in range(3))
    outside = published_activity(demo)
    for activity in (first, second):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    with pytest.raises(Conflict) as refused:
        services.registration_create(actor=learner, activity=third, learner=learner)
    assert refused.value.code == "campaign_cap"
    assert not Registration.objects.filter(activity=third).exists()
    third.refresh_from_db()
    assert third.seats_taken == 0
    # Activities outside the campaign are not counted, and a cancellation frees a place.
    services.registration_create(actor=learner, activity=outside, learner=learner)
    services.registration_cancel(actor=learner, registration=Registration.objects.get(activity=first, learner=learner))
    assert services.registration_create(actor=learner, activity=third, learner=learner).status == S.CONFIRMED


def test_waitlist_places_count_towards_the_cap_and_staff_are_held_to_it_too(demo):
    week = learning_week(cap=1)
    full = in_campaign(demo, week, capacity=1)
    services.registration_create(actor=demo.young_learner, activity=full, learner=demo.young_learner)
    villager = new_learner(demo)
    services.registration_create(actor=villager, activity=full, learner=villager)  # waitlisted
    other = in_campaign(demo, week)
    with pytest.raises(Conflict) as refused:
        services.registration_create(actor=demo.village_admin, activity=other, learner=villager)
    assert refused.value.code == "campaign_cap"


def test_no_cap_means_no_limit(demo):
    week = learning_week(cap=None)
    learner = new_learner(demo)
    for _ in range(3):
        services.registration_create(actor=learner, activity=in_campaign(demo, week), learner=learner)
    assert Registration.objects.filter(learner=learner).count() == 3


def test_the_api_creates_campaign_activities_filters_by_campaign_and_refuses_over_the_cap(demo):
    week = learning_week(cap=1)
    first = in_campaign(demo, week, title="开幕式讲座")
    published_activity(demo, title="平时的课")
    listing = ApiClient().get("/activities", campaign="learning-week-2026").json()
    assert [item["title"] for item in listing["items"]] == ["开幕式讲座"]
    assert listing["items"][0]["campaign"] == "learning-week-2026"
    assert ApiClient().get("/activities", campaign="no-such-week").status_code == 404
    second = in_campaign(demo, week)
    api = ApiClient(demo.young_learner)
    assert api.post(f"/activities/{first.pk}/registrations").status_code == 201
    refused = api.post(f"/activities/{second.pk}/registrations")
    assert refused.status_code == 409 and refused.json()["code"] == "campaign_cap"

    school = first.institution
    body = {
        "title": "活动周新课",
        "category": "reading",
        "institution": school.pk,
        "capacity": 10,
        "registration_opens": first.registration_opens.isoformat(),
        "registration_closes": first.registration_closes.isoformat(),
        "campaign": "learning-week-2026",
        "sessions": [
            {"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()} for s in first.sessions.all()
        ],
    }
    created = ApiClient(demo.organizer).post("/activities", body)
    assert created.status_code == 201
    assert Activity.objects.get(pk=created.json()["id"]).campaign == week
    unknown = ApiClient(demo.organizer).post("/activities", {**body, "campaign": "nope"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
