"""The notices page: one row per notice with an icon by its kind; unread said in words."""

import re

from django.test import Client
from django.utils import timezone

from lifelong.activities import notices as activity_notices
from lifelong.activities.tests.helpers import new_learner
from lifelong.notifications.models import Notification


def rows(html: str) -> list[str]:
    return re.findall(r'<li class="ll-notice[^"]*" data-kind="[^"]+">.*?</li>', html, re.S)


def test_each_notice_shows_its_kind_and_unread_ones_say_so_in_words(demo):
    learner = new_learner(demo)
    text = "您已取消“太极入门”的报名。"
    Notification.objects.create(recipient=learner, kind="reg_cancelled", text=text, dedupe_key="a")
    Notification.objects.create(
        recipient=learner, kind="confirmed", text="您已报名“书法班”。", dedupe_key="b", read_at=timezone.now()
    )
    client = Client()
    client.force_login(learner)
    html = client.get("/me/notices/").content.decode()
    unread, read = sorted(rows(html), key=lambda row: "书法班" in row)
    assert "#circle-x" in unread and "#circle-check" in read  # an icon by kind
    assert 'class="ll-notice__new"' in unread and ("新" in unread or "New" in unread)  # not colour alone
    assert "ll-notice__new" not in read
    assert str(activity_notices.REGISTRATION_CANCELLED.label) in unread and "<time datetime=" in unread


def test_no_notices_is_an_empty_state_that_says_what_will_come(demo):
    client = Client()
    client.force_login(new_learner(demo))
    html = client.get("/me/notices/").content.decode()
    assert 'class="ll-empty"' in html and 'data-testid="notices"' in html
