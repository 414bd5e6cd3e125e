"""Contract tests of the Alibaba Cloud SMS backend against a local fake of the provider's API
(sms_fake_aliyun.py), which checks each request with its own implementation of the documented
signature."""

import http.client
import json
import logging
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from lifelong.notifications import sms
from lifelong.notifications.models import Notification, SmsMessage, SmsStatus
from lifelong.notifications.sms import (
    AliyunSmsBackend,
    SmsOutcomeUnknown,
    SmsRejected,
    SmsUnavailable,
    aliyun_signature,
    phone_digest,
    send_sms,
)
from lifelong.notifications.tests import sms_fake_aliyun as fake_api

PHONE = "13912345678"

# The worked example of the SMS documentation's "HTTP protocol and signature" page
# (https://help.aliyun.com/document_detail/56189.html): AccessKeySecret "testSecret".
SMS_DOC_PARAMS = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}
SMS_DOC_SIGNATURE = "zJDF+Lrzhj/ThnlvIToysFRq6t4="
# The RPC signature documentation's example (ECS DescribeRegions), AccessKeySecret "testsecret".
RPC_DOC_PARAMS = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}
RPC_DOC_SIGNATURE = "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


@pytest.mark.parametrize(
    ("params", "secret", "signature"),
    [(SMS_DOC_PARAMS, "testSecret", SMS_DOC_SIGNATURE), (RPC_DOC_PARAMS, "testsecret", RPC_DOC_SIGNATURE)],
)
def test_the_signature_matches_the_providers_published_examples(params, secret, signature):
    assert aliyun_signature(params, secret) == signature
    # The fake's own implementation agrees, so it can judge the backend's requests.
    assert fake_api.pop_signature("GET", params, secret) == signature
    assert aliyun_signature(params, secret + "x") != signature


def test_the_encoding_is_the_documented_one_not_form_encoding():
    assert sms.aliyun_percent_encode("a b*c~d/e+f") == "a%20b%2Ac~d%2Fe%2Bf"
    assert sms.aliyun_percent_encode("派") == "%E6%B4%BE"


@pytest.fixture
def fake():
    with fake_api.FakeAliyunSms() as server:
        yield server


@pytest.fixture
def aliyun(settings, fake):
    fake_api.settings_use(settings, fake)
    settings.SMS_ALIYUN_CONNECT_TIMEOUT = 2.0
    settings.SMS_ALIYUN_READ_TIMEOUT = 0.3
    return fake


def test_a_code_goes_out_signed_with_its_template_and_parameters(db, aliyun):
    send_sms(PHONE, "Your code is 123456", template="code", params={"code": "123456"})
    [request] = aliyun.accepted
    assert request["PhoneNumbers"] == PHONE
    assert request["SignName"] == "海盐终身学习"
    assert request["TemplateCode"] == "SMS_900002"
    assert json.loads(request["TemplateParam"]) == {"code": "123456"}
    assert request["Format"] == "JSON" and request["Version"] == "2017-05-25"
    message = SmsMessage.objects.get()
    assert request["OutId"] == message.out_id
    assert message.status == SmsStatus.SENT and message.biz_id.endswith("^0") and message.sent_at
    assert message.template == "code" and message.provider == "aliyun"
    assert message.phone_masked == "139****5678" and message.phone_digest == phone_digest(PHONE)
    stored = json.dumps(list(SmsMessage.objects.values()), default=str)
    assert PHONE not in stored  # the number itself is nowhere in the record


def test_a_caller_that_passes_only_text_sends_it_as_a_notice_named_by_that_text(db, aliyun):
    send_sms(PHONE, "明天上午九点开课")
    send_sms(PHONE, "明天上午九点开课", template="notice", params={"text": "明天上午九点开课"})
    for request in aliyun.accepted:
        assert request["TemplateCode"] == "SMS_900001"
        params = json.loads(request["TemplateParam"])
        assert set(params) == {"kind", "title"} and params["title"] == "明天上午九点开课"
    assert len(aliyun.accepted) == 2


