"""Browser tests' helpers (Playwright for Python driving Debian's chromium, never a downloaded
browser): launching it, signing in and passing two-factor as a person would, and the elder-mode
and language switches. The `browser`, `page`, `new_page` and `phone` fixtures are in the root
conftest.py."""

import re
from base64 import b32decode

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lifelong.notifications.sms import MemorySmsBackend

from .a11y import CHROMIUM, CHROMIUM_FLAGS, VIEWPORTS
from .personas import DEMO_PASSWORD

PHONE_VIEWPORT = VIEWPORTS["phone"]  # a phone's screen (375×812), as `make tour` measures it
TIMEOUT_MS = 15_000  # how long an expectation waits for the live server


def chromium_launch(playwright):
    """Debian's chromium, headless, with the flags `make tour` uses."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)


def sign_in(page, phone: str, password: str = DEMO_PASSWORD, *, wait: bool = False) -> None:
    """Sign in through the login page; with `wait`, until the page has moved on from it."""
    page.goto("/accounts/login/")
    sign_in_form_send(page, phone, password)
    if wait:
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def sign_in_form_send(page, phone: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in and send the sign-in form already open (found by its Chinese labels, as a
    screen reader would)."""
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill(password)
    page.locator("#main").get_by_role("button", name="登录").click()


def two_factor_enrol(page, phone: str) -> None:
    """Staff, signed in, open the console and enrol in two-factor: the code the SMS brought plus
    the authenticator app's code (computed from the secret the page shows)."""
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/"))
    secret = page.get_by_test_id("totp-secret").inner_text()
    assert len(secret) >= 16
    device = TOTPDevice(key=b32decode(secret).hex())
    sms = [text for to, text in MemorySmsBackend.outbox if to == phone][-1]
    page.get_by_label("短信发送到您手机的 6 位验证码").fill(re.search(r"\d{6}", sms).group(0))
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("身份验证器应用中的 6 位验证码").fill(code)
    page.get_by_role("button", name="确认").click()
    expect(page).to_have_url(re.compile(r"/console/$"))


def staff_sign_in(page, phone: str, password: str = DEMO_PASSWORD) -> None:
    """Sign a staff member in and through two-factor, onto the console's front page."""
    sign_in(page, phone, password)
    two_factor_enrol(page, phone)


def elder_mode_on(page) -> None:
    """Press the elder-mode switch; the page turns to elder mode."""
    page.get_by_test_id("elder-switch").click()
    expect(page.locator("html")).to_have_class(re.compile("elder"))


def english_on(page) -> None:
    """Press the language switch (from Chinese); the page turns to English."""
    page.get_by_test_id("language-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
