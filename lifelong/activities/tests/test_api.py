from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.activities.models import Activity, Registration
from lifelong.institutions.models import Institution
from lifelong.testkit.api import ApiClient

from .helpers import draft_activity, new_learner, published_activity


def activity_body(**overrides):
    now = timezone.now()
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    return {
        "title": "书法入门",
        "category": "arts",
        "audiences": ["elderly", "all"],
        "institution": school.pk,
        "capacity": 2,
        "reserved_offline": 0,
        "registration_opens": (now - timedelta(hours=1)).isoformat(),
        "registration_closes": (now + timedelta(days=5)).isoformat(),
        "offer_hours": 0,
        "hours": "1.5",
        "sessions": [
            {
                "starts_at": (now + timedelta(days=6)).isoformat(),
                "ends_at": (now + timedelta(days=6, hours=2)).isoformat(),
            }
        ],
        **overrides,
    }


def error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code


def test_the_workflow_through_the_api(demo):
    organizer, admin = ApiClient(demo.organizer), ApiClient(demo.county_admin)
    created = organizer.post("/activities", activity_body())
    assert created.status_code == 201 and created.json()["status"] == "draft"
    activity_id = created.json()["id"]
    assert ApiClient().get(f"/activities/{activity_id}").status_code == 404  # drafts never leak
    assert organizer.get(f"/activities/{activity_id}").json()["status"] == "draft"
    assert organizer.post(f"/activities/{activity_id}/submit").json()["status"] == "submitted"
    error(ApiClient(demo.town_admin).post(f"/activities/{activity_id}/publish"), 404, "not_found")
    error(admin.post(f"/activities/{activity_id}/reject", {}), 422, "invalid")
    assert admin.post(f"/activities/{activity_id}/publish").json()["status"] == "published"
    detail = ApiClient().get(f"/activities/{activity_id}").json()
    assert detail["seats_left"] == 2 and len(detail["sessions"]) == 1 and detail["region"]["code"] == "330424105"
    assert detail["audiences"] == ["all", "elderly"]


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"category": "casino"}, 422, "invalid"),
        ({"capacity": 0}, 422, "invalid"),
        ({"reserved_offline": 5}, 422, "invalid"),
        ({"sessions": []}, 422, "invalid"),
        ({"institution": 999999}, 404, "not_found"),
        ({"residents_of": "000000"}, 404, "not_found"),
        ({"seats_taken": 0}, 422, "invalid"),
        ({"status": "published"}, 422, "invalid"),
        ({"registration_closes": "soon"}, 422, "invalid"),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_written(demo, overrides, status, code):
    before = Activity.objects.count()
    error(ApiClient(demo.organizer).post("/activities", activity_body(**overrides)), status, code)
    assert Activity.objects.count() == before


def test_the_catalogue_filters_and_finds_short_chinese_words(demo):
    taiji = published_activity(demo, title="太极拳晨练", category="health")
    published_activity(demo, title="读书会", category="reading", capacity=1, audiences=["families"])
    api = ApiClient()
    found = api.get("/activities", q="太极").json()
    assert found["count"] == 1 and found["items"][0]["id"] == taiji.pk
    assert api.get("/activities", q="读书").json()["count"] == 1
    assert api.get("/activities", category="reading").json()["count"] == 1
    assert api.get("/activities", audience="families").json()["count"] == 1
    assert api.get("/activities", region="330424105").json()["count"] == 2
    assert api.get("/activities", region="330424001").json()["count"] == 0
    error(api.get("/activities", region="999"), 404, "not_found")
    error(api.get("/activities", campaign="no-such-campaign"), 404, "not_found")
    item = api.get("/activities").json()["items"][0]
    assert set(item) >= {"id", "title", "region", "starts_at", "capacity", "seats_left", "status"}


