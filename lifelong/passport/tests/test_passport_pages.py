"""The learner's passport: /me/ and /me/passport/, the PDF archive and the exports."""

import csv
import io
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from lifelong.activities.tests.helpers import new_learner
from lifelong.notifications.models import Notification
from lifelong.passport import services
from lifelong.passport.exports import XAPI_NAMESPACE
from lifelong.passport.models import Certificate, LearningRecord
from lifelong.testkit.api import ApiClient

from .helpers import attend, course, enrol


@pytest.fixture
def learner_with_history(demo):
    learner = demo.elder_learner
    activity = course(demo, sessions=2, share=50)
    enrol(activity, learner)
    first, second = activity.sessions.all()
    attend(demo, first, learner)
    wrong = attend(demo, second, learner).learning_record
    services.record_reverse(actor=demo.organizer, record=wrong, reason="签到有误")
    return learner


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_me_and_the_passport_page_show_totals_entries_and_certificates(learner_with_history):
    client = signed_in(learner_with_history)
    me = client.get("/me/").content.decode()
    assert 'data-testid="total-hours">1.5<' in me
    page = client.get("/me/passport/").content.decode()
    assert "数字生活课堂" in page and "签到有误" in page
    serial = Certificate.objects.get().serial
    assert serial in page and f"/me/certificates/{serial}.pdf" in page


