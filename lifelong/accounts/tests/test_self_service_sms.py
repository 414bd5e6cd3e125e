"""What a failing SMS gateway, a busy address, the site's daily total and a persistent stranger
can and cannot do to the self-service codes (accounts/codes.py): a gateway error is a 503
`sms_unavailable` for sign-up and hand-over and nothing at all for a reset (sent from a task),
a reset request does the same work for every number, every hand-over attempt is counted, and
a staff member's own two-factor code is not blocked by anyone else's requests."""

import logging
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifelong.accounts import codes, self_service, services, tasks
from lifelong.accounts.choices import CodePurpose
from lifelong.accounts.models import PhoneCode, PhoneCodeQuota, SmsCodeCounter, User
from lifelong.accounts.services import managed_profile_create
from lifelong.common.errors import Conflict
from lifelong.notifications.sms import SmsOutcomeUnknown, SmsRejected
from lifelong.testkit.api import ApiClient

NEW = "13712340001"
NEW_2 = "13712340002"


class RejectingBackend:
    """The gateway answers and refuses (nothing was sent)."""

    def send(self, phone: str, text: str, **message) -> None:
        raise SmsRejected(f"refused for {phone}", code="isv.BUSINESS_LIMIT_CONTROL")


class TimingOutBackend:
    """The request left, no answer came (the message may have been sent)."""

    def send(self, phone: str, text: str, **message) -> None:
        raise SmsOutcomeUnknown("read timed out", code="timeout")


HERE = "lifelong.accounts.tests.test_self_service_sms"


def a_minute_passes() -> None:
    PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))


def from_address(address: str) -> ApiClient:
    api = ApiClient()
    api.client.defaults["REMOTE_ADDR"] = address
    return api


# --- 1. A gateway that fails ------------------------------------------------------------------


def test_a_refused_sign_up_sms_is_503_alike_for_any_number_and_gives_the_limits_back(demo, settings, caplog):
    settings.SMS_BACKEND = f"{HERE}.RejectingBackend"
    api = ApiClient()
    with caplog.at_level(logging.WARNING, logger="lifelong.accounts.codes"):
        registered = api.post("/auth/signup/code", {"phone": demo.young_learner.phone})
        unknown = api.post("/auth/signup/code", {"phone": NEW})
    assert registered.status_code == unknown.status_code == 503
    assert registered.json() == unknown.json()
    assert registered.json()["code"] == "sms_unavailable"
    # Logged by the provider's code, never the number.
    assert "isv.BUSINESS_LIMIT_CONTROL" in caplog.text
    assert NEW not in caplog.text and demo.young_learner.phone not in caplog.text
    # Nothing was sent: no code is left, nothing is counted, and asking again at once works.
    assert not PhoneCode.objects.exists()
    assert all(quota.sent_on_day == 0 for quota in PhoneCodeQuota.objects.all())
    assert all(counter.count == 0 for counter in SmsCodeCounter.objects.all())
    settings.SMS_BACKEND = "lifelong.notifications.sms.MemorySmsBackend"
    assert api.post("/auth/signup/code", {"phone": NEW}).status_code == 202
    assert api.post("/auth/signup/code", {"phone": demo.young_learner.phone}).status_code == 202


def test_a_sign_up_sms_that_may_have_gone_is_503_but_stays_counted(db, settings):
    settings.SMS_BACKEND = f"{HERE}.TimingOutBackend"
    response = ApiClient().post("/auth/signup/code", {"phone": NEW})
    assert response.status_code == 503 and response.json()["code"] == "sms_unavailable"
    # The message may arrive: its code still works, and the minute's limit holds.
    assert PhoneCode.objects.filter(phone=NEW).exists()
    settings.SMS_BACKEND = "lifelong.notifications.sms.MemorySmsBackend"
    assert ApiClient().post("/auth/signup/code", {"phone": NEW}).json()["code"] == "too_many_codes"


def test_the_sign_up_page_says_the_text_service_is_not_answering(db, settings):
    settings.SMS_BACKEND = f"{HERE}.RejectingBackend"
    client = Client(headers={"cookie": "django_language=en"})
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/signup/", {"phone": NEW})
    assert response.status_code == 200
    assert "The text message service is not answering" in response.content.decode()
    assert "lifelong_signup_phone" not in client.session