def test_the_catalogue_runs_a_fixed_number_of_queries(demo, django_assert_num_queries):
    for n in range(3):
        published_activity(demo, title=f"课程{n}")
    with django_assert_num_queries(2):
        ApiClient().get("/activities")
    for n in range(10):
        published_activity(demo, title=f"更多课程{n}")
    with django_assert_num_queries(2):
        ApiClient().get("/activities")


def test_register_waitlist_cancel_and_my_registrations(demo):
    activity = published_activity(demo, capacity=1)
    first, second = ApiClient(demo.elder_learner), ApiClient(demo.young_learner)
    mine = first.post(f"/activities/{activity.pk}/registrations", {})
    assert mine.status_code == 201 and mine.json()["status"] == "confirmed"
    error(first.post(f"/activities/{activity.pk}/registrations", {}), 409, "already_registered")
    waiting = second.post(f"/activities/{activity.pk}/registrations", {}).json()
    assert waiting["status"] == "waitlisted" and waiting["waitlist_position"] == 1
    listed = second.get("/me/registrations").json()
    assert listed["count"] == 1 and listed["items"][0]["activity"]["id"] == activity.pk
    error(second.client.delete(f"/api/v1/registrations/{mine.json()['id']}", headers=second.headers), 404, "not_found")
    cancelled = first.client.delete(f"/api/v1/registrations/{mine.json()['id']}", headers=first.headers)
    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(pk=waiting["id"]).status == "confirmed"


def test_staff_register_villagers_and_see_the_roster_in_scope_only(demo):
    activity = published_activity(demo, capacity=2)
    villager = new_learner(demo)
    staff = ApiClient(demo.village_admin)
    registered = staff.post(f"/activities/{activity.pk}/registrations", {"learner": villager.pk})
    assert registered.status_code == 201
    error(
        ApiClient(demo.town_admin).post(f"/activities/{activity.pk}/registrations", {"learner": villager.pk}),
        404,
        "not_found",
    )
    error(staff.post(f"/activities/{activity.pk}/registrations", {"learner": 999999}), 404, "not_found")
    error(staff.post(f"/activities/{activity.pk}/registrations", {"learner": "x"}), 422, "invalid")
    roster = ApiClient(demo.organizer).get(f"/activities/{activity.pk}/registrations").json()
    assert roster["count"] == 1 and roster["items"][0]["learner"]["id"] == villager.pk
    assert roster["items"][0]["channel"] == "proxy"
    error(ApiClient(demo.town_admin).get(f"/activities/{activity.pk}/registrations"), 404, "not_found")
    error(ApiClient(demo.elder_learner).get(f"/activities/{activity.pk}/registrations"), 404, "not_found")


def test_closed_and_full_activities_answer_with_codes(demo):
    closed = published_activity(
        demo,
        registration_opens=timezone.now() - timedelta(days=3),
        registration_closes=timezone.now() - timedelta(days=1),
    )
    error(ApiClient(demo.elder_learner).post(f"/activities/{closed.pk}/registrations", {}), 409, "registration_closed")
    full = published_activity(demo, capacity=1, waitlist=False)
    ApiClient(demo.young_learner).post(f"/activities/{full.pk}/registrations", {})
    error(ApiClient(demo.elder_learner).post(f"/activities/{full.pk}/registrations", {}), 409, "full")


def test_an_activity_one_may_not_see_answers_alike_whether_the_learner_exists(demo):
    """Registering learner ids for an unpublished activity (or one that does not exist) tells
    nothing about which ids exist: the answer is the activity's one 404."""
    draft = draft_activity(demo, title="草稿")
    villager = new_learner(demo)
    for actor in (demo.town_admin, demo.young_learner):
        api = ApiClient(actor)
        for activity_id in (draft.pk, 999999):
            answers = [
                api.post(f"/activities/{activity_id}/registrations", {"learner": learner_id})
                for learner_id in (villager.pk, 999999)
            ]
            assert [a.status_code for a in answers] == [404, 404]
            assert answers[0].json() == answers[1].json(), [a.json() for a in answers]
            assert "field" not in answers[1].json()
    assert not Registration.objects.exists()