def test_each_request_has_a_fresh_nonce_and_the_fake_refuses_a_replay(db, aliyun):
    send_sms(PHONE, "one")
    send_sms(PHONE, "two")
    first, second = aliyun.accepted
    assert first["SignatureNonce"] != second["SignatureNonce"]
    replay = "&".join(f"{sms.aliyun_percent_encode(k)}={sms.aliyun_percent_encode(v)}" for k, v in first.items())
    connection = http.client.HTTPConnection("127.0.0.1", int(aliyun.endpoint.rsplit(":", 1)[1].strip("/")))
    connection.request("GET", "/?" + replay)
    assert json.loads(connection.getresponse().read())["Code"] == "SignatureNonceUsed"


def test_a_wrong_secret_is_refused_by_the_provider_and_recorded(db, aliyun, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsRejected) as raised:
        send_sms(PHONE, "hello")
    assert raised.value.code == "SignatureDoesNotMatch"
    assert aliyun.received and not aliyun.accepted
    message = SmsMessage.objects.get()
    assert (message.status, message.error_code) == (SmsStatus.FAILED, "SignatureDoesNotMatch")


@pytest.mark.parametrize(
    ("phone", "code"), [("13900000099", "isv.BUSINESS_LIMIT_CONTROL"), ("1390000", "isv.MOBILE_NUMBER_ILLEGAL")]
)
def test_a_refused_message_raises_the_providers_code_without_the_number(db, aliyun, caplog, phone, code):
    with caplog.at_level(logging.INFO), pytest.raises(SmsRejected) as raised:
        send_sms(phone, "hello")
    assert raised.value.code == code
    assert raised.value.request_id
    assert phone not in str(raised.value)
    assert phone not in caplog.text and code in caplog.text
    message = SmsMessage.objects.get()
    assert (message.status, message.error_code, message.biz_id) == (SmsStatus.FAILED, code, "")


def test_a_template_the_provider_does_not_know_is_refused(db, aliyun, settings):
    settings.SMS_ALIYUN_TEMPLATES = {**fake_api.TEMPLATES, "notice": "SMS_000000"}
    with pytest.raises(SmsRejected) as raised:
        send_sms(PHONE, "hello")
    assert raised.value.code == "isv.SMS_TEMPLATE_ILLEGAL"


def test_a_message_kind_without_a_provider_template_sends_nothing(db, aliyun):
    with pytest.raises(SmsRejected) as raised:
        send_sms(PHONE, "hello", template="marketing", params={"text": "hello"})
    assert raised.value.code == "template_not_configured"
    assert aliyun.received == [] and not SmsMessage.objects.exists()


def test_no_answer_in_time_is_an_unknown_outcome_and_is_not_sent_again(db, aliyun):
    aliyun.mode = "slow"
    with pytest.raises(SmsOutcomeUnknown) as raised:
        send_sms(PHONE, "hello")
    assert raised.value.code == "timeout"
    assert len(aliyun.received) == 1  # no retry: the provider may have sent it
    message = SmsMessage.objects.get()
    assert (message.status, message.error_code) == (SmsStatus.UNKNOWN, "timeout")


def test_a_reply_that_is_not_the_providers_is_an_unknown_outcome(db, aliyun):
    aliyun.mode = "garbage"
    with pytest.raises(SmsOutcomeUnknown) as raised:
        send_sms(PHONE, "hello")
    assert raised.value.code == "bad_response"
    assert SmsMessage.objects.get().status == SmsStatus.UNKNOWN


def test_an_unreachable_provider_fails_cleanly(db, aliyun, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_ALIYUN_ENDPOINT = f"http://127.0.0.1:{port}/"
    with pytest.raises(SmsUnavailable) as raised:
        send_sms(PHONE, "hello")
    assert raised.value.code == "unreachable"
    message = SmsMessage.objects.get()
    assert (message.status, message.error_code) == (SmsStatus.FAILED, "unreachable")


def test_a_connection_refused_once_is_tried_again_and_sends_once(db, aliyun, monkeypatch):
    real_connect = http.client.HTTPConnection.connect
    attempts = []

    def flaky_connect(connection):
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionRefusedError("refused")
        return real_connect(connection)

    monkeypatch.setattr(http.client.HTTPConnection, "connect", flaky_connect)
    send_sms(PHONE, "hello")
    assert len(attempts) == 2
    assert len(aliyun.received) == 1 and len(aliyun.accepted) == 1
    assert SmsMessage.objects.get().status == SmsStatus.SENT


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("SMS_ALIYUN_ACCESS_KEY_ID", "SMS_ALIYUN_ACCESS_KEY_ID"),
        ("SMS_ALIYUN_ACCESS_KEY_SECRET", "SMS_ALIYUN_ACCESS_KEY_SECRET"),
        ("SMS_ALIYUN_SIGN_NAME", "SMS_ALIYUN_SIGN_NAME"),
        ("SMS_ALIYUN_ENDPOINT", "SMS_ALIYUN_ENDPOINT"),
    ],
)
def test_the_backend_refuses_to_start_without_its_configuration(aliyun, settings, missing, named):
    setattr(settings, missing, "")
    with pytest.raises(ImproperlyConfigured, match=named):
        AliyunSmsBackend()


