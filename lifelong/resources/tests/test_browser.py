"""The library end to end in a real browser: an organizer uploads a PDF in the console and
publishes it; a learner finds it in the library, opens it, marks it studied and sees the hours
in their passport."""

import re

import pytest
from playwright.sync_api import expect

from lifelong.resources.models import Resource
from lifelong.testkit.browser import sign_in, staff_sign_in

from .helpers import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload_and_publish_the_handout(staff) -> None:
    """In the console: a new document resource with its PDF, saved, then published."""
    staff.goto("/console/resources/")
    staff.get_by_test_id("new-resource").click()
    expect(staff).to_have_url(re.compile(r"/console/resources/new/$"))
    form = staff.get_by_test_id("resource-form")
    form.locator("select[name=kind]").select_option("document")
    form.locator("input[name=title]").fill("老年人手机防骗讲义")
    form.locator("input[name=title_en]").fill("Phone scam safety for older people")
    form.locator("select[name=category]").select_option("digital_skills")
    form.locator("input[name=hours]").fill("1.5")
    form.locator("input[name=file]").set_input_files(
        {"name": "handout.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Phone scam safety")}
    )
    staff.get_by_test_id("save-resource").click()
    expect(staff).to_have_url(re.compile(r"/console/resources/\d+/$"))
    staff.get_by_test_id("publish").click()
    expect(staff.get_by_test_id("unpublish")).to_be_visible()


def test_an_organizer_publishes_a_pdf_that_a_learner_studies_for_hours(demo, new_page):
    # The organizer (13900000004) shares a PDF handout and publishes it.
    staff = new_page()
    staff_sign_in(staff, demo.organizer.phone, demo.password)
    _upload_and_publish_the_handout(staff)
    resource = Resource.objects.get(title="老年人手机防骗讲义")
    assert resource.is_published and resource.content_type == "application/pdf"

    # The learner (13900000005) finds it in the library with a short Chinese word.
    learner = new_page()
    sign_in(learner, demo.elder_learner.phone, demo.password)
    expect(learner).to_have_url(re.compile(r"/me/$"))
    learner.goto("/resources/")
    filters = learner.get_by_test_id("resource-filters")
    filters.locator("input[name=q]").fill("防骗")
    filters.locator("button[type=submit]").click()
    cards = learner.get_by_test_id("resource-card")
    expect(cards).to_have_count(1)
    cards.get_by_role("link", name="老年人手机防骗讲义").click()
    expect(learner).to_have_url(re.compile(rf"/resources/{resource.pk}/$"))
    expect(learner.get_by_test_id("resource-title")).to_have_text("老年人手机防骗讲义")
    expect(learner.get_by_test_id("view-count")).to_have_text("1")

    # Not opened yet: the page asks for that first and offers no "studied" button.
    expect(learner.get_by_test_id("study-open-first")).to_be_visible()
    expect(learner.get_by_test_id("study")).to_have_count(0)

    # Its file is the PDF, served as the type detected at upload, sandboxed.
    href = learner.get_by_test_id("resource-open").get_attribute("href")
    served = learner.request.get(href)
    assert served.status == 200 and served.body().startswith(b"%PDF-")
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]

    # Having opened it, "I have opened it" brings the button; studied once, hours in the passport.
    learner.get_by_test_id("study-open-first").get_by_role("button").click()
    learner.get_by_test_id("study").click()
    expect(learner.get_by_test_id("studied")).to_be_visible()
    expect(learner.get_by_test_id("study")).to_have_count(0)
    learner.goto("/me/passport/")
    expect(learner.get_by_test_id("total-hours")).to_have_text("1.5")
    entry = learner.get_by_test_id("passport-entries").locator("tbody tr")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("老年人手机防骗讲义")
    expect(entry.locator("td").nth(3)).to_have_text("1.5")
