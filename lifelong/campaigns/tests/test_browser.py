"""A visitor explores Learning Week in a real browser: this year's campaign page from the home
page, the 2019 week's printable report, the honour roll filtered to national honours, and the
page of the brand programme that won one."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_explores_the_campaign_page_the_honour_roll_and_a_programme(county_with_activities, page):
    page.goto("/")
    page.get_by_test_id("home-campaign").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/campaigns/learning-week/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("海盐县全民终身学习活动周")
    expect(page.get_by_test_id("campaign-theme")).to_contain_text("学习在身边")
    counters = page.get_by_test_id("campaign-counters")
    expect(counters.locator('[data-counter="activities"] .ll-stat__value').first).not_to_have_text("0")
    expect(page.get_by_test_id("programme-day").first).to_be_visible()
    page.get_by_test_id("programme-town").first.locator("summary").click()
    expect(page.get_by_test_id("programme-town").first.get_by_role("link").first).to_be_visible()
    expect(page.get_by_test_id("campaign-calendar")).to_have_attribute("href", "/campaigns/learning-week/calendar.ics")

    # Last years: the 2019 week and its report, printable.
    page.get_by_test_id("other-campaigns").get_by_role("link", name=re.compile("2019")).click()
    expect(page.get_by_test_id("campaign-goals")).to_contain_text("推进全民终身学习")
    page.get_by_test_id("campaign-report-link").click()
    by_town = page.get_by_test_id("report-by-town")
    for town in ("武原街道", "通元镇", "澉浦镇"):
        expect(by_town).to_contain_text(town)
    expect(page.get_by_test_id("report-most-attended").locator("li")).to_have_count(5)
    page.get_by_role("link", name="打印版").click()
    expect(page.locator("body")).to_have_class("print-view")
    expect(page.locator(".site-header")).to_be_hidden()

    # The honour roll, national honours only, then the brand programme that holds one.
    page.goto("/honors/")
    filters = page.get_by_test_id("honour-filters")
    filters.get_by_label("级别").select_option("national")
    filters.get_by_role("button").click()
    roll = page.get_by_test_id("honour-roll")
    expect(roll.locator("li.honour")).not_to_have_count(0)
    for level in roll.locator("li.honour").evaluate_all("items => items.map(i => i.dataset.level)"):
        assert level == "national"
    roll.get_by_role("link", name="乐读").click()
    expect(page).to_have_url(re.compile(r"/programmes/happy-reading/$"))
    expect(page.get_by_test_id("programme-honours")).to_contain_text("全国终身学习品牌")
    figures = page.get_by_test_id("programme-figures")
    expect(figures).to_be_visible()
    expect(page.get_by_test_id("programme-activities").get_by_role("link").first).to_be_visible()
