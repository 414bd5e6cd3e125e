"""The passport end to end in a real browser: staff check a learner in at the venue, the
learner sees the hours in their passport and downloads the certificate, and a visitor checks
the certificate on the public verify page."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from lifelong.activities import services
from lifelong.institutions.models import Institution
from lifelong.passport.models import Certificate
from lifelong.testkit.browser import sign_in, staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def activity_happening_now(demo):
    """A certificate course of the Tongyuan community school whose one session (1.5 hours)
    started ten minutes ago, published, with the elder learner registered."""
    now = timezone.now()
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    activity = services.activity_create(
        actor=demo.organizer,
        institution=school,
        sessions=[{"starts_at": now - timedelta(minutes=10), "ends_at": now + timedelta(minutes=80)}],
        title="智能手机入门",
        title_en="Smartphone basics",
        category="digital_skills",
        capacity=10,
        registration_opens=now - timedelta(days=1),
        registration_closes=now + timedelta(hours=1),
        hours=0,  # a session earns its length
        certificate=True,
        completion_share=80,
    )
    activity = services.activity_publish(actor=demo.county_admin, activity=activity)
    services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    return activity


def test_a_checked_in_learner_gets_hours_and_a_certificate_that_a_visitor_verifies(demo, new_page):
    learner = demo.elder_learner
    session = activity_happening_now(demo).sessions.get()

    # Staff check the learner in by name at the venue.
    staff = new_page()
    staff_sign_in(staff, demo.organizer.phone, demo.password)
    staff.goto(f"/console/sessions/{session.pk}/checkin/")
    row = staff.get_by_test_id("checkin-list").get_by_role("listitem").filter(has_text=learner.name)
    row.get_by_role("button").click()
    expect(staff).to_have_url(re.compile(rf"/console/sessions/{session.pk}/checkin/$"))
    expect(row.get_by_role("button")).to_have_count(0)
    expect(staff.get_by_test_id("checkin-qr")).to_contain_text("已签到 1 人")

    certificate = Certificate.objects.get(learner=learner, activity=session.activity)
    serial = certificate.serial

    # The learner sees the hours, the entry and the certificate, and downloads the PDF.
    mine = new_page()
    sign_in(mine, learner.phone, demo.password)
    expect(mine).to_have_url(re.compile(r"/me/$"))
    expect(mine.get_by_test_id("total-hours")).to_have_text("1.5")
    mine.get_by_test_id("open-passport").click()
    expect(mine).to_have_url(re.compile(r"/me/passport/$"))
    expect(mine.get_by_test_id("total-hours")).to_have_text("1.5")
    entry = mine.get_by_test_id("passport-entries").locator("tbody tr")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("智能手机入门")
    expect(entry.locator("td").nth(3)).to_have_text("1.5")
    expect(mine.get_by_test_id("certificates")).to_contain_text(serial)
    with mine.expect_download() as download_info:
        mine.get_by_test_id("certificate-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"certificate-{serial}.pdf"
    with open(download.path(), "rb") as downloaded:
        content = downloaded.read()
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert learner.name in text
    assert serial in text

    # A visitor, not signed in, checks the serial.
    visitor = new_page()
    visitor.goto("/verify/")
    visitor.get_by_test_id("verify-serial").fill(serial)
    visitor.locator("form", has=visitor.get_by_test_id("verify-serial")).locator("button[type=submit]").click()
    expect(visitor).to_have_url(re.compile(rf"/verify/{serial}/$"))
    expect(visitor.get_by_test_id("verify-status")).to_have_attribute("data-status", "valid")
    masked = learner.name[0] + "*" * (len(learner.name) - 1)
    expect(visitor.get_by_test_id("verify-holder")).to_have_text(masked)
    assert learner.name not in visitor.content()
