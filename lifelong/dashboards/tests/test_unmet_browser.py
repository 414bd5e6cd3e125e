"""Unmet demand on a phone (375×812), standard and elder mode, Chinese and English: the Wuyuan
town admin follows a row of the dashboard's "Where to add sessions" table to the activities
behind it, reads what the numbers mean, and copies one as a new session, which opens the new
draft for editing. The page passes the accessibility checks without a sideways scroll."""

import re

import pytest
from playwright.sync_api import expect

from lifelong.activities.models import Activity
from lifelong.testkit.a11y import check_page, describe_failures
from lifelong.testkit.browser import sign_in
from lifelong.testkit.regions import WUYUAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("elder", "language"), [(False, "zh-hans"), (True, "zh-hans"), (True, "en")], ids=["standard", "elder", "elder-en"]
)
def test_a_town_admin_goes_from_unmet_demand_to_a_new_session(live_learning, phone, settings, elder, language):
    demo, built = live_learning
    settings.STAFF_TWO_FACTOR_REQUIRED = False  # two-factor has its own browser test
    village = built.villages[0]
    assert village.parent.code == WUYUAN
    activity = next(a for a in built.activities if a.category == "health" and a.institution.region == village)

    page = phone(elder=elder)
    sign_in(page, demo.town_admin.phone, wait=True)
    # Signed in, the account's own preference decides elder mode (not the cookie): set it.
    switch = page.get_by_test_id("elder-switch")
    if switch.get_attribute("aria-pressed") != ("true" if elder else "false"):
        switch.click()
        expect(switch).to_have_attribute("aria-pressed", "true" if elder else "false")
    if language != "zh-hans":  # for the whole site: a cookie for the current page's path would lose to sign-in's
        origin = "/".join(page.url.split("/")[:3])
        page.context.add_cookies([{"name": "django_language", "value": language, "url": origin + "/"}])

    page.goto("/console/dashboard/")
    link = page.get_by_test_id(f"unmet-link-{village.code}-health")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    assert link.bounding_box()["height"] >= (48 if elder else 44)
    link.click()
    expect(page).to_have_url(re.compile(rf"/console/dashboard/unmet/{village.code}/health/\?period="))
    expect(page.get_by_test_id("unmet-title")).to_contain_text(village.name_en if language == "en" else village.name)
    expect(page.get_by_test_id("unmet-meaning")).to_contain_text("waitlist" if language == "en" else "候补")
    rows = page.get_by_test_id("unmet-activity")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id(f"open-{activity.pk}")).to_be_visible()

    response = page.reload()  # the measure wants the page's own response (its status)
    check = check_page(page, page.url, elder=elder, response=response)
    assert check.overflow_px == 0, f"the page scrolls sideways by {check.overflow_px} px"
    assert not check.blocking, describe_failures(check)

    copy = rows.first.get_by_test_id(f"copy-{activity.pk}").get_by_role("button")
    box = copy.bounding_box()
    assert box["height"] >= (48 if elder else 44) and box["width"] > 250  # a card-wide button on the phone
    before = Activity.objects.count()
    copy.click()
    expect(page).to_have_url(re.compile(r"/console/activities/\d+/edit/$"))
    assert Activity.objects.count() == before + 1
    new = Activity.objects.latest("pk")
    assert new.status == "draft" and new.title == activity.title
    assert page.url.endswith(f"/console/activities/{new.pk}/edit/")