@pytest.mark.django_db(transaction=True)
def test_a_refused_reset_sms_answers_202_like_any_number_and_logs_no_number(demo, settings, caplog):
    settings.SMS_BACKEND = f"{HERE}.RejectingBackend"
    api = ApiClient()
    with caplog.at_level(logging.WARNING, logger="lifelong.accounts.codes"):
        known = api.post("/auth/password-reset", {"phone": demo.elder_learner.phone})
        unknown = api.post("/auth/password-reset", {"phone": NEW})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert "isv.BUSINESS_LIMIT_CONTROL" in caplog.text and demo.elder_learner.phone not in caplog.text
    assert not PhoneCode.objects.exists()  # the unsent code is not left behind


# --- 2. A reset request does the same work for every number ---------------------------------


def _statements(queries) -> list[str]:
    # The SQL with its parameters left out: which tables are read and written, in what order.
    return [re.sub(r'"s\d+_x\d+"|\'[^\']*\'|\b\d+\b', "?", query["sql"]) for query in queries]


def test_a_reset_request_does_the_same_work_for_a_registered_and_an_unknown_number(
    demo, sms_outbox, django_capture_on_commit_callbacks
):
    api = ApiClient()
    api.post("/auth/password-reset", {"phone": NEW_2})  # opens this hour's and day's counters
    work = []
    for number in (demo.elder_learner.phone, NEW):
        with (
            django_capture_on_commit_callbacks(execute=False) as queued,
            CaptureQueriesContext(connection) as queries,
        ):
            assert api.post("/auth/password-reset", {"phone": number}).status_code == 202
        work.append((_statements(queries.captured_queries), len(queued)))
    assert work[0] == work[1]
    assert work[0][1] == 1  # one task, queued after commit
    assert not any("accounts_user" in sql for sql in work[0][0])  # the account is looked up by the task
    assert sms_outbox == []  # nothing is sent from the request
    # Both numbers' limits were counted alike.
    assert sorted(PhoneCodeQuota.objects.values_list("phone", "sent_on_day")) == sorted(
        [(demo.elder_learner.phone, 1), (NEW, 1), (NEW_2, 1)]
    )


def test_the_reset_task_texts_only_an_active_registered_number(demo, sms_outbox):
    assert tasks.password_reset_code_deliver(phone=NEW) is False
    assert tasks.password_reset_code_deliver(phone=demo.elder_learner.phone) is True
    assert [to for to, _ in sms_outbox] == [demo.elder_learner.phone]
    assert PhoneCode.objects.get(purpose=CodePurpose.PASSWORD_RESET).user == demo.elder_learner


# --- 3. Handing a profile over: every attempt counts ------------------------------------------


@pytest.fixture
def family(demo):
    profile = managed_profile_create(
        actor=demo.young_learner, name="李奶奶", birth_year=1941, home_region=demo.elder_learner.home_region
    )
    return demo.young_learner, profile


def test_a_registered_number_refused_for_a_hand_over_still_uses_up_its_minute(demo, family, sms_outbox):
    actor, profile = family
    with pytest.raises(Conflict):
        self_service.family_claim_start(actor=actor, profile=profile, phone=demo.elder_learner.phone)
    # Asking about the same number again within the minute is refused as for any number.
    with pytest.raises(codes.CodeSentRecently):
        self_service.family_claim_start(actor=actor, profile=profile, phone=demo.elder_learner.phone)
    assert sms_outbox == []


def test_a_family_member_may_try_ten_numbers_a_day(demo, family, sms_outbox):
    actor, profile = family
    numbers = [f"137123450{n:02d}" for n in range(10)]
    for n, number in enumerate(numbers):
        if n % 2:  # registered or not, each attempt counts
            User.objects.create(phone=number, name=f"亲属{n}", birth_year=1950, home_region=profile.home_region)
            with pytest.raises(Conflict):
                self_service.family_claim_start(actor=actor, profile=profile, phone=number)
        else:
            self_service.family_claim_start(actor=actor, profile=profile, phone=number)
    with pytest.raises(codes.TooManyCodes) as refused:
        self_service.family_claim_start(actor=actor, profile=profile, phone="13712349876")
    assert refused.value.code == "too_many_codes"
    assert len(sms_outbox) == 5
    assert not PhoneCodeQuota.objects.filter(phone="13712349876").exists()  # the refused number lost nothing


