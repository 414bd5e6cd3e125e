"""Checking in at the venue on a phone that is not signed in: the venue's code leads to the
sign-in page, and after signing in the learner confirms and is checked in (the code they
carried, a sign-in grace code, outlasts the screen's 90 seconds but no more than ten minutes)."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import Personas
from lifelong.activities import checkin, services
from lifelong.activities.models import Attendance, Session
from lifelong.common.demo.load import demo_county_load

from .helpers import published_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def under_way(transactional_db) -> tuple[Personas, Session]:
    demo_county_load(with_activities=False)
    demo = Personas()
    activity = published_activity(demo, title="智能手机课")
    session = activity.sessions.get()
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    return demo, session


@pytest.mark.parametrize("elder", [False, True])
def test_a_signed_out_learner_scans_signs_in_and_is_checked_in(under_way, page, live_server, elder):
    demo, session = under_way
    page.context.add_cookies([{"name": "elder_mode", "value": "1" if elder else "0", "url": live_server.url}])
    page.set_viewport_size(PHONE)
    page.goto(f"/checkin/{session.pk}/?{urlencode({'t': checkin.checkin_token(session=session)})}")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("手机号码").fill(demo.elder_learner.phone)
    page.get_by_label("密码").fill(demo.password)
    page.locator("#main").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(rf"/checkin/{session.pk}/\?t="))
    page.get_by_test_id("checkin-confirm").click()
    expect(page.get_by_test_id("checkin-done")).to_be_visible()
    assert Attendance.objects.get(session=session, learner=demo.elder_learner).method == "qr"


def test_a_forwarded_sign_in_link_gives_no_new_code(under_way, page):
    """The sign-in page's address holds the grace code; opened again signed out (sent on to
    someone at home), it is no venue code: the sign-in page says so and carries no code."""
    _, session = under_way
    page.set_viewport_size(PHONE)
    grace = checkin.sign_in_grace_token(session=session, token=checkin.checkin_token(session=session))
    page.goto(f"/checkin/{session.pk}/?{urlencode({'t': grace})}")
    expect(page.get_by_text("签到码已失效，请重新扫描屏幕上的二维码。")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=.*t%3D$"))
