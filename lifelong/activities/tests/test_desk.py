"""Registering a walk-in by the full mobile number they give at the desk (`activities/desk.py`):
only the activity's staff may look a number up, anyone else gets one answer whatever the number,
and each staff account has an allowance of lookups."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities.models import Activity, Registration
from lifelong.testkit.api import ApiClient

from .helpers import new_learner, published_activity

UNREGISTERED = "13711112222"


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["detail"]


def desk_register(api: ApiClient, activity: Activity, phone: str):
    return api.post(f"/activities/{activity.pk}/registrations", {"phone": phone})


@pytest.fixture
def mid_hour(monkeypatch):
    """Half past the current hour, so an hour's allowance is never split by the clock turning."""
    fixed = timezone.localtime(timezone.now()).replace(minute=30, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed


@pytest.mark.parametrize("persona", ["young_learner", "elder_learner", "town_admin", "village_admin"])
def test_whoever_may_not_manage_the_activity_gets_one_answer_for_any_number(demo, persona):
    """A learner, the Wuyuan town admin (another town) and the village admin (whose village the
    registered number lives in, but not the school's town) learn nothing from the answer."""
    activity = published_activity(demo)
    registered = new_learner(demo, name="陆阿姨")
    api = ApiClient(getattr(demo, persona))
    known = desk_register(api, activity, registered.phone)
    unknown = desk_register(api, activity, UNREGISTERED)
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert_error(known, 403, "desk_staff_only")
    api.headers["Accept-Language"] = "en"
    assert desk_register(api, activity, UNREGISTERED).json()["detail"] == (
        "Only the activity's staff may register someone by their mobile number."
    )
    assert not Registration.objects.filter(activity=activity).exists()


def test_an_activity_the_caller_may_not_see_answers_404_whatever_the_number(demo):
    activity = published_activity(demo)
    Activity.objects.filter(pk=activity.pk).update(status="submitted")
    api = ApiClient(demo.young_learner)
    known = desk_register(api, activity, demo.elder_learner.phone)
    unknown = desk_register(api, activity, UNREGISTERED)
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert_error(known, 404, "not_found")


def test_the_activity_staff_register_a_walk_in_by_number_and_an_unknown_number_is_404(demo):
    activity = published_activity(demo)
    walk_in = new_learner(demo, name="陆阿姨", home_region=demo.young_learner.home_region)  # outside their scope
    api = ApiClient(demo.organizer)
    assert_error(desk_register(api, activity, UNREGISTERED), 404, "not_found")
    assert_error(desk_register(api, activity, "12345"), 422, "invalid_phone")
    created = desk_register(api, activity, "+86 " + walk_in.phone)
    assert created.status_code == 201, created.content
    registration = Registration.objects.get(pk=created.json()["id"])
    assert (registration.learner, registration.channel, registration.registered_by) == (
        walk_in,
        "onsite",
        demo.organizer,
    )
    # The county admin, whose scope covers the school, may too.
    other = new_learner(demo)
    assert desk_register(ApiClient(demo.county_admin), activity, other.phone).status_code == 201


def test_a_learner_still_registers_themselves_and_staff_by_id(demo):
    activity = published_activity(demo, capacity=5)
    assert ApiClient(demo.young_learner).post(f"/activities/{activity.pk}/registrations", {}).status_code == 201
    villager = demo.elder_learner
    by_id = ApiClient(demo.village_admin).post(f"/activities/{activity.pk}/registrations", {"learner": villager.pk})
    assert by_id.status_code == 201, by_id.content


def test_each_staff_account_has_its_own_allowance_of_number_lookups(demo, settings, mid_hour):
    settings.DESK_LOOKUPS_PER_HOUR = 3
    activity = published_activity(demo, capacity=10)
    county = ApiClient(demo.county_admin)
    walk_ins = [new_learner(demo) for _ in range(2)]
    assert_error(desk_register(county, activity, UNREGISTERED), 404, "not_found")  # unknown numbers count
    assert desk_register(county, activity, walk_ins[0].phone).status_code == 201
    assert_error(desk_register(county, activity, "12345"), 422, "invalid_phone")  # bad input does not
    assert_error(desk_register(county, activity, walk_ins[0].phone), 409, "already_registered")
    county.headers["Accept-Language"] = "en"
    refused = desk_register(county, activity, walk_ins[1].phone)
    assert_error(refused, 429, "throttled")
    next_hour = timezone.localtime(mid_hour).replace(minute=0) + timedelta(hours=1)
    assert refused.json()["detail"] == (
        f"You have looked up 3 mobile numbers this hour, the most allowed. Try again after {next_hour:%H:%M}."
    )
    assert not Registration.objects.filter(learner=walk_ins[1]).exists()
    # A refused lookup is refused before the number is read: an unknown one answers the same.
    assert_error(desk_register(county, activity, UNREGISTERED), 429, "throttled")
    # Registering someone in one's scope by id is not a lookup...
    by_id = county.post(f"/activities/{activity.pk}/registrations", {"learner": demo.elder_learner.pk})
    assert by_id.status_code == 201, by_id.content
    # ...and another staff account has its own allowance.
    assert desk_register(ApiClient(demo.organizer), activity, walk_ins[1].phone).status_code == 201


def test_a_day_has_its_own_allowance(demo, settings, mid_hour):
    settings.DESK_LOOKUPS_PER_HOUR = 100
    settings.DESK_LOOKUPS_PER_DAY = 1
    activity = published_activity(demo)
    organizer = ApiClient(demo.organizer)
    assert_error(desk_register(organizer, activity, UNREGISTERED), 404, "not_found")
    organizer.headers["Accept-Language"] = "en"
    refused = desk_register(organizer, activity, UNREGISTERED)
    assert_error(refused, 429, "throttled")
    assert refused.json()["detail"] == (
        "You have looked up 1 mobile number today, the most allowed in a day. Try again tomorrow."
    )


def test_the_console_lookup_and_desk_registration_share_the_allowance(demo, settings, mid_hour, verified_client):
    settings.DESK_LOOKUPS_PER_HOUR = 2
    activity = published_activity(demo)
    walk_in = new_learner(demo, name="陆阿姨", home_region=demo.young_learner.home_region)
    staff = verified_client(demo.organizer)
    staff.cookies["django_language"] = "en"
    page = f"/console/activities/{activity.pk}/"
    found = staff.post(page, {"q": walk_in.phone}).content.decode()
    assert "陆**" in found and "陆阿姨" not in found
    # Looking people up by name within one's own scope is not a number lookup.
    staff.post(page, {"q": "陆"})
    registered = staff.post(f"/console/activities/{activity.pk}/registrations/new/", {"phone": walk_in.phone})
    assert registered.status_code == 302 and Registration.objects.filter(learner=walk_in).exists()
    refused = staff.post(page, {"q": UNREGISTERED}).content.decode()
    assert "You have looked up 2 mobile numbers this hour, the most allowed." in refused
    assert 'data-testid="lookup-results"' not in refused  # no "nobody found": nothing was looked up
    other = new_learner(demo)
    answer = staff.post(f"/console/activities/{activity.pk}/registrations/new/", {"phone": other.phone}, follow=True)
    assert "You have looked up 2 mobile numbers this hour, the most allowed." in answer.content.decode()
    assert not Registration.objects.filter(learner=other).exists()


def test_the_allowance_is_counted_per_account_not_per_address(demo, settings, mid_hour):
    """Two staff at one village hall share an address but not an allowance."""
    settings.DESK_LOOKUPS_PER_HOUR = 1
    activity = published_activity(demo)
    for actor in (demo.organizer, demo.county_admin):
        api = ApiClient(actor)
        api.client.defaults["REMOTE_ADDR"] = "10.1.2.3"
        assert_error(desk_register(api, activity, UNREGISTERED), 404, "not_found")


def test_unknown_fields_next_to_phone_are_refused_and_change_nothing(demo):
    activity = published_activity(demo)
    api = ApiClient(demo.organizer)
    answer = api.client.post(
        f"/api/v1/activities/{activity.pk}/registrations",
        json.dumps({"phone": UNREGISTERED, "is_staff": True}),
        content_type="application/json",
        headers=api.headers,
    )
    assert_error(answer, 422, "invalid")
    assert not User.objects.filter(phone=UNREGISTERED).exists()
