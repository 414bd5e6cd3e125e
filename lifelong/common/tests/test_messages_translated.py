"""Messages that reached Chinese users in English (issue 13: "English messages inside the
Chinese UI"): Django's short-password rule, the API's unknown certificate, django-ninja's own
answers to a body that is not JSON and to a missing sign-in. Asked in Chinese, each answers in
Chinese, in the API's `{"detail", "code"}` contract where it is the API."""

import re

from django.test import Client

from lifelong.activities.tests.helpers import new_learner
from lifelong.testkit.api import ApiClient

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def chinese(text: str, *, quoted: str = "") -> bool:
    """Chinese words, and no English word left (`quoted` is what the person sent, echoed)."""
    text = text.replace(quoted, "").replace("JSON", "") if quoted else text.replace("JSON", "")
    return bool(HAN.search(text)) and not re.search(r"[A-Za-z]{3,}", text)


def test_a_short_new_password_is_refused_in_chinese(demo):
    learner = new_learner(demo)
    client = Client(**ZH)
    client.force_login(learner)
    page = client.post(
        "/accounts/password/",
        {"current_password": "learner-pass-1", "new_password": "ab1", "confirm_password": "ab1"},
    ).content.decode()
    assert "too short" not in page
    assert "太短" in page and "8" in page


def test_the_password_rule_still_speaks_english_to_english_readers(demo):
    learner = new_learner(demo, preferred_language="en")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(learner)
    client.cookies["django_language"] = "en"
    page = client.post(
        "/accounts/password/",
        {"current_password": "learner-pass-1", "new_password": "ab1", "confirm_password": "ab1"},
    ).content.decode()
    assert "This password is too short. It must contain at least 8 characters." in page


def test_an_unknown_certificate_is_answered_in_chinese(demo):
    answer = Client().get("/api/v1/certificates/LL-2026-NOPE", **ZH)
    assert answer.status_code == 404
    body = answer.json()
    assert body["code"] == "unknown_certificate" and chinese(body["detail"], quoted="LL-2026-NOPE")
    assert "LL-2026-NOPE" in body["detail"]


def test_a_body_that_is_not_json_is_answered_in_chinese(demo):
    api = ApiClient(demo.young_learner)
    answer = api.client.post(
        "/api/v1/me/notifications/read", "{not json", content_type="application/json", headers=api.headers, **ZH
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid_json" and chinese(body["detail"])
    assert "parse" not in body["detail"]


def test_a_missing_sign_in_is_answered_in_chinese(demo):
    answer = Client().get("/api/v1/me/registrations", **ZH)
    assert answer.status_code == 401
    body = answer.json()
    assert body == {"detail": "请先登录。", "code": "not_authenticated"}


def test_an_unknown_api_path_is_answered_in_chinese(demo):
    answer = Client().get("/api/v1/no-such-thing", **ZH)
    assert answer.status_code == 404 and answer.json() == {"detail": "未找到。", "code": "not_found"}


def test_the_same_answers_stay_english_for_english_readers(demo):
    answer = Client().get("/api/v1/me/registrations", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.json() == {"detail": "Sign in first.", "code": "not_authenticated"}
