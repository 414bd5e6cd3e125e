"""The article editor in a real browser: Trix runs under the site's CSP (its style element
carries the page's nonce, no policy violation), a picture added to the text is uploaded and
lands in the stored body as a site image, and a file that is no picture is refused in the
page with a message, as is one the server refuses."""

import base64
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from lifelong.news.models import Article, ArticleImage

from .helpers import newsroom

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A real 1×1 PNG (the browser decodes it for Trix's preview).
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

ADD_FILE = """([name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const file = new File([bytes], name, { type });
  const editor = document.querySelector("trix-editor[input=id_body]").editor;
  const end = editor.getDocument().getLength() - 1;
  editor.setSelectedRange([end, end]);
  editor.insertFile(file);
}"""


@pytest.fixture
def editor_page(demo, browser, live_server, verified_client):
    """The county editor's browser, signed in with a two-factor-verified session."""
    room = newsroom(demo)
    session = verified_client(room.county_editor).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.violations = violations
    yield page
    context.close()


def test_an_editor_writes_with_trix_and_adds_a_picture_that_is_uploaded(editor_page):
    page = editor_page
    page.goto("/console/news/new/")
    editor = page.locator("trix-editor[input=id_body]")
    expect(editor).to_be_visible()
    expect(page.locator("trix-toolbar").first).to_be_visible()
    # The toolbar speaks the page's language (Trix's own words are English).
    attach = page.locator("trix-toolbar [data-trix-action=attachFiles]").first
    expect(attach).to_have_attribute("title", "Attach pictures")
    nonce = page.locator('meta[name="csp-nonce"]').get_attribute("content")
    assert page.evaluate("() => document.querySelector('style[data-tag-name=trix-editor]').nonce") == nonce
    assert page.locator("textarea[name=body]").count() == 0  # the text area became Trix's input

    form = page.get_by_test_id("article-form")
    form.locator("select[name=region]").select_option("330424")
    form.locator("input[name=title]").fill("终身学习活动周开幕")
    form.locator("input[name=source]").fill("海盐县社区教育学校")
    editor.click()
    page.keyboard.type("开幕式在县文化中心举行。")

    # Not a picture: refused in the page, nothing is sent.
    page.evaluate(ADD_FILE, ["notes.txt", "text/plain", base64.b64encode("读书会".encode()).decode()])
    expect(page.locator("[data-upload-error]").first).to_have_text("Only PNG and JPEG pictures can be added.")
    # Says it is a PNG, is a web page: the server refuses it, the page drops it and says why.
    fake = base64.b64encode(b"<!DOCTYPE html><script>alert(1)</script>").decode()
    page.evaluate(ADD_FILE, ["photo.png", "image/png", fake])
    expect(page.locator("[data-upload-error]").first).to_have_text("Upload a PNG or JPEG picture.")
    expect(editor.locator("figure")).to_have_count(0)
    assert not ArticleImage.objects.exists()
    page.evaluate(ADD_FILE, ["opening.png", "image/png", PNG_1PX])
    expect(editor.locator('img[src^="/news/images/"]')).to_have_count(1)
    expect(page.locator("[data-upload-error]").first).to_be_hidden()
    image = ArticleImage.objects.get()

    page.get_by_test_id("save-article").click()
    expect(page).to_have_url(re.compile(r"/console/news/\d+/$"))
    article = Article.objects.get()
    assert "开幕式在县文化中心举行。" in article.body
    assert f'<img src="/news/images/{image.key}/"' in article.body and "<figure>" in article.body
    assert "data-trix" not in article.body and "opening.png" not in article.body  # no file name caption
    # The saved body opens in the editor again, picture and all.
    expect(page.locator("trix-editor[input=id_body]").locator(f'img[src="/news/images/{image.key}/"]')).to_have_count(1)
    assert page.violations == [], page.violations
