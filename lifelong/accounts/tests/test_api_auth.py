"""Who the API acts for: only the owner of a bearer token that passed every step of signing in.

The API does not read the web session. A staff session that has passed only the password step
(two-factor still to come), a fully signed-in session, and a session of someone who must first
replace the password staff set all look like a visitor to the API; so do the optional-auth
endpoints, which show more only to a bearer token's owner."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifelong.accounts.models import User
from lifelong.accounts.services import api_token_create
from lifelong.activities import services as activity_services
from lifelong.activities.models import Activity
from lifelong.activities.tests.helpers import draft_activity
from lifelong.community.tests.helpers import team
from lifelong.resources.tests.helpers import publish_link
from lifelong.testkit.api import ApiClient


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["detail"]


def half_signed_in(user: User) -> Client:
    """A browser session past the password step only: staff still owe the two-factor code."""
    client = Client()
    client.force_login(user)
    return client


def submitted_activity(demo) -> Activity:
    """Waiting for approval: the county admin sees it, nobody else outside the school."""
    activity = draft_activity(demo, title="未发布的课", capacity=10)
    return activity_services.activity_submit(actor=demo.organizer, activity=activity)


@pytest.fixture
def hidden(demo):
    """One thing behind each optional-auth endpoint that a visitor may not see but the county
    admin may: a submitted activity, an unpublished resource, a published resource for
    signed-in learners only, and an inactive team."""
    return {
        "activity": submitted_activity(demo),
        "draft_resource": publish_link(demo, title="草稿资源", publish=False),
        "members_resource": publish_link(demo, title="会员资源", visibility="signed_in"),
        "team": team(demo, leader=demo.county_admin, is_active=False),
    }


def optional_auth_answers(get, hidden) -> dict[str, object]:
    """What each optional-auth endpoint tells the caller about the hidden things."""
    listed = get("/api/v1/resources")
    assert listed.status_code == 200, listed.content
    return {
        "activity": get(f"/api/v1/activities/{hidden['activity'].pk}").status_code,
        "draft_resource": get(f"/api/v1/resources/{hidden['draft_resource'].pk}").status_code,
        "members_resource": get(f"/api/v1/resources/{hidden['members_resource'].pk}").status_code,
        "listed_titles": sorted(item["title"] for item in listed.json()["items"]),
        "team": get(f"/api/v1/teams/{hidden['team'].pk}").status_code,
    }


AS_A_VISITOR = {
    "activity": 404,
    "draft_resource": 404,
    "members_resource": 404,
    "listed_titles": [],
    "team": 404,
}


def test_the_county_admin_with_a_verified_token_sees_what_a_visitor_does_not(demo, hidden):
    """The control: the hidden things are there for the right caller."""
    api = ApiClient(demo.county_admin)
    assert optional_auth_answers(lambda path: api.client.get(path, headers=api.headers), hidden) == {
        "activity": 200,
        "draft_resource": 200,
        "members_resource": 200,
        "listed_titles": ["会员资源"],
        "team": 200,
    }
    assert optional_auth_answers(Client().get, hidden) == AS_A_VISITOR


def test_a_staff_session_past_the_password_step_only_is_a_visitor_to_the_api(demo, hidden):
    client = half_signed_in(demo.county_admin)
    assert client.get("/console/").status_code == 302  # the pages still ask for the code
    assert optional_auth_answers(client.get, hidden) == AS_A_VISITOR
    assert_error(client.get("/api/v1/me"), 401, "not_authenticated")


def test_a_fully_signed_in_staff_session_is_a_visitor_to_the_api_too(demo, hidden, verified_client):
    """The API is for bearer tokens only: a browser session never authorises it."""
    client = verified_client(demo.county_admin)
    assert client.get("/console/").status_code == 200
    assert optional_auth_answers(client.get, hidden) == AS_A_VISITOR
    assert_error(client.get("/api/v1/me"), 401, "not_authenticated")


def test_a_token_without_two_factor_is_refused_by_every_optional_auth_endpoint(demo, hidden):
    api = ApiClient(demo.county_admin, two_factor_verified=False)
    paths = [
        f"/api/v1/activities/{hidden['activity'].pk}",
        "/api/v1/resources",
        f"/api/v1/resources/{hidden['draft_resource'].pk}",
        f"/api/v1/teams/{hidden['team'].pk}",
    ]
    for path in paths:
        assert_error(api.client.get(path, headers=api.headers), 401, "not_authenticated")


def test_a_token_without_two_factor_does_not_fall_back_to_the_session(demo, hidden, verified_client):
    client = verified_client(demo.county_admin)
    token, _ = api_token_create(user=demo.county_admin, two_factor_verified=False)
    answer = client.get(f"/api/v1/activities/{hidden['activity'].pk}", headers={"Authorization": f"Bearer {token}"})
    assert_error(answer, 401, "not_authenticated")


def staff_set_password_learner(demo) -> User:
    """A villager whose password staff set at the desk: they must replace it before acting."""
    learner = User.objects.create_user(
        "13700009999", "set-by-staff-42", name="沈阿婆", home_region=demo.elder_learner.home_region, birth_year=1950
    )
    learner.must_change_password = True
    learner.save(update_fields=["must_change_password"])
    return learner


def test_a_session_that_must_replace_a_staff_set_password_is_a_visitor_to_the_api(demo):
    learner = staff_set_password_learner(demo)
    hidden_team = team(demo, leader=learner, is_active=False)
    members_only = publish_link(demo, title="会员资源", visibility="signed_in")
    client = half_signed_in(learner)
    assert client.get("/me/").status_code == 302  # the pages send them to change it first
    assert client.get(f"/api/v1/teams/{hidden_team.pk}").status_code == 404
    assert client.get(f"/api/v1/resources/{members_only.pk}").status_code == 404
    assert client.get("/api/v1/resources").json()["items"] == []
    assert_error(client.get("/api/v1/me/registrations"), 401, "not_authenticated")


def test_no_token_for_someone_who_must_replace_a_staff_set_password(demo):
    learner = staff_set_password_learner(demo)
    api = ApiClient()
    answer = api.post("/auth/token", {"phone": learner.phone, "password": "set-by-staff-42"})
    assert_error(answer, 403, "password_change_required")
    assert not learner.api_tokens.exists()
    # Their wrong password is still just wrong: the refusal says nothing to a stranger.
    wrong = api.post("/auth/token", {"phone": learner.phone, "password": "guess-guess"})
    assert_error(wrong, 401, "invalid_credentials")


def test_a_token_stops_working_while_its_owner_must_replace_a_staff_set_password(demo):
    """A token issued before (a merge can bring a staff-set password along) acts for nobody."""
    api = ApiClient(demo.young_learner)
    assert api.get("/me").status_code == 200
    User.objects.filter(pk=demo.young_learner.pk).update(must_change_password=True)
    assert_error(api.get("/me"), 401, "not_authenticated")
    User.objects.filter(pk=demo.young_learner.pk).update(must_change_password=False)
    assert api.get("/me").status_code == 200


def test_staff_who_must_replace_a_staff_set_password_get_no_token_even_with_the_code(demo):
    User.objects.filter(pk=demo.village_admin.pk).update(must_change_password=True)
    device = TOTPDevice.objects.create(user=demo.village_admin, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    body = {"phone": demo.village_admin.phone, "password": demo.password}
    assert_error(ApiClient().post("/auth/token", {**body, "otp": code}), 403, "password_change_required")
