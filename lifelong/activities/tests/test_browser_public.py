"""The public activity pages in a real browser on a phone-sized screen: nothing past is sold
as coming, a search's first result is on the first screen, and the activity page tells where,
whom to call and who may come."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from lifelong.activities.models import Activity
from lifelong.activities.templatetags.activity_tags import geo_url
from lifelong.institutions.models import Venue
from lifelong.testkit.browser import PHONE_VIEWPORT
from lifelong.testkit.personas import Personas

from .test_catalogue_time import held

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(county) -> Personas:
    """The demo county (its venues with addresses and coordinates), and activities past and
    coming: more than a phone's screen of them."""
    demo = county
    held(demo, "上周的书法讲座", first_in=-timedelta(days=7))
    held(demo, "去年的读书会", first_in=-timedelta(days=300))
    for n, title in enumerate(["明天的智能手机课", "健康讲座", "剪纸体验", "合唱排练", "太极拳晨练班"]):
        held(demo, title, first_in=timedelta(days=1 + n))
    return demo


def test_home_and_catalogue_show_no_past_activity_until_the_past_tab(county, page):
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto("/")
    upcoming = page.get_by_test_id("home-upcoming")
    expect(upcoming.get_by_test_id("activity-card").first).to_contain_text("明天的智能手机课")
    expect(upcoming).not_to_contain_text("上周的书法讲座")
    expect(upcoming).not_to_contain_text("去年的读书会")

    page.goto("/activities/")
    results = page.get_by_test_id("catalogue-results")
    expect(results.get_by_test_id("activity-card")).to_have_count(5)
    expect(results).not_to_contain_text("上周的书法讲座")
    for state in results.get_by_test_id("activity-card").evaluate_all("cards => cards.map(c => c.dataset.state)"):
        assert state != "past"
    page.get_by_test_id("tab-past").click()
    expect(results.get_by_test_id("activity-card")).to_have_count(2)
    expect(results.get_by_test_id("activity-card").first).to_contain_text("上周的书法讲座")
    expect(results).not_to_contain_text("明天的智能手机课")


@pytest.mark.parametrize("elder", [False, True])
def test_a_search_result_is_on_the_first_screen_of_a_phone(county, page, live_server, elder):
    page.context.add_cookies([{"name": "elder_mode", "value": "1" if elder else "0", "url": live_server.url}])
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto("/activities/")
    page.get_by_label("搜索").fill("太极")
    page.locator("form.filters").get_by_role("button", name="搜索").click()
    card = page.get_by_test_id("activity-card").first
    expect(card).to_contain_text("太极拳晨练班")
    box = card.bounding_box()
    assert box["y"] + box["height"] <= PHONE_VIEWPORT["height"], box
    # Its title, the link, sits above the tab bar.
    title = card.get_by_role("link", name="太极拳晨练班").bounding_box()
    tabbar = page.locator(".ll-tabbar")
    top_of_tabbar = tabbar.bounding_box()["y"] if tabbar.count() and tabbar.is_visible() else PHONE_VIEWPORT["height"]
    assert title["y"] + title["height"] <= top_of_tabbar, title
    # The filters wait behind one button, and the checkbox is a checkbox with a finger-sized label.
    filters = page.get_by_test_id("catalogue-filters")
    expect(filters.locator("select").first).to_be_hidden()
    filters.locator("summary").click()
    checkbox = filters.get_by_role("checkbox")
    expect(checkbox).to_be_visible()
    size = checkbox.bounding_box()
    assert abs(size["width"] - size["height"]) < 2 and size["width"] < 40, size  # square, not a pill
    assert filters.locator("label.ll-check").bounding_box()["height"] >= 44


def test_the_activity_page_shows_address_contact_and_eligibility(county, page):
    venue = Venue.objects.get(
        institution__kind="community_school", institution__region__code="330424105", name="多功能教室"
    )
    activity = held(county, "长者太极", first_in=timedelta(days=4), venue=venue, min_age=60, requires_approval=True)
    Activity.objects.filter(pk=activity.pk).update(
        contact_phone="0573-86123456", description="<p>清晨练拳，动作舒缓。</p>"
    )
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto(f"/activities/{activity.pk}/")

    expect(page.get_by_test_id("activity-state")).to_have_attribute("data-state", "open")
    eligibility = page.get_by_test_id("eligibility")
    expect(eligibility).to_contain_text("60")
    expect(eligibility.locator("li")).to_have_count(2)  # the age, and the approval
    expect(page.get_by_test_id("venue-address")).to_have_text(venue.address)
    expect(page.get_by_test_id("venue-transport")).to_contain_text("204")
    expect(page.get_by_test_id("venue-coordinates")).to_contain_text(f"{venue.latitude:.5f}")
    expect(page.get_by_test_id("map-link")).to_have_attribute("href", geo_url(venue))
    assert geo_url(venue).startswith(f"geo:{venue.latitude:.6f},{venue.longitude:.6f}?q=")
    call = page.get_by_test_id("contact-phone")
    expect(call).to_have_attribute("href", "tel:057386123456")
    assert call.bounding_box()["height"] >= 44
    expect(page.get_by_test_id("description")).to_contain_text("清晨练拳")
    # The way to register stays on the screen while the page scrolls.
    action = page.get_by_test_id("actionbar").locator(".ll-actionbar__main")
    expect(action).to_be_in_viewport()
    page.mouse.wheel(0, 1500)
    expect(action).to_be_in_viewport()

    # An activity that is over says so, with no way to register.
    past = Activity.objects.get(title="上周的书法讲座")
    page.goto(f"/activities/{past.pk}/")
    expect(page.get_by_test_id("activity-state")).to_have_attribute("data-state", "past")
    expect(page.get_by_test_id("no-register-reason")).to_be_visible()
    expect(page.locator(f'form[action="/activities/{past.pk}/register/"]')).to_have_count(0)
