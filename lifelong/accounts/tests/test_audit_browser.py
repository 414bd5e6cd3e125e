"""The audit log in a real browser on a phone: the county admin opens it from the console menu,
finds a person by mobile number (the number never reaches the address bar), reads that person's
events as cards, and downloads them. Standard and elder mode, Chinese and English, pass the
accessibility checks without a sideways scroll."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lifelong.activities.tests.helpers import published_activity
from lifelong.common.services import AuditOrigin, audit_origin
from lifelong.testkit.a11y import check_page, describe_failures
from lifelong.testkit.browser import sign_in
from lifelong.testkit.personas import Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(county) -> Personas:
    with audit_origin(AuditOrigin("10.8.8.8", "Mozilla/5.0 (Linux; Android 12) Chrome/120.0 Mobile Safari/537.36")):
        published_activity(county)  # created by the organizer, published by the county admin: audited
    return county


@pytest.mark.parametrize(
    ("elder", "language"), [(False, "zh-hans"), (True, "zh-hans"), (True, "en")], ids=["standard", "elder", "elder-en"]
)
def test_an_admin_finds_a_persons_events_on_a_phone(county, phone, settings, elder, language):
    settings.STAFF_TWO_FACTOR_REQUIRED = False  # two-factor has its own browser test
    page = phone(elder=elder)
    sign_in(page, county.county_admin.phone, wait=True)  # the sign-in helper reads the Chinese labels
    # Signed in, the account's own preference decides elder mode (not the cookie): set it.
    switch = page.get_by_test_id("elder-switch")
    if switch.get_attribute("aria-pressed") != ("true" if elder else "false"):
        switch.click()
        expect(switch).to_have_attribute("aria-pressed", "true" if elder else "false")
    if language != "zh-hans":
        origin = "/".join(page.url.split("/")[:3])  # for the whole site, not the current page's path
        page.context.add_cookies([{"name": "django_language", "value": language, "url": origin + "/"}])
    page.goto("/console/")
    # On a phone the console menu folds behind its summary line: open it as a person would.
    page.locator("nav.console-nav summary").click()
    page.get_by_test_id("console-audit-link").click()
    expect(page).to_have_url(re.compile(r"/console/audit/$"))
    expect(page.get_by_test_id("audit-event").first).to_be_visible()

    search = page.get_by_test_id("audit-actor-search")
    search.get_by_role("searchbox").fill(county.organizer.phone)
    search.get_by_role("button").click()
    assert county.organizer.phone not in page.url
    match = page.get_by_test_id("audit-actor-matches").get_by_role("button")  # links drawn as buttons
    expect(match).to_have_count(1)
    expect(match).to_contain_text(county.organizer.name)
    match.click()
    expect(page).to_have_url(re.compile(rf"actor={county.organizer.pk}$"))
    assert county.organizer.phone not in page.url
    rows = page.get_by_test_id("audit-event")
    expect(rows.first).to_contain_text(county.organizer.name)  # the activity they created
    expect(rows.filter(has_text=county.county_admin.name)).to_have_count(0)  # who published it: not them
    expect(rows.first).to_contain_text("10.8.8.8")
    expect(rows.first).to_contain_text("Chrome · Android")

    response = page.reload()  # the measure wants the page's own response (its status)
    check = check_page(page, page.url, elder=elder, response=response)
    assert check.overflow_px == 0, f"the page scrolls sideways by {check.overflow_px} px"
    assert not check.blocking, describe_failures(check)

    with page.expect_download() as download:
        page.get_by_test_id("audit-export-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert county.organizer.name in text and county.organizer.phone not in text
