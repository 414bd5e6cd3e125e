"""In a real browser on a phone, in elder mode: a citizen signs up with an SMS code, signs out,
forgets the password and resets it, reading each code from the SMS outbox (the file backend
a demo site uses)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifelong.accounts.models import PhoneCodeQuota, User
from lifelong.testkit.browser import PHONE_VIEWPORT, elder_mode_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13712345601"


@pytest.fixture
def outbox(county, settings, tmp_path) -> Path:
    settings.SMS_BACKEND = "lifelong.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path
    return tmp_path


def last_code(outbox: Path, phone: str) -> str:
    lines = [line.split("\t") for path in sorted(outbox.glob("*.log")) for line in path.read_text("utf-8").splitlines()]
    texts = [text for _, to, text in lines if to == phone]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


@pytest.fixture
def phone_page(new_page):
    return new_page(locale="en-US", viewport=PHONE_VIEWPORT)


def test_a_citizen_signs_up_then_resets_the_password(outbox, phone_page):
    page = phone_page
    village = User.objects.get(phone="13900000005").home_region
    page.goto("/accounts/login/")
    elder_mode_on(page)
    page.get_by_test_id("signup-link").click()

    page.get_by_label("Mobile number").fill("137 1234 5601")
    main_button = page.locator("#main").get_by_role("button", name="Send the code")
    assert main_button.bounding_box()["height"] >= 60  # the page's main action, elder mode
    main_button.click()
    expect(page.get_by_test_id("code-sent")).to_contain_text("137****5601")

    page.get_by_label("6-digit code from the SMS").fill(last_code(outbox, PHONE))
    page.get_by_label("Name").fill("Shen Apo")
    page.get_by_label("Birth year").fill("1952")
    page.get_by_label("Town or subdistrict").select_option(village.parent.code)
    # htmx swaps in the town's villages.
    expect(page.locator(f'#village-field option[value="{village.code}"]')).to_have_count(1)
    # The town is chosen just above, so each village is named alone (nothing cut off).
    expect(page.locator(f'#village-field option[value="{village.code}"]')).to_have_text(village.name_en)
    page.get_by_label("Home village or community").select_option(village.code)
    page.get_by_label(re.compile(r"^Password:?$")).fill("lanterns over the canal 7")
    page.get_by_label("Password again").fill("lanterns over the canal 7")
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shen Apo")
    expect(page.locator("html")).to_have_class(re.compile("elder"))  # the new account keeps the large print
    assert User.objects.get(phone=PHONE).home_region == village

    # On a phone, signing out sits in the tab bar's "More" sheet.
    page.get_by_role("navigation").locator(".ll-more > summary").click()
    page.locator(".ll-more__sheet").get_by_role("button", name="Sign out").click()
    expect(page.locator(".ll-tabbar").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    PhoneCodeQuota.objects.update(last_sent_at=timezone.now() - timedelta(minutes=2))  # a while later
    page.get_by_label("Mobile number").fill(PHONE)
    page.locator("#main").get_by_role("button", name="Send the code").click()
    expect(page.get_by_test_id("code-sent")).to_be_visible()
    page.get_by_label("6-digit code from the SMS").fill(last_code(outbox, PHONE))
    page.get_by_label(re.compile(r"^New password:?$")).fill("a new lantern festival 8")
    page.get_by_label("New password again").fill("a new lantern festival 8")
    page.get_by_role("button", name="Save the new password").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("Your password has been changed; sign in with the new one.")).to_be_visible()

    page.get_by_label("Mobile number").fill(PHONE)
    page.get_by_label("Password").fill("a new lantern festival 8")
    page.locator("#main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
