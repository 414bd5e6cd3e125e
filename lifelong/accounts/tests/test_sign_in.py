import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifelong.accounts.middleware import SESSION_LAST_SEEN
from lifelong.accounts.models import PhoneCodeQuota
from lifelong.accounts.services import SESSION_SIGNED_IN_AT
from lifelong.common.models import AuditEvent
from lifelong.notifications.sms import MemorySmsBackend

LOGIN = "/accounts/login/"


def sign_in(client: Client, phone: str, password: str, **extra):
    return client.post(LOGIN, {"phone": phone, "password": password, **extra})


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_learner_signs_in_with_a_phone_number_in_any_common_format(demo, client):
    response = sign_in(client, "+86 139 0000 0005", demo.password)
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    event = AuditEvent.objects.filter(action="login").get()
    assert event.actor == demo.elder_learner and event.success


def test_large_print_chosen_before_signing_in_stays_on(demo, client):
    learner = demo.young_learner
    assert not learner.elder_mode
    client.cookies["elder_mode"] = "1"
    sign_in(client, learner.phone, demo.password)
    learner.refresh_from_db()
    assert learner.elder_mode
    assert ' class="elder"' in client.get("/me/").content.decode()


def test_signing_in_without_large_print_keeps_the_account_setting(demo, client):
    learner = demo.young_learner
    sign_in(client, learner.phone, demo.password)
    learner.refresh_from_db()
    assert not learner.elder_mode


def test_a_wrong_password_is_refused_and_audited(demo, client):
    response = sign_in(client, "13900000005", "not-the-password")
    assert response.status_code == 200
    assert "wrong" in response.content.decode() or "错误" in response.content.decode()
    assert client.get("/me/").status_code == 302
    assert AuditEvent.objects.filter(action="login_failed", success=False).count() == 1


def test_an_invalid_phone_number_is_a_form_error(demo, client):
    response = sign_in(client, "12345", demo.password)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get("/me/").status_code == 302


def test_repeated_failures_lock_the_account_even_for_the_right_password(demo, client):
    for _ in range(5):
        sign_in(client, "13900000005", "wrong-password-1")
    response = sign_in(client, "13900000005", demo.password)
    assert response.status_code == 429
    assert 'data-code="locked"' in response.content.decode()
    assert client.get("/me/").status_code == 302
    # The same address (a shared village hall) can still sign in to another account.
    other = sign_in(Client(), "13900000006", demo.password)
    assert other.status_code == 302


def test_lockout_ends_after_the_cool_off(demo, client):
    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, "13900000005", "wrong-password-1")
    assert sign_in(client, "13900000005", demo.password).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
    assert sign_in(client, "13900000005", demo.password).status_code == 302


@pytest.mark.parametrize("clock", [SESSION_LAST_SEEN, SESSION_SIGNED_IN_AT])
def test_idle_and_absolute_timeouts_end_the_session(demo, client, clock):
    sign_in(client, "13900000005", demo.password)
    assert client.get("/me/").status_code == 200
    session = client.session
    hours = 1 if clock == SESSION_LAST_SEEN else 13
    session[clock] = (timezone.now() - timedelta(hours=hours)).timestamp()
    if clock == SESSION_SIGNED_IN_AT:
        session[SESSION_LAST_SEEN] = timezone.now().timestamp()
    session.save()
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/me/").status_code == 302


def sms_code_for(phone: str) -> str:
    texts = [text for to, text in MemorySmsBackend.outbox if to == phone]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def app_code(client: Client, user) -> str:
    device = TOTPDevice(user=user, key=client.session["lifelong_pending_totp_key"])
    return current_code(device)


def test_staff_must_enrol_and_pass_two_factor_before_the_console(demo, client):
    MemorySmsBackend.outbox.clear()
    two_factor = reverse("accounts:two_factor")
    response = sign_in(client, "13900000002", demo.password)
    assert response.status_code == 302
    console = client.get("/console/")
    assert console.status_code == 302 and console["Location"].startswith(two_factor)
    page = client.get(two_factor)
    assert b'data-testid="totp-secret"' in page.content
    assert not TOTPDevice.objects.filter(user=demo.town_admin).exists()  # nothing stored before confirmation
    sms_code = sms_code_for("13900000002")
    # The app's code alone is not enough: enrolment also needs the SMS sent to the phone.
    assert client.post(two_factor, {"sms_code": "000000", "otp": app_code(client, demo.town_admin)}).status_code == 200
    assert client.get("/console/").status_code == 302
    assert client.post(two_factor, {"sms_code": sms_code, "otp": "000000"}).status_code == 200
    assert client.get("/console/").status_code == 302
    client.post(two_factor, {"sms_code": sms_code, "otp": app_code(client, demo.town_admin)})
    assert client.get("/console/").status_code == 200
    assert TOTPDevice.objects.get(user=demo.town_admin).confirmed
    assert len(MemorySmsBackend.outbox) == 1  # reloading and retrying sent no second code
    # Next sign-in asks for a code from the enrolled device, not a new enrolment.
    client.post("/accounts/logout/")
    sign_in(client, "13900000002", demo.password)
    page = client.get(two_factor)
    assert b"totp-secret" not in page.content and b"sms_code" not in page.content


