"""An elder learner on a cheap phone, in elder mode: registers from the activity page, then
cancels through the confirmation dialog, and each time the keyboard focus lands on what
happened (a screen reader reads it out at once)."""

import re

import pytest
from playwright.sync_api import expect

from lifelong.activities.models import Activity, Registration
from lifelong.activities.tests.helpers import published_activity
from lifelong.testkit.browser import PHONE_VIEWPORT, elder_mode_on, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_text(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.innerText : ''")


def test_an_elder_registers_and_cancels_through_the_dialog_with_focus_on_the_result(county, page):
    activity = published_activity(county, title="长者太极入门", capacity=10)
    page.set_viewport_size(PHONE_VIEWPORT)
    sign_in(page, county.elder_learner.phone, county.password)
    expect(page).to_have_url(re.compile(r"/me/$"))
    elder_mode_on(page)

    page.goto(f"/activities/{activity.pk}/")
    sign_up = page.get_by_test_id("actionbar").get_by_role("button", name="我要报名")
    expect(sign_up).to_be_in_viewport()  # the action bar stays on the first screen
    box = sign_up.bounding_box()
    assert box["height"] >= 60 and box["width"] >= 60  # the page's main action, MIIT-sized
    sign_up.click()

    expect(page.get_by_test_id("my-status")).to_contain_text("已确认")
    expect(page.locator("[data-messages]")).to_be_focused()
    assert "报名成功" in focused_text(page)
    assert Registration.objects.get(activity=activity, learner=county.elder_learner).status == "confirmed"

    cancel = page.get_by_test_id("actionbar").get_by_role("button", name="取消报名")
    cancel.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("长者太极入门")
    # The safe answer has the focus: a stray Enter keeps the registration.
    expect(dialog.locator("[data-confirm-no]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(cancel).to_be_focused()
    assert Registration.objects.get(activity=activity, learner=county.elder_learner).status == "confirmed"

    cancel.click()
    dialog.locator("[data-confirm-yes]").click()
    expect(page.locator("[data-messages]")).to_be_focused()
    assert "取消" in focused_text(page)
    expect(page.get_by_test_id("my-status")).to_have_count(0)
    expect(page.get_by_test_id("actionbar").get_by_role("button", name="我要报名")).to_be_visible()
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.seats_taken == 0
    assert Registration.objects.get(activity=activity, learner=county.elder_learner).status == "cancelled"
