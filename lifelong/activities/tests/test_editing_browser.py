"""The organizer's edit in a real browser, on a phone: more seats and a new time for a class
with a waitlist. Every registered and waiting learner is told once, the first on the waitlist
gets the new seat, and the page says so."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifelong.activities import services
from lifelong.activities.models import Registration
from lifelong.notifications.models import Notification
from lifelong.testkit.browser import PHONE_VIEWPORT, elder_mode_on, sign_in

from .helpers import assert_counters_match, new_learner, published_activity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_staff_two_factor"),  # two-factor has its own browser test
]


def test_an_organizer_adds_a_seat_and_moves_the_session_learners_are_told_and_the_waitlist_moves_up(county, page):
    activity = published_activity(county, title="书法提高班", capacity=2)
    holders, waiting = [], []
    for n in range(4):
        learner = new_learner(county, name=f"学员{n}")
        registration = services.registration_create(actor=learner, activity=activity, learner=learner)
        (holders if n < 2 else waiting).append(registration)
    assert [r.status for r in waiting] == ["waitlisted", "waitlisted"]
    session = activity.sessions.get()
    later = timezone.localtime(session.starts_at + timedelta(days=1)).replace(second=0, microsecond=0)

    page.set_viewport_size(PHONE_VIEWPORT)
    sign_in(page, "13900000004")  # the demo organizer of the Tongyuan community school
    page.goto(f"/console/activities/{activity.pk}/")
    elder_mode_on(page)
    page.get_by_test_id("edit-content").click()
    expect(page.get_by_test_id("activity-edit-form")).to_be_visible()

    page.locator("#id_capacity").fill("3")
    page.locator("#id_sessions-0-starts_at").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_sessions-0-ends_at").fill((later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    save = page.get_by_test_id("save-activity")
    box = save.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48  # full size in elder mode
    save.click()

    expect(page).to_have_url(f"{page.url.split('/console/')[0]}/console/activities/{activity.pk}/")
    result = page.locator(".messages")
    expect(result).to_contain_text("4")  # learners told
    expect(page.get_by_test_id("stat-seats-left")).to_contain_text("0")

    # The first on the waitlist has the new seat; the second still waits.
    assert Registration.objects.get(pk=waiting[0].pk).status == "confirmed"
    assert Registration.objects.get(pk=waiting[1].pk).status == "waitlisted"
    assert_counters_match(activity)
    # One notice of the new time for each of the four, the waiting one included.
    told = Notification.objects.filter(kind="changed", activity=activity)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(r.learner_id for r in holders + waiting)
    assert later.strftime("%Y-%m-%d %H:%M") in told.first().text
    assert Notification.objects.filter(kind="promoted", recipient_id=waiting[0].learner_id).count() == 1
