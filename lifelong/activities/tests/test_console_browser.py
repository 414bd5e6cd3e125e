"""The activity manage page in a real browser, as an organizer on a phone in elder mode:
declining a registration asks first (Escape keeps it), and after the answer the page updates in
place with the focus on the sentence that says what happened."""

import pytest
from playwright.sync_api import expect

from lifelong.activities import services
from lifelong.activities.models import Registration
from lifelong.testkit.browser import PHONE_VIEWPORT, elder_mode_on, sign_in

from .helpers import new_learner, published_activity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_staff_two_factor"),  # two-factor has its own browser test
]


def test_an_organizer_declines_a_registration_through_the_dialog_and_lands_on_the_result(county, page):
    activity = published_activity(county, title="书法提高班", capacity=5, requires_approval=True)
    waiting = new_learner(county, name="待批学员")
    registration = services.registration_create(actor=waiting, activity=activity, learner=waiting)
    assert registration.status == "pending"

    page.set_viewport_size(PHONE_VIEWPORT)
    sign_in(page, county.organizer.phone)
    page.goto(f"/console/activities/{activity.pk}/")
    elder_mode_on(page)
    expect(page.get_by_test_id("stat-pending")).to_contain_text("1")

    queue = page.get_by_test_id("approval-queue")
    decline = queue.get_by_role("listitem").filter(has_text="待批学员").get_by_role("button", name="不通过")
    box = decline.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48  # a real button, full size in elder mode

    # Escape keeps everything as it was.
    decline.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("待批学员")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert Registration.objects.get(pk=registration.pk).status == "pending"

    # Yes: the region updates in place and the focus is on what happened.
    decline.click()
    dialog.locator("[data-confirm-yes]").click()
    result = page.locator("#manage-live [data-focus-result]")
    expect(result).to_be_focused()
    expect(result).to_contain_text("已保存")
    expect(page.get_by_test_id("approval-queue")).to_have_count(0)
    expect(page.get_by_test_id("stat-pending")).to_contain_text("0")
    assert Registration.objects.get(pk=registration.pk).status == "rejected"
