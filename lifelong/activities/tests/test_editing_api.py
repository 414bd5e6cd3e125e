"""PATCH /api/v1/activities/{id} and POST /api/v1/activities/{id}/copy: the contract, its error
codes, the allow-list, scope (404) and the OpenAPI document."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities import services
from lifelong.activities.models import Activity, Registration
from lifelong.institutions.models import VenueBooking
from lifelong.institutions.tests.helpers import county_time, school_classroom, village_meeting
from lifelong.notifications.models import Notification
from lifelong.testkit.api import ApiClient

from .helpers import assert_counters_match, new_learner, published_activity


def error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code, response.json()


def fill(demo, activity, n):
    for _ in range(n):
        learner = new_learner(demo)
        services.registration_create(actor=learner, activity=activity, learner=learner)


def test_patch_changes_the_given_fields_and_answers_with_the_detail(demo):
    activity = published_activity(demo, capacity=3)
    response = ApiClient(demo.organizer).patch(
        f"/activities/{activity.pk}",
        {"title": "太极提高班", "capacity": 5, "audiences": ["elderly", "farmers"], "min_age": None},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["title"], body["capacity"], body["seats_left"]) == (activity.pk, "太极提高班", 5, 5)
    assert body["audiences"] == ["elderly", "farmers"] and len(body["sessions"]) == 1
    activity.refresh_from_db()
    assert activity.title == "太极提高班" and activity.summary == ""  # left out: unchanged


def test_patch_sessions_as_the_full_list_and_a_capacity_raise_serves_the_waitlist(
    demo, django_capture_on_commit_callbacks
):
    activity = published_activity(demo, capacity=1)
    fill(demo, activity, 3)
    session = activity.sessions.get()
    moved = session.starts_at + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = ApiClient(demo.organizer).patch(
            f"/activities/{activity.pk}",
            {
                "capacity": 2,
                "sessions": [
                    {
                        "id": session.pk,
                        "starts_at": moved.isoformat(),
                        "ends_at": (moved + timedelta(hours=2)).isoformat(),
                    },
                    {
                        "starts_at": (moved + timedelta(days=7)).isoformat(),
                        "ends_at": (moved + timedelta(days=7, hours=2)).isoformat(),
                    },
                ],
            },
        )
    assert response.status_code == 200, response.content
    sessions = response.json()["sessions"]
    assert [s["id"] == session.pk for s in sessions] == [True, False]
    assert Registration.objects.filter(activity=activity, status="confirmed").count() == 2
    assert Notification.objects.filter(kind="act_changed").count() == 3  # one per learner
    assert_counters_match(activity)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"institution": 1}, 422, "invalid"),
        ({"seats_taken": 0}, 422, "invalid"),
        ({"status": "published"}, 422, "invalid"),
        ({"title": None}, 422, "invalid"),
        ({"title": ""}, 422, "invalid"),
        ({"capacity": 0}, 422, "invalid"),
        ({"category": "casino"}, 422, "invalid"),
        ({"sessions": []}, 422, "invalid"),
        (
            {"sessions": [{"id": 999999, "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T10:00"}]},
            404,
            "not_found",
        ),
        ({"venue": 999999}, 404, "not_found"),
        ({"residents_of": "000000"}, 404, "not_found"),
        ({"capacity": 1}, 409, "capacity_below_taken"),
    ],
)
def test_patch_refusals_have_codes_and_change_nothing(demo, body, status, code):
    activity = published_activity(demo, capacity=3)
    fill(demo, activity, 2)
    error(ApiClient(demo.organizer).patch(f"/activities/{activity.pk}", {"summary": "改了", **body}), status, code)
    activity.refresh_from_db()
    assert activity.summary == "" and activity.capacity == 3 and activity.sessions.count() == 1


def test_patch_over_the_venues_seats_and_into_a_booked_room(demo):
    now = timezone.now()
    organizer, admin = ApiClient(demo.organizer), ApiClient(demo.county_admin)
    activity = services.activity_create(
        actor=demo.organizer,
        institution=school_classroom().institution,
        venue=school_classroom(),
        sessions=[{"starts_at": county_time(8, 9), "ends_at": county_time(8, 11)}],
        title="书法班",
        category="arts",
        capacity=20,
        registration_opens=now,
        registration_closes=now + timedelta(days=5),
    )
    error(organizer.patch(f"/activities/{activity.pk}", {"capacity": 500}), 422, "over_venue_capacity")
    error(
        organizer.patch(f"/activities/{activity.pk}", {"capacity": 500, "over_venue_capacity": True}),
        422,
        "over_venue_capacity",
    )
    assert admin.patch(f"/activities/{activity.pk}", {"capacity": 500, "over_venue_capacity": True}).status_code == 200

    assert organizer.post(f"/activities/{activity.pk}/submit").status_code == 200
    village_meeting(demo.organizer, 9)
    session = activity.sessions.get()
    move = {
        "sessions": [
            {"id": session.pk, "starts_at": county_time(9, 10).isoformat(), "ends_at": county_time(9, 12).isoformat()}
        ]
    }
    error(organizer.patch(f"/activities/{activity.pk}", move), 409, "venue_booked")
    assert VenueBooking.objects.get(session=session).starts_at == county_time(8, 9)


def test_the_creation_endpoint_holds_the_venue_capacity_too(demo):
    from .test_api import activity_body

    body = activity_body(venue=school_classroom().pk, capacity=500)
    error(ApiClient(demo.organizer).post("/activities", body), 422, "over_venue_capacity")
    assert not Activity.objects.exists()
    created = ApiClient(demo.county_admin).post("/activities", {**body, "over_venue_capacity": True})
    assert created.status_code == 201, created.content
    assert not VenueBooking.objects.exists()  # a draft holds no room


def test_patch_and_copy_outside_scope_answer_404_and_change_nothing(demo):
    activity = published_activity(demo)
    for outsider in (ApiClient(demo.town_admin), ApiClient(demo.elder_learner)):
        error(outsider.patch(f"/activities/{activity.pk}", {"title": "改"}), 404, "not_found")
        error(outsider.post(f"/activities/{activity.pk}/copy"), 404, "not_found")
    assert ApiClient().patch(f"/activities/{activity.pk}", {"title": "改"}).status_code == 401
    activity.refresh_from_db()
    assert activity.title == "太极入门" and Activity.objects.count() == 1


def test_copy_answers_201_with_a_new_draft(demo):
    activity = published_activity(demo)
    fill(demo, activity, 2)
    organizer = ApiClient(demo.organizer)
    response = organizer.post(f"/activities/{activity.pk}/copy")
    assert response.status_code == 201, response.content
    copy = Activity.objects.get(pk=response.json()["id"])
    assert response.json()["status"] == "draft" and copy.title == activity.title
    assert not copy.registrations.exists()
    shifted = organizer.post(f"/activities/{activity.pk}/copy", {"offset_days": 28})
    assert Activity.objects.get(pk=shifted.json()["id"]).sessions.get().starts_at == (
        activity.sessions.get().starts_at + timedelta(days=28)
    )
    error(
        organizer.post(f"/activities/{activity.pk}/copy", {"offset_days": 7, "first_starts_at": "2030-01-01T09:00"}),
        422,
        "invalid",
    )
    error(organizer.post(f"/activities/{activity.pk}/copy", {"weeks": 1}), 422, "invalid")


def test_the_document_says_a_copy_takes_a_shift_or_a_first_start_not_both(demo):
    """The rule the copy applies (`offset_days` or `first_starts_at`, not both) is in the
    document, so a client generated from it does not send both (make fuzz)."""
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["CopyIn"]
    assert schema["not"] == {
        "required": ["offset_days", "first_starts_at"],
        "properties": {"offset_days": {"not": {"type": "null"}}, "first_starts_at": {"not": {"type": "null"}}},
    }
    activity = published_activity(demo)
    organizer = ApiClient(demo.organizer)
    both = {"offset_days": 7, "first_starts_at": "2030-01-01T09:00"}
    error(organizer.post(f"/activities/{activity.pk}/copy", both), 422, "invalid")
    for one in ({"offset_days": 7, "first_starts_at": None}, {"offset_days": None, "first_starts_at": None}):
        assert organizer.post(f"/activities/{activity.pk}/copy", one).status_code == 201, one
    assert Activity.objects.count() == 3


def test_the_openapi_document_lists_patch_and_copy_with_their_errors(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    patch = paths["/api/v1/activities/{activity_id}"]["patch"]
    assert {"200", "404", "409", "422"} <= set(patch["responses"])
    assert "capacity_below_taken" in patch["description"] and "over_venue_capacity" in patch["description"]
    copy = paths["/api/v1/activities/{activity_id}/copy"]["post"]
    assert {"201", "404", "422"} <= set(copy["responses"])
