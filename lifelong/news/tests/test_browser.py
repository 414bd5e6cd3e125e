"""The news end to end in a real browser: a visitor opens the news list, reads a published
article, makes its text larger from the keyboard (remembered on the next visit), opens the print
view and finds the article alone there with its release date and view count, and closes the
article back to the list."""

import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .helpers import newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def font_size(locator) -> float:
    return float(locator.evaluate("element => parseFloat(getComputedStyle(element).fontSize)"))


def test_a_visitor_reads_an_article_larger_and_prints_it(demo, page):
    room = newsroom(demo)
    article = room.county_article(
        title="全民终身学习活动周开幕",
        body="<p>活动周今天在县社区教育学校开幕，全县安排了形式多样的学习活动。</p>",
    )
    released = article.published_at.astimezone(ZoneInfo("Asia/Shanghai"))

    errors = []  # a script error, or anything the Content-Security-Policy refused
    page.on("console", lambda message: "Refused" in message.text and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/news/")
    items = page.get_by_test_id("news-item")
    expect(items).to_have_count(1)
    items.get_by_role("link", name="全民终身学习活动周开幕").click()
    expect(page).to_have_url(re.compile(rf"/news/{article.pk}/$"))
    expect(page.get_by_test_id("article-title")).to_have_text("全民终身学习活动周开幕")
    expect(page.get_by_test_id("article-views")).to_have_text("1")
    expect(page.get_by_test_id("article-date")).to_have_text(released.strftime("%Y-%m-%d %H:%M"))

    _make_the_text_larger(page)

    # Read aloud is offered only where the browser has voices.
    has_speech = page.evaluate("'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function'")
    speak = page.get_by_test_id("article-speak")
    (expect(speak).to_be_visible if has_speech else expect(speak).to_be_hidden)()

    _open_the_print_view(page, article, released)

    # Back to the article, and Close returns to the news list.
    page.get_by_test_id("back-link").click()
    expect(page).to_have_url(re.compile(rf"/news/{article.pk}/$"))
    expect(page.locator("header.site-header nav")).to_be_visible()
    page.get_by_test_id("close-link").click()
    expect(page).to_have_url(re.compile(r"/news/$"))
    assert errors == []


def _make_the_text_larger(page) -> None:
    """The text-size switch appears with the script and works from the keyboard; the choice is
    remembered on this device: the next visit opens at the larger size."""
    text = page.get_by_test_id("article-text")
    larger = page.get_by_test_id("font-larger")
    expect(larger).to_be_visible()
    expect(larger).to_have_attribute("aria-pressed", "false")
    before = font_size(text)
    larger.focus()
    page.keyboard.press("Enter")
    expect(larger).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("font-normal")).to_have_attribute("aria-pressed", "false")
    assert font_size(text) > before
    page.reload()
    expect(page.get_by_test_id("font-larger")).to_have_attribute("aria-pressed", "true")
    assert font_size(page.get_by_test_id("article-text")) > before
    expect(page.get_by_test_id("article-views")).to_have_text("1")  # the same reader, the same day


def _open_the_print_view(page, article, released) -> None:
    """The print view: the article alone, with its release date and view count."""
    page.get_by_test_id("print-link").click()
    expect(page).to_have_url(re.compile(rf"/news/{article.pk}/\?print=1$"))
    expect(page.locator("body")).to_have_class("print-view")
    expect(page.locator("nav")).to_have_count(0)
    expect(page.locator("header.site-header")).to_have_count(0)
    expect(page.get_by_test_id("elder-switch")).to_have_count(0)
    expect(page.get_by_test_id("article-date")).to_be_visible()
    expect(page.get_by_test_id("article-date")).to_have_text(released.strftime("%Y-%m-%d %H:%M"))
    expect(page.get_by_test_id("article-views")).to_have_text("1")
    expect(page.get_by_test_id("print-button")).to_be_visible()
