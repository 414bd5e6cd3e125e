"""A citizen signs up alone: a mainland mobile number proven by an SMS code, then name, birth
year, home village (town, then village) and a password. Bad input changes nothing, and
nothing tells a caller whether a number is registered."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.accounts.models import PhoneCode, PhoneCodeQuota, User
from lifelong.common.models import AuditEvent
from lifelong.testkit.api import ApiClient

NEW = "13712340001"
GOOD_PASSWORD = "spring rain on the canal 9"


def code_for(outbox, phone: str) -> str:
    return re.search(r"\b(\d{6})\b", [text for to, text in outbox if to == phone][-1]).group(1)


def details_form(sms_outbox, village, **changes) -> dict:
    """The sign-up details page's form as 沈阿婆 of `village` fills it in, with the code her
    SMS brought, and `changes` on top."""
    return {
        "code": code_for(sms_outbox, NEW),
        "name": "沈阿婆",
        "birth_year": "1952",
        "town": village.parent.code,
        "home_region": village.code,
        "password": GOOD_PASSWORD,
        "confirm_password": GOOD_PASSWORD,
        **changes,
    }


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


@pytest.fixture
def village(demo):
    return demo.elder_learner.home_region


def signup_body(village, code: str, **changes) -> dict:
    body = {
        "phone": NEW,
        "code": code,
        "name": "沈阿婆",
        "birth_year": 1952,
        "home_region": village.code,
        "password": GOOD_PASSWORD,
    }
    body.update(changes)
    return body


# --- API ---------------------------------------------------------------------------------------


def test_signing_up_through_the_api(demo, village, sms_outbox):
    api = ApiClient()
    response = api.post("/auth/signup/code", {"phone": "+86 137 1234 0001"})
    assert response.status_code == 202
    response = api.post("/auth/signup", signup_body(village, code_for(sms_outbox, NEW)))
    assert response.status_code == 201
    citizen = User.objects.get(pk=response.json()["id"])
    assert (citizen.phone, citizen.name, citizen.birth_year, citizen.home_region) == (NEW, "沈阿婆", 1952, village)
    assert citizen.check_password(GOOD_PASSWORD) and not citizen.must_change_password
    assert citizen.managed_by is None and not citizen.role_grants.exists()
    event = AuditEvent.objects.get(action="created", object_id=str(citizen.pk))
    assert event.summary == "self sign-up" and NEW not in str(event.changes) and GOOD_PASSWORD not in str(event.changes)
    token = api.post("/auth/token", {"phone": NEW, "password": GOOD_PASSWORD})
    assert token.status_code == 200
    # The code is spent: it cannot make a second account.
    again = api.post("/auth/signup", signup_body(village, code_for(sms_outbox, NEW), phone=NEW))
    assert again.status_code == 400 and again.json()["code"] == "invalid_code"


def test_a_registered_number_gets_the_same_answer_and_an_sms_instead_of_a_code(demo, sms_outbox):
    api = ApiClient()
    known = api.post("/auth/signup/code", {"phone": demo.young_learner.phone})
    unknown = api.post("/auth/signup/code", {"phone": NEW})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    (text,) = [text for to, text in sms_outbox if to == demo.young_learner.phone]
    assert not re.search(r"\d{6}", text) and "/accounts/password-reset/" in text
    assert not PhoneCode.objects.filter(phone=demo.young_learner.phone).exists()
    # Its limits are the same as for any number, so a 429 reveals nothing either.
    assert api.post("/auth/signup/code", {"phone": demo.young_learner.phone}).json()["code"] == "too_many_codes"
    assert api.post("/auth/signup/code", {"phone": NEW}).json()["code"] == "too_many_codes"
    # And any code tried for it is simply wrong.
    response = api.post(
        "/auth/signup", {**signup_body(demo.young_learner.home_region, "123456"), "phone": demo.young_learner.phone}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_code"


def test_the_code_endpoint_refuses_a_number_that_is_not_a_mainland_mobile(db, sms_outbox):
    response = ApiClient().post("/auth/signup/code", {"phone": "0573-86121234"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_phone"
    assert sms_outbox == [] and not PhoneCodeQuota.objects.exists()


def test_more_than_one_code_a_minute_is_429(db, sms_outbox):
    api = ApiClient()
    assert api.post("/auth/signup/code", {"phone": NEW}).status_code == 202
    response = api.post("/auth/signup/code", {"phone": NEW})
    assert response.status_code == 429 and response.json()["code"] == "too_many_codes"
    assert "一分钟" in response.json()["detail"]  # says when to try again (in Chinese, the default)
    assert len(sms_outbox) == 1


@pytest.mark.parametrize(
    "changes, status, code",
    [
        ({"code": "WRONG"}, 400, "invalid_code"),
        ({"password": "woaini1314"}, 422, "weak_password"),
        ({"password": "short"}, 422, "weak_password"),
        ({"birth_year": 2999}, 422, "invalid_birth_year"),
        ({"birth_year": 1800}, 422, "invalid_birth_year"),
        ({"home_region": "330424105"}, 422, "invalid_region"),  # a town, not a village
        ({"home_region": "999999999999"}, 422, "invalid_region"),
        ({"name": "   "}, 422, "invalid_name"),
        ({"phone": "12345"}, 422, "invalid_phone"),
        ({"role": "county_admin"}, 422, "invalid"),  # unknown fields are refused
    ],
)
def test_bad_sign_ups_are_refused_with_a_code_and_create_nothing(demo, village, sms_outbox, changes, status, code):
    api = ApiClient()
    api.post("/auth/signup/code", {"phone": NEW})
    real = code_for(sms_outbox, NEW)
    if changes.get("code") == "WRONG":
        changes = {"code": other_than(real)}
    before = User.objects.count()
    response = api.post("/auth/signup", {**signup_body(village, real), **changes})
    assert response.status_code == status and response.json()["code"] == code, response.json()
    assert User.objects.count() == before
    # Only a wrong code costs a try; the rest leave the code as it was, and it still works.
    assert PhoneCode.objects.get(phone=NEW).attempts == (1 if code == "invalid_code" else 0)
    assert api.post("/auth/signup", signup_body(village, real)).status_code == 201


def test_an_expired_or_locked_code_is_invalid(demo, village, sms_outbox):
    api = ApiClient()
    api.post("/auth/signup/code", {"phone": NEW})
    real = code_for(sms_outbox, NEW)
    for _ in range(5):
        api.post("/auth/signup", signup_body(village, other_than(real)))
    locked = api.post("/auth/signup", signup_body(village, real))
    assert locked.status_code == 400 and locked.json()["code"] == "invalid_code"
    PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))
    api.post("/auth/signup/code", {"phone": NEW})
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.post("/auth/signup", signup_body(village, code_for(sms_outbox, NEW)))
    assert expired.status_code == 400 and expired.json()["code"] == "invalid_code"
    assert not User.objects.filter(phone=NEW).exists()


def test_a_number_registered_after_its_code_was_sent_is_a_conflict(demo, village, sms_outbox):
    api = ApiClient()
    api.post("/auth/signup/code", {"phone": NEW})
    User.objects.create_user(NEW, "someone-else-pass-1", name="先到者")
    response = api.post("/auth/signup", signup_body(village, code_for(sms_outbox, NEW)))
    assert response.status_code == 409 and response.json()["code"] == "phone_taken"
    assert User.objects.filter(phone=NEW).count() == 1


# --- Pages -------------------------------------------------------------------------------------


def test_signing_up_on_the_pages_without_scripts(demo, village, sms_outbox):
    client = Client()
    assert 'href="/accounts/signup/"' in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/signup/", {"phone": "137 1234 0001"})
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/details/"
    page = client.get("/accounts/signup/details/").content.decode()
    assert "137****0001" in page and NEW not in page
    # No village to choose until a town is chosen; the no-script button shows its villages.
    assert village.name not in page
    shown = client.post(
        "/accounts/signup/details/", {"intent": "town", "town": village.parent.code, "name": "沈阿婆"}
    ).content.decode()
    assert f'value="{village.code}"' in shown and 'value="沈阿婆"' in shown and "ll-error-summary" not in shown
    response = client.post("/accounts/signup/details/", details_form(sms_outbox, village))
    assert response.status_code == 302 and response["Location"] == "/me/"
    me = client.get("/me/")
    assert me.status_code == 200 and "沈阿婆" in me.content.decode()
    assert User.objects.get(phone=NEW).home_region == village


def test_the_village_select_for_a_town_is_served_for_htmx(demo, village):
    fragment = Client().get("/accounts/signup/villages/", {"town": village.parent.code}).content.decode()
    assert fragment.startswith('<div id="village-field"') and f'value="{village.code}"' in fragment
    other_town_village = User.objects.get(phone=demo.young_learner.phone).home_region
    assert f'value="{other_town_village.code}"' not in fragment
    empty = Client().get("/accounts/signup/villages/", {"town": "nonsense"}).content.decode()
    assert "<option" in empty and village.code not in empty
    form = Client().get("/accounts/signup/details/")
    assert form.status_code == 302  # no number given yet


def test_a_village_of_another_town_is_refused_on_the_page(demo, village, sms_outbox):
    client = Client()
    client.post("/accounts/signup/", {"phone": NEW})
    elsewhere = demo.young_learner.home_region
    response = client.post("/accounts/signup/details/", details_form(sms_outbox, village, home_region=elsewhere.code))
    assert response.status_code == 200 and "ll-error-summary" in response.content.decode()
    assert not User.objects.filter(phone=NEW).exists()
    assert PhoneCode.objects.get(phone=NEW).attempts == 0


def test_page_errors_are_shown_and_change_nothing(demo, village, sms_outbox):
    client = Client()
    client.post("/accounts/signup/", {"phone": NEW})
    base = details_form(sms_outbox, village)
    real = base["code"]
    for changes in (
        {"confirm_password": "something else 1"},
        {"code": other_than(real)},
        {"password": "woaini1314", "confirm_password": "woaini1314"},
    ):
        response = client.post("/accounts/signup/details/", {**base, **changes})
        assert response.status_code == 200 and "ll-error-summary" in response.content.decode(), changes
    assert not User.objects.filter(phone=NEW).exists()
    assert client.post("/accounts/signup/details/", base).status_code == 302


def test_the_first_step_answers_alike_for_known_numbers_and_says_when_to_wait(demo, sms_outbox):
    client = Client()
    response = client.post("/accounts/signup/", {"phone": demo.elder_learner.phone})
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/details/"
    again = Client().post("/accounts/signup/", {"phone": demo.elder_learner.phone})
    assert again.status_code == 200 and "ll-error-summary" in again.content.decode()
    bad = Client().post("/accounts/signup/", {"phone": "12345"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()


def test_asking_for_a_new_code_on_the_page(demo, sms_outbox):
    client = Client()
    client.post("/accounts/signup/", {"phone": NEW})
    client.post("/accounts/signup/details/", {"intent": "resend"})
    assert len(sms_outbox) == 1  # within the minute: refused, with a message
    PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))
    response = client.post("/accounts/signup/details/", {"intent": "resend"}, follow=True)
    assert len(sms_outbox) == 2 and response.status_code == 200


def test_the_openapi_document_lists_the_self_service_endpoints_and_their_errors(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/auth/signup/code": (
            {"202", "400", "422", "429", "503"},
            ["too_many_codes", "sms_unavailable", "invalid_phone"],
        ),
        "/api/v1/auth/signup": ({"201", "400", "409", "422"}, ["invalid_code", "phone_taken", "weak_password"]),
        "/api/v1/auth/password-reset": ({"202", "400", "422"}, ["invalid_phone"]),
        "/api/v1/auth/password-reset/confirm": ({"200", "400", "422"}, ["invalid_code", "weak_password"]),
    }
    for path, (statuses, codes) in expected.items():
        operation = paths[path]["post"]
        assert set(operation["responses"]) == statuses, path
        assert all(f"`{code}`" in operation["description"] for code in codes), path
