"""Checking in at the venue on a phone that is not signed in: the venue's code leads to the
sign-in page, and after signing in the learner confirms and is checked in (the code they
carried, a sign-in grace code, outlasts the screen's 90 seconds but no more than ten minutes)."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifelong.activities import checkin, services
from lifelong.activities.models import Attendance, Session
from lifelong.testkit.browser import PHONE_VIEWPORT, sign_in_form_send
from lifelong.testkit.personas import Personas

from .helpers import published_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def under_way(county) -> tuple[Personas, Session]:
    demo = county
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
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"/checkin/{session.pk}/?{urlencode({'t': checkin.checkin_token(session=session)})}")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    sign_in_form_send(page, demo.elder_learner.phone, demo.password)
    expect(page).to_have_url(re.compile(rf"/checkin/{session.pk}/\?t="))
    page.get_by_test_id("checkin-confirm").click()
    expect(page.get_by_test_id("checkin-done")).to_be_visible()
    assert Attendance.objects.get(session=session, learner=demo.elder_learner).method == "qr"


def test_a_forwarded_sign_in_link_gives_no_new_code(under_way, page):
    """The sign-in page's address holds the grace code; opened again signed out (sent on to
    someone at home), it is no venue code: the sign-in page says so and carries no code."""
    _, session = under_way
    page.set_viewport_size(PHONE_VIEWPORT)
    grace = checkin.sign_in_grace_token(session=session, token=checkin.checkin_token(session=session))
    page.goto(f"/checkin/{session.pk}/?{urlencode({'t': grace})}")
    expect(page.get_by_text("签到码已失效，请重新扫描屏幕上的二维码。")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=.*t%3D$"))
