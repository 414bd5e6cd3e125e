"""Fixtures shared by every app's tests: the demo county and its named personas."""

import os

import pytest
from django.test import Client

from lifelong.accounts.models import User
from lifelong.common.demo.haiyan import DEMO_PASSWORD
from lifelong.common.demo.load import demo_county_load
from lifelong.common.sms import MemorySmsBackend

# Playwright's sync API runs an event loop in the test thread; Django's ORM would otherwise
# refuse to run there. Only browser tests use it, and each runs against a live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PERSONA_PHONES = {
    "county_admin": "13900000001",
    "town_admin": "13900000002",  # Wuyuan subdistrict
    "village_admin": "13900000003",  # a Tongyuan village
    "organizer": "13900000004",  # Tongyuan community school
    "elder_learner": "13900000005",  # born 1950, that Tongyuan village
    "young_learner": "13900000006",  # born 1990, Wuyuan
}


class Personas:
    def __init__(self):
        users = {u.phone: u for u in User.objects.filter(phone__in=PERSONA_PHONES.values())}
        for key, phone in PERSONA_PHONES.items():
            setattr(self, key, users[phone])
        self.password = DEMO_PASSWORD


@pytest.fixture
def demo(db) -> Personas:
    """The demo county (125 regions, institutions, venues) and its six personas; no demo
    activities, so that each test builds exactly the activities it is about."""
    demo_county_load(with_activities=False)
    return Personas()


@pytest.fixture(autouse=True)
def sms_outbox() -> list[tuple[str, str]]:
    """The (phone, text) pairs sent by SMS during the test."""
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def verified_client():
    """A logged-in client whose session counts as two-factor verified (for staff pages)."""

    def make(user: User) -> Client:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return make


# Debian's chromium and its flags, as the page tour uses them (one definition).
from lifelong.common.tests.a11y import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