@pytest.mark.parametrize("kind", ["notice", "code", "account_exists", "welcome"])
def test_the_backend_needs_a_template_for_every_message_kind(aliyun, settings, kind):
    settings.SMS_ALIYUN_TEMPLATES = {name: code for name, code in fake_api.TEMPLATES.items() if name != kind}
    with pytest.raises(ImproperlyConfigured, match=f"must map {kind} to"):
        AliyunSmsBackend()


# --- Messages with their own wording: the instructions are in the approved template -------------


def test_sign_up_with_a_registered_number_sends_the_account_exists_template_without_variables(demo, aliyun):
    from lifelong.accounts import self_service

    self_service.signup_code_send(phone=demo.young_learner.phone)
    [request] = aliyun.accepted
    assert request["PhoneNumbers"] == demo.young_learner.phone
    assert request["TemplateCode"] == fake_api.TEMPLATES["account_exists"] == "SMS_900004"
    # No variables: the template's own text says the number has an account and how to reset.
    assert "TemplateParam" not in request
    message = SmsMessage.objects.get()
    assert (message.template, message.status) == ("account_exists", SmsStatus.SENT)


def test_a_code_sent_through_the_gateway_is_in_no_log_line(demo, aliyun, caplog, django_capture_on_commit_callbacks):
    """Production's path for a reset code: the gateway's own lines name the message by its
    masked number, never the number or the code."""
    from lifelong.accounts import self_service

    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        self_service.password_reset_request(phone=demo.elder_learner.phone)
    [request] = aliyun.accepted
    code = json.loads(request["TemplateParam"])["code"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "139****0005" in logged  # the gateway logged the message
    assert code not in logged and demo.elder_learner.phone not in logged


def test_sign_up_with_a_new_number_still_sends_the_code_template(db, aliyun):
    from lifelong.accounts import self_service

    self_service.signup_code_send(phone="13712345670")
    [request] = aliyun.accepted
    assert request["TemplateCode"] == "SMS_900002"
    assert set(json.loads(request["TemplateParam"])) == {"code"}


def test_a_learner_registered_by_staff_gets_the_welcome_template_with_their_name(demo, aliyun):
    from lifelong.accounts.tasks import learner_welcome_sms

    learner = demo.young_learner
    learner_welcome_sms.call(learner.pk)
    [request] = aliyun.accepted
    assert request["PhoneNumbers"] == learner.phone
    assert request["TemplateCode"] == fake_api.TEMPLATES["welcome"] == "SMS_900005"
    assert json.loads(request["TemplateParam"]) == {"name": learner.name}
    assert SmsMessage.objects.get().template == "welcome"


def test_a_long_name_in_the_welcome_is_cut_within_the_providers_limit(demo, aliyun):
    from lifelong.accounts.tasks import learner_welcome_sms

    learner = demo.young_learner
    learner.name = "欧阳" + "字" * 40
    learner.save(update_fields=["name"])
    learner_welcome_sms.call(learner.pk)
    [request] = aliyun.accepted
    assert json.loads(request["TemplateParam"]) == {"name": "欧阳" + "字" * 32 + "…"}


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("account_exists", {"text": "this number already has an account"}),  # the old notice form
        ("account_exists", {"name": "王"}),
        ("welcome", {}),
        ("welcome", {"kind": "通知", "title": "王"}),
    ],
)
def test_parameters_that_do_not_fit_a_kinds_own_template_are_recorded_as_failed_and_not_sent(
    db, aliyun, template, params
):
    with pytest.raises(SmsRejected) as raised:
        send_sms(PHONE, "hello", template=template, params=params)
    assert raised.value.code == "template_params_mismatch"
    assert aliyun.received == []
    assert SmsMessage.objects.get().status == SmsStatus.FAILED