def test_the_archive_pdf_has_extractable_chinese_text_with_name_and_hours(learner_with_history):
    response = signed_in(learner_with_history).get("/me/passport/archive.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert learner_with_history.name in text
    assert "学习档案" in text and "数字生活课堂" in text
    assert "1.5" in text  # the hours in all, after the correction
    assert Certificate.objects.get().serial in text


def test_the_certificate_pdf_names_the_holder_the_hours_and_the_serial(learner_with_history):
    certificate = Certificate.objects.get()
    response = signed_in(learner_with_history).get(f"/me/certificates/{certificate.serial}.pdf")
    text = pdf_text(response.content)
    assert learner_with_history.name in text and certificate.serial in text
    assert "结业证书" in text and str(certificate.hours) in text


def test_exports_in_json_csv_and_xapi(learner_with_history):
    client = signed_in(learner_with_history)
    archive = json.loads(client.get("/me/passport/export.json").content)
    assert archive["total_hours"] == "1.5" and len(archive["entries"]) == 3
    document = archive["certificates"][0]
    assert document["payload"]["holder"] == learner_with_history.name and document["signature"]
    rows = list(csv.DictReader(io.StringIO(client.get("/me/passport/export.csv").content.decode("utf-8-sig"))))
    assert sorted(row["hours"] for row in rows) == ["-1.5", "1.5", "1.5"]
    statements = json.loads(client.get("/me/passport/export.xapi").content)
    verbs = [s["verb"]["display"]["en-US"] for s in statements]
    assert verbs.count("attended") == 2 and verbs.count("voided") == 1
    voided = next(s for s in statements if s["verb"]["display"]["en-US"] == "voided")
    wrong = LearningRecord.objects.filter(reversed_by__isnull=False).get()
    assert voided["object"]["objectType"] == "StatementRef"
    # The voided statement points at the statement of the entry that was corrected.
    assert voided["object"]["id"] == str(uuid.uuid5(XAPI_NAMESPACE, f"record:{wrong.pk}"))
    assert voided["object"]["id"] in {s["id"] for s in statements if s["verb"]["display"]["en-US"] == "attended"}
    assert all(s["actor"]["account"]["name"] == str(learner_with_history.pk) for s in statements)
    assert learner_with_history.phone not in json.dumps(statements)
    again = json.loads(client.get("/me/passport/export.xapi").content)
    assert [s["id"] for s in again] == [s["id"] for s in statements]  # stable ids: re-export is idempotent
    assert client.get("/me/passport/export.pdfx").status_code == 404


def test_a_learner_never_sees_another_learners_passport_or_certificate(demo, learner_with_history):
    serial = Certificate.objects.get().serial
    other = signed_in(demo.young_learner)
    assert "数字生活课堂" not in other.get("/me/passport/").content.decode()
    assert other.get(f"/me/certificates/{serial}.pdf").status_code == 404
    assert other.get(f"/me/certificates/{serial}.json").status_code == 404
    assert json.loads(other.get("/me/passport/export.json").content)["entries"] == []
    assert ApiClient(demo.young_learner).get(f"/learners/{learner_with_history.pk}/passport").status_code == 404
    anonymous = Client()
    for url in ("/me/passport/", "/me/passport/archive.pdf", f"/me/certificates/{serial}.pdf"):
        assert anonymous.get(url).status_code == 302


def test_the_passport_api(demo, learner_with_history):
    data = ApiClient(learner_with_history).get("/me/passport", page_size=2).json()
    assert data["total_hours"] == 1.5 and data["total_points"] == 15
    assert data["entries_count"] == 3 and len(data["entries"]) == 2
    entry = data["entries"][0]
    assert {"id", "date", "source", "hours", "points", "title", "reverses"} <= set(entry)
    assert data["certificates"][0]["serial"] == Certificate.objects.get().serial
    assert data["certificates"][0]["document"]["signature"]
    assert ApiClient().get("/me/passport").status_code == 401


def test_the_passport_page_runs_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    learner = demo.elder_learner
    for _ in range(3):
        activity = course(demo, sessions=3, certificate=True, share=30)
        enrol(activity, learner)
        for session in activity.sessions.all():
            attend(demo, session, learner)
    client = signed_in(learner)
    with django_assert_max_num_queries(16):
        assert client.get("/me/passport/").status_code == 200


def test_a_family_member_opens_the_passport_of_a_relative_they_manage(demo, django_capture_on_commit_callbacks):
    from lifelong.accounts.services import managed_profile_create
    from lifelong.activities import services as activity_services

    relative = managed_profile_create(
        actor=demo.young_learner, name="李奶奶", birth_year=1944, home_region=demo.elder_learner.home_region
    )
    activity = course(demo, sessions=1)
    activity_services.registration_create(actor=demo.young_learner, activity=activity, learner=relative)
    with django_capture_on_commit_callbacks(execute=True):
        attend(demo, activity.sessions.get(), relative)
    serial = Certificate.objects.get(learner=relative).serial
    notice = Notification.objects.get(recipient=demo.young_learner, kind="certificate")
    assert notice.link == f"/me/family/{relative.pk}/passport/" and "李奶奶" in notice.text
    family = signed_in(demo.young_learner)
    assert f"/me/family/{relative.pk}/passport/" in family.get("/me/").content.decode()
    page = family.get(f"/me/family/{relative.pk}/passport/").content.decode()
    assert "李奶奶" in page and serial in page and f"/me/family/{relative.pk}/certificates/{serial}.pdf" in page
    assert "李奶奶" in pdf_text(family.get(f"/me/family/{relative.pk}/passport/archive.pdf").content)
    assert serial in pdf_text(family.get(f"/me/family/{relative.pk}/certificates/{serial}.pdf").content)
    assert family.get(f"/me/family/{relative.pk}/passport/export.csv").status_code == 200
    assert family.get(f"/me/certificates/{serial}.pdf").status_code == 404  # not the family member's own
    stranger = signed_in(demo.elder_learner)
    for url in (
        f"/me/family/{relative.pk}/passport/",
        f"/me/family/{relative.pk}/passport/archive.pdf",
        f"/me/family/{relative.pk}/certificates/{serial}.pdf",
        f"/me/family/{demo.young_learner.pk}/passport/",  # a person with a phone is nobody's relative here
    ):
        assert stranger.get(url).status_code == 404, url


def test_names_and_titles_are_text_in_the_pdf_and_harmless_in_the_csv(demo):
    learner = demo.elder_learner
    activity = course(demo, sessions=1, title='<b>书法 & <img src="/etc/hostname"/>', title_en="")
    enrol(activity, learner)
    attend(demo, activity.sessions.get(), learner)
    from lifelong.passport import services as passport_services

    passport_services.record_adjust(
        actor=demo.village_admin,
        learner=learner,
        hours=Decimal("1"),
        learned_on=timezone.localdate(),
        title='=HYPERLINK("http://evil")',
        reason="补录",
    )
    client = signed_in(learner)
    response = client.get("/me/passport/archive.pdf")
    assert response.status_code == 200
    assert '<b>书法 & <img src="/etc/hostname"/>' in pdf_text(response.content)
    rows = list(csv.DictReader(io.StringIO(client.get("/me/passport/export.csv").content.decode("utf-8-sig"))))
    assert {row["title"] for row in rows} >= {'\'=HYPERLINK("http://evil")'}
    assert any(row["hours"] == "-1.0" or row["hours"] == "1.0" for row in rows)  # numbers stay numbers


@pytest.mark.parametrize("size", [1, 4])
def test_console_passport_pages_run_a_fixed_number_of_queries(demo, verified_client, django_assert_num_queries, size):
    """The same number of queries with one course or four (the count is pinned for both)."""
    for _ in range(size):
        for learner in (demo.elder_learner, new_learner(demo)):
            activity = course(demo, sessions=2, share=50)
            enrol(activity, learner)
            for session in activity.sessions.all():
                attend(demo, session, learner)
    client = verified_client(demo.county_admin)
    today = timezone.localdate()
    period = f"date_from={today.year - 1}-01-01&date_to={today.year + 1}-12-31"
    pages = {
        f"/console/learners/{demo.elder_learner.pk}/passport/": 16,
        "/console/certificates/": 7,
        f"/console/learning-stars/?region=330424105&{period}": 10,  # the open honour calls: one more
        "/console/imports/": 6,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


def test_each_certificate_is_a_card_with_three_buttons_a_person_can_find(learner_with_history):
    """The actions were three small links in a sentence; now each is a named button-sized link."""
    serial = Certificate.objects.get().serial
    page = signed_in(learner_with_history).get("/me/passport/").content.decode()
    card = re.search(r'<li class="ll-card ll-cert[^"]*" data-testid="certificate">.*?</section>', page, re.S).group(0)
    links = dict(re.findall(r'<a href="([^"]+)" role="button"[^>]*data-testid="certificate-(\w+)"', card))
    assert {kind: href for href, kind in links.items()} == {
        "pdf": f"/me/certificates/{serial}.pdf",
        "document": f"/me/certificates/{serial}.json",
        "verify": f"/verify/{serial}/",
    }
    names = re.sub(r"<[^>]+>", " ", card)
    assert "下载证书" in names or "Download the certificate (PDF)" in names
    assert "验证页" in names or "Verification page" in names
    # The figures are tiles, the certificates counted among them.
    assert 'data-testid="certificate-count">1<' in page and 'data-testid="year-hours">' in page
    # The month and category tables scroll inside focusable, named regions.
    region = r'<div class="ll-table-wrap" tabindex="0" role="region" aria-labelledby="[^"]+">\s*'
    for table in ("hours-by-category", "hours-by-month", "passport-entries"):
        assert re.search(region + rf'<table [^>]*data-testid="{table}"', page), table
