"""Relatives a family member manages: how many (MANAGED_PROFILES_MAX), and village staff
confirming where they live: the console queue, the API, scoping and the family's page."""

import pytest
from django.test import Client
from django.utils import translation

from lifelong.accounts import residence
from lifelong.accounts.models import User
from lifelong.accounts.services import learner_register, managed_profile_create
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.notifications.models import Notification
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import admin_codes, covers, ganpu_admin_create, matrix_actors, matrix_clients


def relative_of(family, *, home_region, name="李奶奶"):
    return managed_profile_create(actor=family, name=name, birth_year=1944, home_region=home_region)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- How many relatives one learner manages -----------------------------------------------------


def test_a_learner_adds_at_most_the_set_number_of_relatives(demo, settings):
    settings.MANAGED_PROFILES_MAX = 2
    home = demo.elder_learner.home_region
    relative_of(demo.young_learner, home_region=home, name="一")
    relative_of(demo.young_learner, home_region=home, name="二")
    with pytest.raises(InvalidInput) as refused, translation.override("en"):
        relative_of(demo.young_learner, home_region=home, name="三")
    assert refused.value.code == "too_many_relatives" and refused.value.status == 422
    assert "2" in refused.value.detail and "teaching point" in refused.value.detail
    assert not User.objects.filter(name="三").exists()
    # Another learner has their own allowance.
    relative_of(demo.elder_learner, home_region=home, name="四")


def test_a_relative_with_their_own_account_no_longer_counts(demo, settings):
    settings.MANAGED_PROFILES_MAX = 1
    home = demo.elder_learner.home_region
    first = relative_of(demo.young_learner, home_region=home, name="一")
    User.objects.filter(pk=first.pk).update(phone="13712340000")  # as family_claim_complete leaves it
    relative_of(demo.young_learner, home_region=home, name="二")


def test_the_family_page_refuses_one_relative_too_many_with_a_clear_error(demo, settings):
    settings.MANAGED_PROFILES_MAX = 1
    client = signed_in(demo.young_learner)
    village = demo.elder_learner.home_region
    assert client.post("/me/", {"name": "李奶奶", "birth_year": 1941, "home_region": village.pk}).status_code == 302
    response = client.post(
        "/me/", {"name": "李爷爷", "birth_year": 1940, "home_region": village.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "You already manage 1 relative without a phone, the most one person may." in page
    assert not User.objects.filter(name="李爷爷").exists()


def test_the_api_lists_and_adds_relatives_and_refuses_one_too_many(demo, settings):
    settings.MANAGED_PROFILES_MAX = 1
    api = ApiClient(demo.young_learner)
    village = demo.elder_learner.home_region
    body = {"name": "李奶奶", "birth_year": 1941, "home_region": village.code}
    created = api.post("/me/family", body)
    assert created.status_code == 201
    listing = api.get("/me/family").json()
    assert listing["count"] == 1
    item = listing["items"][0]
    assert item["id"] == created.json()["id"] and item["residence"] == "awaiting"
    assert item["home_region"]["code"] == village.code and item["own_account"] is False
    refused = api.post("/me/family", {**body, "name": "李爷爷"})
    assert refused.status_code == 422 and refused.json()["code"] == "too_many_relatives"
    assert not User.objects.filter(name="李爷爷").exists()
    # Bad input is refused with a code and creates nothing.
    assert api.post("/me/family", {**body, "home_region": "330424105"}).json()["code"] == "invalid_region"
    assert api.post("/me/family", {**body, "home_region": "999999999999"}).status_code == 404
    assert api.post("/me/family", {**body, "extra": 1}).status_code == 422
    assert ApiClient().post("/me/family", body).status_code == 401
    assert User.objects.filter(managed_by=demo.young_learner).count() == 1


def test_staff_registering_villagers_without_a_phone_have_no_such_limit(demo, settings):
    settings.MANAGED_PROFILES_MAX = 1
    village = demo.village_admin.role_grants.get().region
    for n in range(3):
        learner_register(actor=demo.village_admin, name=f"村民{n}", home_region=village, birth_year=1940)
    assert User.objects.filter(name__startswith="村民", phone__isnull=True).count() == 3


# --- Confirming where a relative lives ------------------------------------------------------------


def test_new_relatives_await_confirmation_and_the_family_page_says_so(demo):
    grandmother = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region)
    assert grandmother.residence_status == "awaiting"
    page = signed_in(demo.young_learner).get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="residence-awaiting"' in page and "Ask the teaching point of" in page
    residence.residence_decide(actor=demo.village_admin, learner_id=grandmother.pk, confirm=True)
    page = signed_in(demo.young_learner).get("/me/").content.decode()
    assert 'data-testid="residence-awaiting"' not in page


def test_the_queue_shows_relatives_in_scope_only(demo, verified_client):
    in_village = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region, name="通元的奶奶")
    in_wuyuan = relative_of(demo.elder_learner, home_region=demo.young_learner.home_region, name="武原的爷爷")
    village_page = verified_client(demo.village_admin).get("/console/residence/").content.decode()
    assert "通元的奶奶" in village_page and "武原的爷爷" not in village_page
    assert demo.young_learner.name in village_page  # who vouched for her
    town_page = verified_client(demo.town_admin).get("/console/residence/").content.decode()
    assert "武原的爷爷" in town_page and "通元的奶奶" not in town_page
    county_page = verified_client(demo.county_admin).get("/console/residence/").content.decode()
    assert "武原的爷爷" in county_page and "通元的奶奶" in county_page
    organizer_page = verified_client(demo.organizer).get("/console/residence/").content.decode()
    assert "通元的奶奶" not in organizer_page and "武原的爷爷" not in organizer_page
    # Confirmed ones leave the queue; learners who are not family profiles were never in it.
    residence.residence_decide(actor=demo.county_admin, learner_id=in_village.pk, confirm=True)
    village_page = verified_client(demo.village_admin).get("/console/residence/").content.decode()
    assert "通元的奶奶" not in village_page and demo.elder_learner.name not in village_page
    assert in_wuyuan.residence_status == "awaiting"