def test_the_file_backend_writes_the_whole_text_of_a_kinds_own_message(demo, settings, tmp_path):
    from lifelong.accounts import self_service
    from lifelong.accounts.tasks import learner_welcome_sms

    settings.SMS_BACKEND = "lifelong.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    self_service.signup_code_send(phone=demo.young_learner.phone)
    learner_welcome_sms.call(demo.elder_learner.pk)
    [outbox] = (tmp_path / "sms").iterdir()
    written = outbox.read_text(encoding="utf-8")
    assert "/accounts/password-reset/" in written  # the account_exists text, with its address
    assert demo.elder_learner.name in written and demo.elder_learner.phone in written


# --- Notices: the in-app copy stays whatever the gateway says -----------------------------------


def _deliver_a_notice(demo):
    from lifelong.notifications.delivery import deliver

    # A kind about no activity, team or article (it loads nothing), so only its words are faked.
    return deliver(kind="residence_ok", activity_id=None, subject_ids=[demo.young_learner.pk], event="t", params={})


@pytest.fixture
def notice_renders(monkeypatch):
    """A notice kind's text, whatever its app's notices module says today."""
    from lifelong.notifications import delivery

    monkeypatch.setattr(delivery, "render", lambda kind, **kw: ("活动时间改为周三上午", "/me/notices/"))


def test_a_notice_goes_out_as_the_notice_template_and_is_linked_to_its_message(demo, aliyun, notice_renders):
    [notice] = _deliver_a_notice(demo)
    [request] = aliyun.accepted
    # No "[Lifelong]" in front: the provider's signature brands the message. A notice about no
    # activity, team or article is named by its kind alone.
    label = notice.kind_label
    assert json.loads(request["TemplateParam"]) == {"kind": label, "title": label}
    assert request["PhoneNumbers"] == demo.young_learner.phone
    message = SmsMessage.objects.get()
    assert message.notification_id == notice.pk and message.status == SmsStatus.SENT
    assert message.template == "notice.residence_ok"
    assert Notification.objects.get(pk=notice.pk).sms_sent_at is not None


def test_a_provider_refusal_leaves_the_notice_in_the_app(demo, aliyun, notice_renders, settings):
    settings.SMS_ALIYUN_TEMPLATES = {**fake_api.TEMPLATES, "notice": "SMS_000000"}
    [notice] = _deliver_a_notice(demo)
    stored = Notification.objects.get(pk=notice.pk)
    assert stored.text == "活动时间改为周三上午" and stored.sms_sent_at is None
    message = SmsMessage.objects.get()
    assert (message.notification_id, message.status, message.error_code) == (
        notice.pk,
        SmsStatus.FAILED,
        "isv.SMS_TEMPLATE_ILLEGAL",
    )


# --- Notices within the provider's limits: a short kind and title, never the whole text ----------


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


LONG_TITLE = "海盐县老年大学二零二七年春季学期智能手机使用与防范电信诈骗系列课程第一讲"  # 37 characters


def _registered(demo, on_commit, **fields):
    from lifelong.activities import services
    from lifelong.activities.tests.helpers import new_learner, published_activity

    activity = published_activity(demo, capacity=5, **fields)
    learner = new_learner(demo)
    with on_commit():
        services.registration_create(actor=learner, activity=activity, learner=learner)
    return activity, learner


def test_an_organizers_long_message_reaches_the_provider_as_kind_and_title_within_its_limits(demo, aliyun, on_commit):
    from lifelong.activities import participants

    activity, learner = _registered(demo, on_commit, title=LONG_TITLE)
    words = "明天的课改到文化礼堂三楼，请带好老年证和笔记本，九点前到。" * 10  # 300 characters
    with on_commit():
        participants.activity_message_send(
            actor=demo.organizer, activity=activity, text=words, include_waitlisted=False
        )
    notice = Notification.objects.get(recipient=learner, kind="organizer_msg")
    message = SmsMessage.objects.get(notification=notice)
    assert (message.status, message.error_code) == (SmsStatus.SENT, ""), message.error_code
    request = next(r for r in aliyun.accepted if r["OutId"] == message.out_id)
    params = json.loads(request["TemplateParam"])
    assert params["kind"] == notice.kind_label
    assert params["title"] == LONG_TITLE[:34] + "…" and len(params["title"]) == 35
    assert words in notice.text  # the whole message stays in the app
    assert Notification.objects.get(pk=notice.pk).sms_sent_at is not None


