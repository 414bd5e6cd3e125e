"""Fixtures shared by every app's tests: the demo county and its named personas, clients, and
the browser's tabs. They are built from lifelong/testkit/, which holds what tests share besides
fixtures (the access matrices' helpers, signing in in a browser, the API client, ...)."""

import os

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from lifelong.accounts.models import User
from lifelong.notifications.sms import MemorySmsBackend
from lifelong.testkit.browser import CHROMIUM, PHONE_VIEWPORT, TIMEOUT_MS, chromium_launch
from lifelong.testkit.personas import Personas
from lifelong.testkit.regions import demo_county

# Playwright's sync API runs an event loop in the test thread; Django's ORM would otherwise
# refuse to run there. Only browser tests use it, and each runs against a live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def demo(db) -> Personas:
    """The demo county (125 regions, institutions, venues) and its six personas; no demo
    activities, so that each test builds exactly the activities it is about."""
    return demo_county()


@pytest.fixture
def county(transactional_db) -> Personas:
    """The demo county as `demo` has it, committed for real: for tests whose other threads read
    the database (a browser test's live server, a race's connection per thread)."""
    return demo_county()


@pytest.fixture
def county_with_activities(transactional_db) -> Personas:
    """`county` with the demo's activities too (the whole demo site, as `make demo` builds it)."""
    return demo_county(with_activities=True)


@pytest.fixture
def no_staff_two_factor(settings) -> None:
    """Staff reach the console without two-factor: for browser tests about something else
    (two-factor has its own, lifelong/common/tests/test_browser.py)."""
    settings.STAFF_TWO_FACTOR_REQUIRED = False


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (Chinese): a request in English activates
    English in the test's thread, and without this the next test in the process would run in it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as playwright:
        chromium = chromium_launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open another person's browser: `new_page()` is a tab in a fresh context (own cookies, own
    session) on the live server, in Chinese; keyword arguments go to the context (a `viewport`,
    another `locale`)."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"base_url": live_server.url, "locale": "zh-CN", **options})
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        return tab

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def second_page(new_page):
    """Another person's browser, beside `page`."""
    return new_page()


@pytest.fixture
def phone(new_page, live_server):
    """A phone-sized tab: `phone()` in Chinese, `phone(elder=True, language="en")` in elder mode
    and English (the cookies a visitor's switches set)."""

    def open_phone(*, elder: bool = False, language: str = "zh-hans"):
        tab = new_page(viewport=PHONE_VIEWPORT)
        cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
        if elder:
            cookies.append({"name": "elder_mode", "value": "1", "url": live_server.url})
        tab.context.add_cookies(cookies)
        return tab

    return open_phone
