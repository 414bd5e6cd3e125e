"""Password reset by SMS code (DESIGN §5): 202 alike for every number, 200 on success,
400 `invalid_code`, 422 for a weak password; every API token and web session of the account
ends; audited without the code or the password."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.accounts.models import APIToken, PhoneCode, PhoneCodeQuota
from lifelong.common.models import AuditEvent
from lifelong.testkit.api import ApiClient

# The reset request queues its SMS after commit (self_service.password_reset_request): these
# tests commit, as a real request does, so the task runs and the code reaches the outbox.
pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a brand new passphrase 7"


def code_for(outbox, phone: str) -> str:
    return re.search(r"\b(\d{6})\b", [text for to, text in outbox if to == phone][-1]).group(1)


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def confirm(api: ApiClient, phone: str, code: str, new_password: str = NEW_PASSWORD):
    return api.post("/auth/password-reset/confirm", {"phone": phone, "code": code, "new_password": new_password})


def test_the_request_answers_the_same_for_known_unknown_and_rate_limited_numbers(demo, sms_outbox):
    api = ApiClient()
    known = api.post("/auth/password-reset", {"phone": demo.elder_learner.phone})
    unknown = api.post("/auth/password-reset", {"phone": "13712349999"})
    limited = api.post("/auth/password-reset", {"phone": demo.elder_learner.phone})  # within the minute
    assert known.status_code == unknown.status_code == limited.status_code == 202
    assert known.content == unknown.content == limited.content
    # Only the known number got a message, and only one.
    assert [to for to, _ in sms_outbox] == [demo.elder_learner.phone]


def test_never_more_than_five_messages_a_day(demo, sms_outbox):
    api = ApiClient()
    for _ in range(8):
        assert api.post("/auth/password-reset", {"phone": demo.elder_learner.phone}).status_code == 202
        PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))
    assert len(sms_outbox) == 5


def test_something_that_is_not_a_mobile_number_is_422(db):
    response = ApiClient().post("/auth/password-reset", {"phone": "hello"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_phone"


def test_a_reset_sets_the_password_and_ends_every_token_and_session(demo, sms_outbox):
    learner = demo.elder_learner
    tokens = [ApiClient(learner), ApiClient(learner)]
    assert tokens[0].get("/me").status_code == 200
    browser = Client()
    browser.post("/accounts/login/", {"phone": learner.phone, "password": demo.password})
    assert browser.get("/me/").status_code == 200
    other_person = ApiClient(demo.young_learner)

    api = ApiClient()
    api.post("/auth/password-reset", {"phone": learner.phone})
    code = code_for(sms_outbox, learner.phone)
    response = confirm(api, learner.phone, code)
    assert response.status_code == 200 and response.json()["detail"]

    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert all(client.get("/me").status_code == 401 for client in tokens)
    assert not APIToken.objects.filter(user=learner).exists()
    signed_out = browser.get("/me/")
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/accounts/login/")
    assert other_person.get("/me").status_code == 200  # nobody else is touched
    assert (
        api.post("/auth/token", {"phone": learner.phone, "password": demo.password}).json()["code"]
        == "invalid_credentials"
    )
    assert api.post("/auth/token", {"phone": learner.phone, "password": NEW_PASSWORD}).status_code == 200
    # The code was used up.
    again = confirm(api, learner.phone, code, "yet another passphrase 8")
    assert again.status_code == 400 and again.json()["code"] == "invalid_code"

    event = AuditEvent.objects.get(action="password_changed", object_id=str(learner.pk))
    assert event.summary == "password reset by SMS code"
    flat = f"{event.summary} {event.changes}"
    assert code not in flat and NEW_PASSWORD not in flat


def test_a_reset_lifts_a_sign_in_lockout(demo, sms_outbox):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"phone": demo.elder_learner.phone, "password": "wrong-wrong-1"})
    assert (
        client.post("/accounts/login/", {"phone": demo.elder_learner.phone, "password": demo.password}).status_code
        == 429
    )
    api = ApiClient()
    api.post("/auth/password-reset", {"phone": demo.elder_learner.phone})
    assert confirm(api, demo.elder_learner.phone, code_for(sms_outbox, demo.elder_learner.phone)).status_code == 200
    response = client.post("/accounts/login/", {"phone": demo.elder_learner.phone, "password": NEW_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("problem", ["wrong", "expired", "locked", "unknown_number", "other_purpose"])
def test_a_bad_code_is_400_invalid_code_and_changes_nothing(demo, sms_outbox, problem):
    learner = demo.elder_learner
    token = ApiClient(learner)
    api = ApiClient()
    phone = learner.phone
    if problem == "other_purpose":
        api.post("/auth/signup/code", {"phone": phone})  # a registered number: no code at all
    else:
        api.post("/auth/password-reset", {"phone": phone})
    code = code_for(sms_outbox, phone) if problem != "other_purpose" else "123456"
    if problem == "wrong":
        code = other_than(code)
    elif problem == "expired":
        PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif problem == "locked":
        for _ in range(5):
            confirm(api, phone, other_than(code))
    elif problem == "unknown_number":
        phone = "13712349999"
    response = confirm(api, phone, code)
    assert response.status_code == 400 and response.json()["code"] == "invalid_code"
    learner.refresh_from_db()
    assert learner.check_password(demo.password)
    assert token.get("/me").status_code == 200
    # The same words whatever the reason, so nothing tells whether the number is registered.
    assert response.json()["detail"] == confirm(ApiClient(), "13712349998", "123456").json()["detail"]


def test_a_weak_password_is_422_and_spends_no_try(demo, sms_outbox):
    api = ApiClient()
    api.post("/auth/password-reset", {"phone": demo.elder_learner.phone})
    code = code_for(sms_outbox, demo.elder_learner.phone)
    for weak in ("woaini1314", "short", demo.elder_learner.phone + "x"):
        response = confirm(api, demo.elder_learner.phone, code, weak)
        assert response.status_code == 422 and response.json()["code"] == "weak_password", weak
        assert response.json()["field"] == "new_password"
    assert PhoneCode.objects.get().attempts == 0
    # Weak for an unknown number answers just the same.
    unknown = confirm(api, "13712349999", "123456", "woaini1314")
    assert unknown.status_code == 422 and unknown.json()["code"] == "weak_password"
    assert confirm(api, demo.elder_learner.phone, code).status_code == 200


def test_wrong_codes_are_audited_without_the_code(demo, sms_outbox):
    api = ApiClient()
    api.post("/auth/password-reset", {"phone": demo.elder_learner.phone})
    confirm(
        api,
        demo.elder_learner.phone,
        "999999" if code_for(sms_outbox, demo.elder_learner.phone) != "999999" else "888888",
    )
    event = AuditEvent.objects.get(action="login_failed")
    assert not event.success and "139****0005" in event.summary and "999999" not in event.summary


# --- Pages -------------------------------------------------------------------------------------


def test_resetting_on_the_pages_signs_out_and_says_so(demo, sms_outbox):
    learner = demo.elder_learner
    other_browser = Client()
    other_browser.post("/accounts/login/", {"phone": learner.phone, "password": demo.password})
    client = Client()
    assert 'href="/accounts/password-reset/"' in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password-reset/", {"phone": learner.phone})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/confirm/"
    page = client.get(response["Location"]).content.decode()
    assert "139****0005" in page
    code = code_for(sms_outbox, learner.phone)
    mismatch = client.post(
        "/accounts/password-reset/confirm/",
        {"code": code, "new_password": NEW_PASSWORD, "confirm_password": "not the same 1"},
    )
    assert mismatch.status_code == 200 and "ll-error-summary" in mismatch.content.decode()
    done = client.post(
        "/accounts/password-reset/confirm/",
        {"code": code, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/login/"
    text = done.content.decode()
    assert "sign in with the new one" in text or "请用新密码登录" in text
    assert other_browser.get("/me/").status_code == 302
    assert client.post("/accounts/login/", {"phone": learner.phone, "password": NEW_PASSWORD}).status_code == 302


def test_an_unknown_number_sees_the_same_pages(demo, sms_outbox):
    client = Client()
    response = client.post("/accounts/password-reset/", {"phone": "13712349999"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/confirm/"
    wrong = client.post(
        "/accounts/password-reset/confirm/",
        {"code": "123456", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and "ll-error-summary" in wrong.content.decode()
    assert sms_outbox == []


def test_a_signed_in_person_who_resets_is_signed_out_too(demo, sms_outbox):
    client = Client()
    client.post("/accounts/login/", {"phone": demo.young_learner.phone, "password": demo.password})
    client.post("/accounts/password-reset/", {"phone": demo.young_learner.phone})
    client.post(
        "/accounts/password-reset/confirm/",
        {
            "code": code_for(sms_outbox, demo.young_learner.phone),
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert client.get("/me/").status_code == 302
