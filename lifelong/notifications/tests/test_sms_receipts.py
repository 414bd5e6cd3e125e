"""Delivery receipts pushed by the SMS provider (lifelong/notifications/receipts.py)."""

import json

import pytest

from lifelong.notifications.models import SmsMessage, SmsStatus
from lifelong.notifications.sms import phone_digest, send_sms
from lifelong.notifications.tests import sms_fake_aliyun as fake_api

TOKEN = "r" * 16 + "8f3Kq9Zt2LmW7xYb"
URL = f"/sms/receipts/{TOKEN}/"


@pytest.fixture
def receipts(settings):
    settings.SMS_RECEIPT_TOKEN = TOKEN


def sent_message(**fields) -> SmsMessage:
    values = {
        "provider": "aliyun",
        "template": "code",
        "phone_digest": phone_digest("13912345678"),
        "phone_masked": "139****5678",
        "out_id": "a1b2c3d4e5f60718",
        "biz_id": "123456789012345678^0",
        "status": SmsStatus.SENT,
    }
    return SmsMessage.objects.create(**{**values, **fields})


def receipt(**fields) -> dict:
    return {
        "phone_number": "13912345678",
        "send_time": "2026-12-07 10:00:00",
        "report_time": "2026-12-07 10:00:05",
        "success": True,
        "err_code": "DELIVERED",
        "err_msg": "用户接收成功",
        "sms_size": "1",
        "biz_id": "123456789012345678^0",
        "out_id": "a1b2c3d4e5f60718",
        **fields,
    }


def post(client, body, url=URL):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    return client.post(url, data=data, content_type="application/json")


def test_a_delivered_receipt_marks_the_message_delivered_and_answers_as_the_provider_expects(db, client, receipts):
    message = sent_message()
    response = post(client, [receipt()])
    assert response.status_code == 200
    assert response.json() == {"code": 0, "msg": "接收成功"}
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED and message.error_code == ""
    assert message.reported_at.isoformat() == "2026-12-07T02:00:05+00:00"  # Beijing time, stored in UTC


def test_a_failed_receipt_records_the_carriers_code(db, client, receipts):
    message = sent_message()
    post(client, [receipt(success=False, err_code="MK:0001", err_msg="用户关机")])
    message.refresh_from_db()
    assert (message.status, message.error_code) == (SmsStatus.FAILED, "MK:0001")


def test_a_send_that_timed_out_is_settled_by_its_receipt_through_our_out_id(db, client, receipts):
    message = sent_message(biz_id="", status=SmsStatus.UNKNOWN, error_code="timeout")
    post(client, [receipt(biz_id="998877665544332211^0")])
    message.refresh_from_db()
    assert (message.status, message.biz_id, message.error_code) == (SmsStatus.DELIVERED, "998877665544332211^0", "")


def test_a_batch_updates_each_of_its_messages_and_ignores_unknown_ones(db, client, receipts):
    first = sent_message()
    second = sent_message(out_id="ffff000011112222", biz_id="222^0")
    stranger = receipt(biz_id="not-ours^0", out_id="not-ours")
    response = post(
        client, [receipt(), receipt(biz_id="222^0", out_id="", success=False, err_code="MN:0017"), stranger]
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SmsStatus.DELIVERED
    assert (second.status, second.error_code) == (SmsStatus.FAILED, "MN:0017")


def test_a_repeated_or_older_receipt_does_not_undo_a_newer_one(db, client, receipts):
    message = sent_message()
    post(client, [receipt(report_time="2026-12-07 10:05:00", success=False, err_code="MK:0001")])
    post(client, [receipt(report_time="2026-12-07 10:00:05")])  # pushed again late, older news
    message.refresh_from_db()
    assert (message.status, message.error_code) == (SmsStatus.FAILED, "MK:0001")


def test_a_receipt_never_matches_on_an_empty_reference(db, client, receipts):
    waiting = sent_message(biz_id="", status=SmsStatus.UNKNOWN)
    post(client, [receipt(biz_id="", out_id="someone-elses")])
    waiting.refresh_from_db()
    assert waiting.status == SmsStatus.UNKNOWN


@pytest.mark.parametrize(
    "url",
    [
        "/sms/receipts/not-the-token/",
        f"/sms/receipts/{TOKEN[:-1]}/",
        f"/sms/receipts/{TOKEN}x/",
    ],
)
def test_a_wrong_token_answers_404_and_changes_nothing(db, client, receipts, url):
    message = sent_message()
    assert post(client, [receipt()], url=url).status_code == 404
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


def test_without_a_configured_token_the_address_does_not_exist(db, client, settings):
    settings.SMS_RECEIPT_TOKEN = ""
    message = sent_message()
    assert post(client, [receipt()]).status_code == 404
    assert post(client, [receipt()], url="/sms/receipts/%20/").status_code == 404
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


def test_only_post_is_accepted(db, client, receipts):
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize("body", [b"[{", b"\xff\xfe not utf-8", ""])
def test_a_body_that_is_not_json_gets_400_with_a_code(db, client, receipts, body):
    message = sent_message()
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json" and response.json()["detail"]
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


@pytest.mark.parametrize(
    "body",
    [
        {"biz_id": "123456789012345678^0", "success": True},  # an object, not a list
        [],
        ["DELIVERED"],
        [{"biz_id": "123456789012345678^0", "success": "true"}],  # success must be a boolean
        [{"success": True}],  # no reference at all
        [{"biz_id": 123, "success": True}],
    ],
)
def test_a_malformed_batch_gets_400_and_records_none_of_it(db, client, receipts, body):
    message = sent_message()
    batch = body if not isinstance(body, list) or not body else [receipt(), *body]  # a good one first
    response = post(client, batch)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_receipt"
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.reported_at is None


def test_a_message_sent_through_the_fake_provider_is_delivered_by_its_receipt(db, client, receipts, settings):
    with fake_api.FakeAliyunSms() as fake:
        fake_api.settings_use(settings, fake)
        send_sms("13912345678", "Your code is 123456", template="code", params={"code": "123456"})
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SENT
    post(client, [receipt(biz_id=message.biz_id, out_id=fake.accepted[0]["OutId"])])
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED
