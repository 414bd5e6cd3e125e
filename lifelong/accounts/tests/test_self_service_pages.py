"""What the self-service pages tell and keep for a villager on a phone: the large print and
the language they chose follow them into their new account, the village list names villages
plainly, a form that comes back says the password must be typed again, and asking for a new
code reads the same whether or not the number is registered."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.accounts import self_service
from lifelong.accounts.models import PhoneCodeQuota, User
from lifelong.accounts.services import managed_profile_create

NEW = "13712340021"
PASSWORD = "moon over the salt flats 4"
RETYPE = "Please type the password again"


def code_for(outbox, phone: str) -> str:
    return re.search(r"\b(\d{6})\b", [text for to, text in outbox if to == phone][-1]).group(1)


def browser(*, elder: bool = False, language: str = "") -> Client:
    client = Client()
    if elder:
        client.cookies["elder_mode"] = "1"
    if language:
        client.cookies["django_language"] = language
    return client


def sign_up(client: Client, village, sms_outbox, **changes):
    client.post("/accounts/signup/", {"phone": NEW})
    details = {
        "code": code_for(sms_outbox, NEW),
        "name": "沈阿婆",
        "birth_year": "1952",
        "town": village.parent.code,
        "home_region": village.code,
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    return client.post("/accounts/signup/details/", {**details, **changes})


@pytest.mark.parametrize(("elder", "language"), [(True, "en"), (False, "")], ids=["elder-en", "standard-zh"])
def test_the_new_account_keeps_the_large_print_and_language_it_was_made_in(demo, sms_outbox, elder, language):
    client = browser(elder=elder, language=language)
    response = sign_up(client, demo.elder_learner.home_region, sms_outbox)
    assert response.status_code == 302 and response["Location"] == "/me/"
    citizen = User.objects.get(phone=NEW)
    assert citizen.elder_mode is elder
    assert citizen.preferred_language == (language or "zh-hans")
    # Signed in, the account's preference decides: /me/ stays as the sign-up pages were.
    me = client.get("/me/").content.decode()
    assert ('class="elder"' in me) is elder


def test_the_village_list_names_each_village_alone(demo):
    village = demo.elder_learner.home_region
    fragment = Client().get("/accounts/signup/villages/", {"town": village.parent.code}).content.decode()
    names = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', fragment)
    # The town is chosen just above; repeating it cut the village's name off on a phone.
    assert village.name in names and not any(village.parent.name in name for name in names)


def test_a_form_that_comes_back_asks_for_the_password_again(demo, sms_outbox):
    client = browser(language="en")
    assert client.post("/accounts/signup/", {"phone": NEW}).status_code == 302
    page = client.get("/accounts/signup/details/").content.decode()
    # The password rule stands under its label, tied to the box, before anything is typed.
    assert 'aria-describedby="id_password_helptext"' in page and "At least 8 characters" in page
    assert RETYPE not in page
    wrong = client.post(
        "/accounts/signup/details/",
        {
            "code": "000000" if code_for(sms_outbox, NEW) != "000000" else "111111",
            "name": "沈阿婆",
            "birth_year": "1952",
            "town": demo.elder_learner.home_region.parent.code,
            "home_region": demo.elder_learner.home_region.code,
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    ).content.decode()
    assert "ll-error-summary" in wrong and RETYPE in wrong and PASSWORD not in wrong
    assert not User.objects.filter(phone=NEW).exists()


def test_asking_for_a_new_reset_code_reads_the_same_for_any_number(
    demo, sms_outbox, django_capture_on_commit_callbacks
):
    texts = []
    for number in (demo.elder_learner.phone, "13712349998"):
        client = browser(language="en")
        with django_capture_on_commit_callbacks(execute=True):  # the code goes from a task after commit
            client.post("/accounts/password-reset/", {"phone": number})
        # Within the minute: nothing more goes out, and the page must not say otherwise.
        response = client.post("/accounts/password-reset/confirm/", {"intent": "resend"}, follow=True)
        texts.append(re.findall(r"If this number has an account[^<]*", response.content.decode()))
    assert texts[0] == texts[1] and "wait a minute" in texts[0][0]
    assert len(sms_outbox) == 1
    PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))
    client = browser(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"phone": demo.elder_learner.phone})
    assert len(sms_outbox) == 2


@pytest.fixture
def grandmother(demo):
    return managed_profile_create(
        actor=demo.young_learner, name="李奶奶", birth_year=1941, home_region=demo.elder_learner.home_region
    )


def test_the_claim_form_says_whose_password_it_is(demo, grandmother, sms_outbox):
    client = browser(language="en")
    client.force_login(demo.young_learner)
    url = f"/accounts/family/{grandmother.pk}/own-account/"
    client.post(url, {"intent": "send", "phone": NEW})
    page = client.get(url).content.decode()
    assert "New password for 李奶奶" in page and "Give 李奶奶 their own account" in page


@pytest.mark.parametrize("elder", [True, False], ids=["elder", "standard"])
def test_a_relative_taking_over_on_their_own_phone_keeps_its_large_print(demo, grandmother, sms_outbox, elder):
    self_service.family_claim_start(actor=demo.young_learner, profile=grandmother, phone=NEW)
    response = browser(elder=elder).post(
        "/accounts/own-account/",
        {"phone": NEW, "code": code_for(sms_outbox, NEW), "password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert response.status_code == 302
    grandmother.refresh_from_db()
    assert grandmother.phone == NEW and grandmother.elder_mode is elder


def test_each_two_step_page_says_which_step_it_is(demo, sms_outbox):
    client = browser(language="en")
    assert "Step 1 of 2" in client.get("/accounts/signup/").content.decode()
    client.post("/accounts/signup/", {"phone": NEW})
    assert "Step 2 of 2" in client.get("/accounts/signup/details/").content.decode()
    assert "Step 1 of 2" in client.get("/accounts/password-reset/").content.decode()
    client.post("/accounts/password-reset/", {"phone": demo.elder_learner.phone})
    assert "Step 2 of 2" in client.get("/accounts/password-reset/confirm/").content.decode()