def test_a_kind_with_its_own_template_uses_it_and_the_others_fall_back_to_notice(demo, aliyun, settings, on_commit):
    settings.SMS_ALIYUN_TEMPLATES = {**fake_api.TEMPLATES, "notice.confirmed": "SMS_900003"}
    _registered(demo, on_commit)
    send_sms(PHONE, "text", template="notice.reminder", params={"kind": "提醒", "title": "太极入门"})
    codes = {
        m.template: r["TemplateCode"]
        for m in SmsMessage.objects.all()
        for r in aliyun.accepted
        if r["OutId"] == m.out_id
    }
    assert codes == {"notice.confirmed": "SMS_900003", "notice.reminder": "SMS_900001"}
    assert SmsMessage.objects.filter(status=SmsStatus.SENT).count() == 2


def test_notice_parameters_that_do_not_fit_the_template_are_recorded_as_failed_and_not_sent(db, aliyun):
    with pytest.raises(SmsRejected) as raised:
        send_sms(PHONE, "hello", template="notice", params={"kind": "提醒", "text": "hello"})
    assert raised.value.code == "template_params_mismatch"
    assert aliyun.received == []
    message = SmsMessage.objects.get()
    assert (message.status, message.error_code) == (SmsStatus.FAILED, "template_params_mismatch")


def test_the_fake_refuses_a_parameter_over_35_characters_as_the_provider_does(db, aliyun):
    """The control for the cut: a value of 36 characters sent as is gets isv.PARAM_LENGTH_LIMIT."""
    backend = AliyunSmsBackend()
    with pytest.raises(SmsRejected) as raised:
        backend._send_sms(PHONE, "SMS_900001", {"kind": "通知", "title": "字" * 36}, "out-1")
    assert raised.value.code == "isv.PARAM_LENGTH_LIMIT"
    backend._send_sms(PHONE, "SMS_900001", {"kind": "通知", "title": "字" * 35}, "out-2")


@pytest.mark.parametrize(
    ("value", "cut"),
    [
        ("太极入门", "太极入门"),
        ("字" * 35, "字" * 35),
        ("字" * 36, "字" * 34 + "…"),
        ("第一行\n第二行", "第一行 第二行"),
        ("a" * 33 + "e\u0301" + "b", "a" * 33 + "é" + "b"),  # NFC: e + accent is one character
        ("a" * 33 + "q\u0301\u0302" + "b", "a" * 33 + "…"),  # no composed form: the cut takes all of it
        ("a" * 32 + "\U0001f469\u200d\U0001f4bb" + "bb", "a" * 32 + "…"),  # one emoji of three code points
        ("a" * 33 + "\u2764\ufe0f" + "bb", "a" * 33 + "…"),  # a heart and its emoji-form selector
    ],
)
def test_a_parameter_is_cut_to_the_limit_by_characters_never_inside_one(value, cut):
    assert sms.cut_param(value) == cut
    assert len(sms.cut_param(value)) <= sms.ALIYUN_PARAM_MAX_CHARS


def test_the_configuration_may_name_templates_only_for_kinds_this_site_has(aliyun, settings):
    settings.SMS_ALIYUN_TEMPLATES = {**fake_api.TEMPLATES, "notice.reminder": "SMS_900003"}
    AliyunSmsBackend()
    settings.SMS_ALIYUN_TEMPLATES = {**fake_api.TEMPLATES, "notice.remindr": "SMS_900003"}
    with pytest.raises(ImproperlyConfigured, match="notice.remindr"):
        AliyunSmsBackend()


def test_the_file_backend_still_writes_a_notices_whole_text(demo, settings, tmp_path, on_commit):
    from lifelong.activities import participants

    settings.SMS_BACKEND = "lifelong.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    activity, learner = _registered(demo, on_commit)
    words = "明天的课改到文化礼堂三楼，请带好老年证和笔记本，九点前到。" * 10
    with on_commit():
        participants.activity_message_send(
            actor=demo.organizer, activity=activity, text=words, include_waitlisted=False
        )
    [outbox] = (tmp_path / "sms").iterdir()
    assert words in outbox.read_text(encoding="utf-8")
