"""The article editor in a real browser: Trix runs under the site's CSP (its style element
carries the page's nonce, no policy violation), a picture added to the text is uploaded and
lands in the stored body as a site image, and a file that is no picture is refused in the
page with a message, as is one the server refuses."""

import base64
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from lifelong.news import services
from lifelong.news.models import Article, ArticleImage

from .helpers import newsroom, write

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


def staff_page(browser, live_server, verified_client, user, *, language: str = "en", viewport=None):
    session = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=viewport)
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.mark.parametrize(
    "body",
    [
        "<p>活动周今天开幕。</p><p>欢迎参加。</p>",  # as the API and the demo write it
        "<div>活动周今天开幕。<br><br>欢迎参加。</div>",  # as Trix writes it
    ],
)
def test_a_reviewer_who_saves_without_changing_the_text_may_still_publish_it(
    demo, browser, live_server, verified_client, body
):
    """Trix rewrites the HTML it is given; saving the form untouched must not count as a change
    of the words, or the reviewer would lose the publish button for nothing."""
    room = newsroom(demo)
    article = write(room.county_editor, room.county, body=body)
    services.article_submit(actor=room.county_editor, article=article)
    page = staff_page(browser, live_server, verified_client, room.county_reviewer)
    page.goto(f"/console/news/{article.pk}/")
    expect(page.locator("trix-editor[input=id_body]")).to_be_visible()
    page.get_by_test_id("save-article").click()
    expect(page.get_by_test_id("publish-now")).to_be_visible()
    stored = Article.objects.get(pk=article.pk)
    assert stored.content_changed_by == room.county_editor and stored.revisions.count() == 1, stored.body
    page.context.close()


def test_a_reviewer_who_changes_the_text_is_told_another_must_publish_it(demo, browser, live_server, verified_client):
    room = newsroom(demo)
    article = write(room.county_editor, room.county, body="<p>活动周今天开幕。</p>")
    services.article_submit(actor=room.county_editor, article=article)
    page = staff_page(browser, live_server, verified_client, room.county_reviewer)
    page.goto(f"/console/news/{article.pk}/")
    expect(page.get_by_test_id("four-eyes-hint")).to_be_visible()
    page.locator("trix-editor[input=id_body]").click()
    page.keyboard.press("End")
    page.keyboard.type("审核人补写的一句。")
    page.get_by_test_id("save-article").click()
    expect(page.get_by_test_id("four-eyes")).to_have_text(
        "You changed the text last, so another reviewer must publish this version."
    )
    expect(page.get_by_test_id("publish-now")).to_have_count(0)
    stored = Article.objects.get(pk=article.pk)
    assert "审核人补写的一句。" in stored.body and stored.content_changed_by == room.county_reviewer
    page.context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_a_correction_waits_on_a_phone_and_another_reviewer_approves_it(
    demo, browser, live_server, verified_client, language, mode, settings
):
    """A reviewer corrects a published article in the editor; the page says it waits and the
    public page does not change. The county admin's page, at 375×812 in each language and mode,
    shows what it changes with the approve and reject buttons (no serious accessibility problem,
    nothing wider than the screen, elder targets large enough); approving puts it on the public
    page. Screenshots go to var/screens/news-correction-<language>-<mode>.png."""
    from lifelong.accounts.services import user_preferences_update
    from lifelong.testkit import a11y

    room = newsroom(demo)
    elder = mode == "elder"
    for user in (room.county_reviewer, demo.county_admin):
        user_preferences_update(user=user, elder_mode=elder)
    article = write(room.county_editor, room.county, body="<p>活动周今天开幕。</p>", title_en="Learning Week opens")
    services.article_submit(actor=room.county_editor, article=article)
    services.article_publish(actor=room.county_reviewer, article=article)
    phone = a11y.VIEWPORTS["phone"]

    reviewer = staff_page(
        browser, live_server, verified_client, room.county_reviewer, language=language, viewport=phone
    )
    reviewer.goto(f"/console/news/{article.pk}/")
    expect(reviewer.get_by_test_id("correction-hint")).to_be_visible()
    reviewer.locator("trix-editor[input=id_body]").click()
    reviewer.keyboard.press("End")
    reviewer.keyboard.type("开幕式改在周六上午九点。")
    reviewer.get_by_test_id("save-article").click()
    expect(reviewer.get_by_test_id("correction")).to_be_visible()
    expect(reviewer.get_by_test_id("correction-approve")).to_have_count(0)
    expect(reviewer.get_by_test_id("correction-four-eyes")).to_be_visible()
    expect(reviewer.get_by_test_id("correction-withdraw")).to_be_visible()
    check = a11y.check_page(reviewer, reviewer.url, elder=elder)
    assert not check.problems and not check.small_targets and check.overflow_px == 0, a11y.describe_failures(check)
    assert not (check.impacts["critical"] or check.impacts["serious"]), a11y.describe_failures(check)
    screens = settings.BASE_DIR / "var" / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    reviewer.screenshot(path=str(screens / f"news-correction-corrector-{language}-{mode}.png"), full_page=True)
    reviewer.goto(f"/news/{article.pk}/")
    expect(reviewer.get_by_test_id("article-text")).not_to_contain_text("周六")
    reviewer.context.close()

    admin = staff_page(browser, live_server, verified_client, demo.county_admin, language=language, viewport=phone)
    response = admin.goto(f"/console/news/{article.pk}/")
    expect(admin.get_by_test_id("correction-changes").locator("ins")).to_contain_text("开幕式改在周六上午九点。")
    expect(admin.get_by_test_id("correction-approve")).to_be_visible()
    check = a11y.check_page(admin, admin.url, elder=elder, response=response)
    assert not check.blocking and check.overflow_px == 0, a11y.describe_failures(check)
    admin.screenshot(path=str(screens / f"news-correction-{language}-{mode}.png"), full_page=True)
    admin.get_by_test_id("correction-approve").click()
    admin.locator("dialog[open] [data-confirm-yes]").click()
    expect(admin.get_by_test_id("correction")).to_have_count(0)
    admin.goto(f"/news/{article.pk}/")
    expect(admin.get_by_test_id("article-text")).to_contain_text("开幕式改在周六上午九点。")
    admin.context.close()