def test_a_hand_over_whose_sms_is_refused_says_so_and_costs_nothing(demo, family, settings):
    actor, profile = family
    settings.SMS_BACKEND = f"{HERE}.RejectingBackend"
    with pytest.raises(codes.SmsNotSent):
        self_service.family_claim_start(actor=actor, profile=profile, phone=NEW)
    settings.SMS_BACKEND = "lifelong.notifications.sms.MemorySmsBackend"
    self_service.family_claim_start(actor=actor, profile=profile, phone=NEW)  # at once: nothing was counted
    assert PhoneCode.objects.filter(phone=NEW, purpose=CodePurpose.CLAIM).exists()


# --- 4. Sign-up codes cannot run up the bill --------------------------------------------------


def test_one_address_gets_at_most_its_hourly_codes(db, settings, sms_outbox):
    settings.SMS_CODES_PER_HOUR_ADDRESS = 3
    hall = from_address("10.1.2.3")
    for n in range(3):
        assert hall.post("/auth/signup/code", {"phone": f"1371234100{n}"}).status_code == 202
    refused = hall.post("/auth/signup/code", {"phone": "13712341009"})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_codes"
    assert len(sms_outbox) == 3
    assert not PhoneCodeQuota.objects.filter(phone="13712341009").exists()  # refused: the number lost nothing
    # The page is limited alike, and another address is not.
    page = Client(REMOTE_ADDR="10.1.2.3")
    assert page.post("/accounts/signup/", {"phone": "13712341008"}).status_code == 200
    assert "lifelong_signup_phone" not in page.session
    assert from_address("10.9.9.9").post("/auth/signup/code", {"phone": "13712341009"}).status_code == 202


def test_a_number_past_its_own_limit_costs_the_address_nothing(db, settings):
    settings.SMS_CODES_PER_HOUR_ADDRESS = 2
    hall = from_address("10.1.2.3")
    assert hall.post("/auth/signup/code", {"phone": NEW}).status_code == 202
    for _ in range(3):  # within the minute: refused by the number's own limit
        assert hall.post("/auth/signup/code", {"phone": NEW}).status_code == 429
    assert hall.post("/auth/signup/code", {"phone": NEW_2}).status_code == 202


def test_the_site_sends_at_most_its_daily_codes(demo, settings, sms_outbox, django_capture_on_commit_callbacks):
    settings.SMS_CODES_PER_DAY_SITE = 2
    assert from_address("10.0.0.1").post("/auth/signup/code", {"phone": NEW}).status_code == 202
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            from_address("10.0.0.2").post("/auth/password-reset", {"phone": demo.elder_learner.phone}).status_code
            == 202
        )
    refused = from_address("10.0.0.3").post("/auth/signup/code", {"phone": NEW_2})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_codes"
    with django_capture_on_commit_callbacks(execute=True):  # a reset past it: still 202, nothing sent
        assert (
            from_address("10.0.0.4").post("/auth/password-reset", {"phone": demo.young_learner.phone}).status_code
            == 202
        )
    assert [to for to, _ in sms_outbox] == [NEW, demo.elder_learner.phone]


def test_old_counters_are_removed_when_a_new_window_opens(db):
    SmsCodeCounter.objects.create(key="site", window_start=timezone.now() - timedelta(days=3), count=9)
    ApiClient().post("/auth/signup/code", {"phone": NEW})
    assert not SmsCodeCounter.objects.filter(window_start__lt=timezone.now() - timedelta(days=2)).exists()


# --- 5. Codes per purpose, and a staff member's own code --------------------------------------


def test_a_stranger_using_up_a_staff_numbers_day_cannot_block_their_two_factor_set_up(demo, sms_outbox):
    staff = demo.village_admin
    for _ in range(codes.MESSAGES_PER_DAY):
        codes.quota_take(phone=staff.phone)  # what five public requests for the number count
        a_minute_passes()
    with pytest.raises(codes.TooManyCodes):
        codes.quota_take(phone=staff.phone)
    assert services.enrolment_code_send(user=staff) is True
    assert [to for to, _ in sms_outbox] == [staff.phone]


def test_a_reset_code_does_not_replace_a_live_two_factor_code(demo, sms_outbox):
    """One live code per number and purpose (codes.py says why not one per number)."""
    staff = demo.village_admin
    services.enrolment_code_send(user=staff)
    two_factor = re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)
    a_minute_passes()
    tasks.password_reset_code_deliver(phone=staff.phone)
    assert codes.code_check(phone=staff.phone, purpose=CodePurpose.TWO_FACTOR, code=two_factor)