def test_the_console_home_links_the_queue_for_admins(demo, verified_client):
    relative_of(demo.young_learner, home_region=demo.elder_learner.home_region)
    page = verified_client(demo.village_admin).get("/console/").content.decode()
    assert 'href="/console/residence/"' in page and 'data-testid="console-residence"' in page
    organizer = verified_client(demo.organizer).get("/console/").content.decode()
    assert 'data-testid="console-residence"' not in organizer


def test_confirming_in_the_console_is_audited_and_tells_the_family(
    demo, verified_client, django_capture_on_commit_callbacks
):
    grandmother = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region)
    client = verified_client(demo.village_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/console/learners/{grandmother.pk}/residence/", {"decision": "confirm"})
    assert response.status_code == 302 and response["Location"] == "/console/residence/"
    grandmother.refresh_from_db()
    assert grandmother.residence_status == "confirmed"
    assert grandmother.residence_confirmed_by == demo.village_admin and grandmother.residence_confirmed_at
    event = AuditEvent.objects.get(summary="residence confirmed", object_id=str(grandmother.pk))
    assert event.actor == demo.village_admin
    notice = Notification.objects.get(recipient=demo.young_learner, kind="residence_ok")
    assert grandmother.name in notice.text
    # Deciding again is refused plainly and changes nothing.
    with pytest.raises(Conflict) as again:
        residence.residence_decide(actor=demo.village_admin, learner_id=grandmother.pk, confirm=True)
    assert again.value.code == "already_decided"


def test_declining_tells_the_family_what_to_do(demo, verified_client, django_capture_on_commit_callbacks):
    User.objects.filter(pk=demo.young_learner.pk).update(preferred_language="en")  # the words, not the catalogue
    grandmother = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region)
    client = verified_client(demo.village_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/console/learners/{grandmother.pk}/residence/", {"decision": "decline"})
    assert response.status_code == 302
    grandmother.refresh_from_db()
    assert grandmother.residence_status == "declined" and grandmother.residence_confirmed_at is None
    notice = Notification.objects.get(recipient=demo.young_learner, kind="residence_no")
    assert grandmother.name in notice.text and "teaching point" in notice.text
    assert AuditEvent.objects.filter(summary="residence declined", object_id=str(grandmother.pk)).exists()
    page = signed_in(demo.young_learner).get("/me/").content.decode()
    assert 'data-testid="residence-declined"' in page
    # A declined relative stays listed (under "declined") so that staff can still confirm later.
    queue = client.get("/console/residence/").content.decode()
    assert grandmother.name in queue
    residence.residence_decide(actor=demo.village_admin, learner_id=grandmother.pk, confirm=True)
    grandmother.refresh_from_db()
    assert grandmother.residence_status == "confirmed" and grandmother.residence_declined_at is None


def test_a_bad_decision_and_a_learner_who_is_not_a_relative_change_nothing(demo, verified_client):
    grandmother = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region)
    client = verified_client(demo.village_admin)
    response = client.post(f"/console/learners/{grandmother.pk}/residence/", {"decision": "maybe"})
    assert response.status_code == 422
    grandmother.refresh_from_db()
    assert grandmother.residence_status == "awaiting"
    with pytest.raises(Conflict) as refused:
        residence.residence_decide(actor=demo.village_admin, learner_id=demo.elder_learner.pk, confirm=True)
    assert refused.value.code == "not_a_relative"
    assert client.get(f"/console/learners/{grandmother.pk}/residence/").status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_confirmation_matrix_web_and_api(demo, verified_client, persona):
    """Every persona × the console button and the API route, on a relative living in the
    village admin's Tongyuan village: 404 outside scope, and a refused request changes nothing."""
    actor = matrix_actors(demo, ganpu_phone="13600000009")[persona]
    home = demo.village_admin.role_grants.get().region
    may = covers(admin_codes(demo), persona, home.code)  # the oracle: who administers what, by region code
    for via in ("web", "api"):
        relative = relative_of(demo.young_learner, home_region=home, name=f"{via}的奶奶")
        if via == "web":
            client = matrix_clients({persona: actor}, verified_client)[persona]
            response = client.post(f"/console/learners/{relative.pk}/residence/", {"decision": "confirm"})
            expected = 302 if may or actor is None else 404
            assert response.status_code == expected
            if actor is None:
                assert "/accounts/login/" in response["Location"]
        else:
            response = ApiClient(actor).post(f"/learners/{relative.pk}/residence-confirmation", {"decision": "confirm"})
            if actor is None:
                assert response.status_code == 401
            elif may:
                assert response.status_code == 200 and response.json()["residence"] == "confirmed"
            elif persona in ("young_learner", "elder_learner"):
                assert response.status_code == 403 and response.json()["code"] == "staff_only"
            else:
                assert response.status_code == 404 and response.json()["code"] == "not_found"
        relative.refresh_from_db()
        assert relative.residence_status == ("confirmed" if may else "awaiting")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_lists_relatives_awaiting_confirmation_in_scope(demo, persona):
    grandmother = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region)
    grandfather = relative_of(demo.elder_learner, home_region=demo.young_learner.home_region, name="武原的爷爷")
    declined = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region, name="不住这里")
    residence.residence_decide(actor=demo.county_admin, learner_id=declined.pk, confirm=False)
    actor = None if persona == "anonymous" else getattr(demo, persona, None)
    if persona == "ganpu_admin":
        actor = ganpu_admin_create("13600000009")
    response = ApiClient(actor).get("/residence-confirmations")
    expected = {
        "village_admin": [grandmother.pk, declined.pk],  # awaiting first, then declined
        "town_admin": [grandfather.pk],
        "county_admin": [grandmother.pk, grandfather.pk, declined.pk],
        "organizer": [],
        "ganpu_admin": [],
    }
    if actor is None:
        assert response.status_code == 401
    elif persona in expected:
        listing = response.json()
        assert [item["id"] for item in listing["items"]] == expected[persona]
        assert listing["count"] == len(expected[persona])
        if listing["items"]:
            assert listing["items"][0]["residence"] == "awaiting"
            assert listing["items"][0]["family_member"] in (demo.young_learner.name, demo.elder_learner.name)
    else:
        assert response.status_code == 403 and response.json()["code"] == "staff_only"


def test_the_learner_api_says_whose_residence_needs_confirming(demo):
    grandmother = relative_of(demo.young_learner, home_region=demo.elder_learner.home_region)
    api = ApiClient(demo.village_admin)
    assert api.get(f"/learners/{grandmother.pk}").json()["residence"] == "awaiting"
    assert api.get(f"/learners/{demo.elder_learner.pk}").json()["residence"] == "not_needed"
    bad = api.post(f"/learners/{grandmother.pk}/residence-confirmation", {"decision": "x"})
    assert bad.status_code == 422
    assert (
        api.post(f"/learners/{demo.elder_learner.pk}/residence-confirmation", {"decision": "confirm"}).json()["code"]
        == "not_a_relative"
    )
    grandmother.refresh_from_db()
    assert grandmother.residence_status == "awaiting"
    with pytest.raises(NotFound):
        residence.residence_decide(actor=demo.town_admin, learner_id=grandmother.pk, confirm=True)
