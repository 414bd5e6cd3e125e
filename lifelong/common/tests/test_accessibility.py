"""The main pages at 375×812 in Chinese, in standard and elder mode: no critical or serious
axe-core violation (WCAG 2.1 A/AA), and in elder mode no tap target under 48×48 px except links
inside running text. The measurement is `make tour`'s (a11y.py), which covers every page and view.

The demo county is loaded once for the module and served by a live server of the module's own:
pytest-django's `live_server` would empty the database after every test, and these tests only
read. The database is emptied when the module ends, as the other tests expect."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from lifelong.accounts.models import User
from lifelong.accounts.services import user_preferences_update
from lifelong.common.elder_mode import ELDER_COOKIE
from lifelong.site.demo.load import demo_county_load
from lifelong.testkit import a11y

pytestmark = [
    pytest.mark.browser,
    # The test database must exist (the demo is loaded into it once, by the `site` fixture);
    # each test's own writes (elder mode on an account) roll back.
    pytest.mark.django_db,
    # What these tests measure is HTML, CSS and scripts, the same on either database: the
    # PostgreSQL run of `make test` would only repeat them and add a minute.
    pytest.mark.skipif(os.environ.get("LIFELONG_TEST_DB") == "postgres", reason="pages render the same on PostgreSQL"),
]

PHONE = a11y.VIEWPORTS["phone"]
MODES = ["standard", "elder"]
PERSONA_PHONES = {"learner": "13900000005", "county_admin": "13900000001"}
# name: (who looks, address or a key of a11y.demo_pages())
MAIN_PAGES = {
    "home": ("visitor", "/"),
    "catalogue": ("visitor", "/activities/"),
    "activity": ("visitor", "activity-coming"),
    "login": ("visitor", "/accounts/login/"),
    "me": ("learner", "/me/"),
    "passport": ("learner", "/me/passport/"),
    "news": ("visitor", "/news/"),
    "console": ("county_admin", "/console/"),
    "console-activities": ("county_admin", "/console/activities/"),
}


def signed_in_session(user: User) -> str:
    """A session cookie for `user`; staff sessions count as two-factor verified, as after sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.role_grants.exists():
        device = TOTPDevice.objects.create(user=user, name="a11y", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Site:
    """The demo behind a live server, and one browser context per persona and mode."""

    def __init__(self, browser, url: str):
        self.browser = browser
        self.url = url
        self.pages = a11y.demo_pages()
        self.users = {key: User.objects.get(phone=phone) for key, phone in PERSONA_PHONES.items()}
        self.sessions = {key: signed_in_session(user) for key, user in self.users.items()}
        self.tabs = {}

    def address(self, where: str) -> str:
        return self.pages.get(where, where)

    def tab(self, persona: str, mode: str):
        # Elder mode is kept on a signed-in account, so set it before each look.
        if persona in self.users:
            user_preferences_update(user=self.users[persona], elder_mode=mode == "elder")
        if (persona, mode) not in self.tabs:
            context = self.browser.new_context(base_url=self.url, viewport=PHONE, locale="zh-CN")
            cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": self.url}]
            if persona in self.sessions:
                cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": self.sessions[persona], "url": self.url})
            else:
                cookies.append({"name": ELDER_COOKIE, "value": "1" if mode == "elder" else "0", "url": self.url})
            context.add_cookies(cookies)
            tab = context.new_page()
            tab.set_default_timeout(15_000)
            self.tabs[persona, mode] = tab
        return self.tabs[persona, mode]

    def close(self):
        for tab in self.tabs.values():
            tab.context.close()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, browser):
    from pytest_django.live_server_helper import LiveServer

    a11y.axe_source()  # a clear message when `npm ci` has not run
    with django_db_blocker.unblock():
        demo_county_load()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        demo_site = Site(browser, server.url)
        try:
            yield demo_site
        finally:
            demo_site.close()
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", MAIN_PAGES)
def test_a_main_page_has_no_serious_accessibility_problem_on_a_phone(site, name, mode):
    persona, where = MAIN_PAGES[name]
    address = site.address(where)
    tab = site.tab(persona, mode)
    response = tab.goto(address)
    assert tab.evaluate("document.documentElement.classList.contains('elder')") == (mode == "elder")
    check = a11y.check_page(tab, address, elder=mode == "elder", response=response)
    assert not check.blocking, a11y.describe_failures(check)


MEASURED_PAGE = """<!doctype html><html lang="en"><head><title>Measured</title><style>
  body { font: 16px/1.5 sans-serif; margin: 0; }
  .big { display: inline-block; min-width: 48px; min-height: 48px; }
  .small { display: inline-block; height: 30px; width: 120px; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  label.row { display: flex; align-items: center; min-height: 48px; }
</style></head><body>
  <a class="sr-only" href="#main">Skip to content</a>
  <main id="main"><h1>Measured</h1>
    <button class="big" id="big">Big enough</button>
    <button class="small" id="small">Too small</button>
    <p>Read <a href="/rules/" id="inline">the rules</a> before you come.</p>
    <p><a href="/back/" id="alone">Back</a></p>
    <label class="row"><input type="checkbox" id="ticked"> A row as tall as a finger</label>
    <button class="small" hidden>Hidden</button>
    <a href="/nameless/" class="big" id="nameless"><svg width="48" height="48"></svg></a>
  </main></body></html>"""


def test_the_measurement_counts_what_a_finger_and_a_screen_reader_meet(browser):
    """The shared measurement itself: without this, a page could pass by the tour missing things."""
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.set_content(MEASURED_PAGE)
    small = {target["selector"] for target in a11y.small_targets(tab)}
    # The 30 px button and a link standing alone are too small; a link inside a sentence, a
    # checkbox whose label row is 48 px, the skip link (visually hidden) and hidden elements are not.
    assert small == {"button#small", "a#alone"}
    violations = {violation["id"]: violation["impact"] for violation in a11y.axe_violations(tab)}
    assert violations.get("link-name") == "serious"  # a link with no text
    check = a11y.check_page(tab, "/measured/", elder=True)
    assert check.heading_top == round(tab.locator("h1").bounding_box()["y"])
    # No response (the page was set, not loaded) counts as an error, like an HTTP error would.
    assert check.blocking == ["HTTP None", "axe: link-name", "2 elder targets < 48px"]
    context.close()