def test_each_session_is_offered_its_own_secret_and_a_copied_one_is_worthless(demo):
    """Someone who has only the password sees an enrolment page too; the secret they copy
    must not become the device the real person confirms."""
    two_factor = reverse("accounts:two_factor")
    intruder, owner = Client(), Client()
    sign_in(intruder, "13900000002", demo.password)
    intruder.get(two_factor)
    copied_key = intruder.session["lifelong_pending_totp_key"]
    sign_in(owner, "13900000002", demo.password)
    owner.get(two_factor)
    assert owner.session["lifelong_pending_totp_key"] != copied_key
    owner.post(two_factor, {"sms_code": sms_code_for("13900000002"), "otp": app_code(owner, demo.town_admin)})
    assert owner.get("/console/").status_code == 200
    intruder = Client()
    sign_in(intruder, "13900000002", demo.password)
    forged = current_code(TOTPDevice(user=demo.town_admin, key=copied_key))
    intruder.post(two_factor, {"otp": forged})
    assert intruder.get("/console/").status_code == 302


def test_enrolment_sms_codes_allow_few_guesses_and_few_sends(demo, client):
    MemorySmsBackend.outbox.clear()
    two_factor = reverse("accounts:two_factor")
    sign_in(client, "13900000003", demo.password)
    client.get(two_factor)
    sms_code = sms_code_for("13900000003")
    wrong = "111111" if sms_code != "111111" else "222222"
    for _ in range(5):
        client.post(two_factor, {"sms_code": wrong, "otp": "123456"})
    client.post(two_factor, {"sms_code": sms_code, "otp": app_code(client, demo.village_admin)})
    assert client.get("/console/").status_code == 302  # the code was burnt after five guesses
    assert len(MemorySmsBackend.outbox) == 1  # and no new one is sent unasked
    # A new sign-in (a new session) does not reset the count or send another code.
    other = Client()
    sign_in(other, "13900000003", demo.password)
    other.get(two_factor)
    assert len(MemorySmsBackend.outbox) == 1
    # Asking for new codes works at most once a minute and 5 times a day per number (the one
    # code mechanism of accounts/codes.py).
    PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))
    other.post(two_factor, {"intent": "resend"})
    refused = other.post(two_factor, {"intent": "resend"}, follow=True)
    assert len(MemorySmsBackend.outbox) == 2
    assert "minute" in refused.content.decode() or "分钟" in refused.content.decode()
    for _ in range(4):
        PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))
        other.post(two_factor, {"intent": "resend"})
    assert len(MemorySmsBackend.outbox) == 5


def test_a_password_set_by_staff_must_be_changed_at_first_web_sign_in(demo, client):
    from lifelong.accounts.services import learner_register

    learner_register(
        actor=demo.village_admin,
        name="陆阿四",
        home_region=demo.elder_learner.home_region,
        birth_year=1948,
        phone="13700001111",
        password="given-by-staff-9",
    )
    sign_in(client, "13700001111", "given-by-staff-9")
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:password_change"))
    url = reverse("accounts:password_change")
    weak = client.post(
        url, {"current_password": "given-by-staff-9", "new_password": "woaini1314", "confirm_password": "woaini1314"}
    )
    assert weak.status_code == 200
    wrong_current = client.post(
        url,
        {"current_password": "guess-guess-1", "new_password": "my own words 7", "confirm_password": "my own words 7"},
    )
    assert wrong_current.status_code == 200
    assert client.get("/me/").status_code == 302
    client.post(
        url,
        {
            "current_password": "given-by-staff-9",
            "new_password": "my own words 7",
            "confirm_password": "my own words 7",
        },
    )
    assert client.get("/me/").status_code == 200


def test_staff_cannot_change_the_password_before_two_factor(demo, client):
    sign_in(client, "13900000002", demo.password)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "current_password": demo.password,
            "new_password": "taken over 123",
            "confirm_password": "taken over 123",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    demo.town_admin.refresh_from_db()
    assert demo.town_admin.check_password(demo.password)


def test_redirects_carry_the_whole_path_encoded(demo, client):
    sign_in(client, "13900000002", demo.password)
    response = client.get("/console/learners/?page=2&next=https://evil.example/")
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/two-factor/"
    assert parse_qs(location.query) == {"next": ["/console/learners/?page=2&next=https://evil.example/"]}


@override_settings(DEMO_MODE=True, STAFF_TWO_FACTOR_REQUIRED=False)
def test_demo_mode_relaxes_two_factor_and_says_so_on_every_page(demo, client):
    sign_in(client, "13900000002", demo.password)
    response = client.get("/console/")
    assert response.status_code == 200
    assert b"demo-banner" in response.content
    assert b"demo-banner" in client.get("/").content


def test_no_demo_banner_outside_demo_mode(demo, client):
    assert b"demo-banner" not in client.get("/").content


def test_signing_out_ends_the_session_on_the_server_and_is_audited(demo, client):
    sign_in(client, "13900000005", demo.password)
    old_cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert replay.get("/me/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=demo.elder_learner).exists()


def test_signing_in_issues_a_new_session_id(demo, client):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    sign_in(client, "13900000005", demo.password)
    assert client.session.session_key != before
