"""Every link that leaves the site uses the one configured public address, settings.SITE_URL:
check-in QR codes, .ics files and calendar feeds, emails, certificate verification links
(issue 13: "Links follow the server"). A server on another port gives links to that port."""

import io
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core import mail
from django.test import override_settings

from lifelong.activities import calendar, checkin, services
from lifelong.activities.tests.helpers import new_learner, published_activity
from lifelong.common.links import public_url
from lifelong.passport.exports import certificate_document
from lifelong.passport.models import Certificate
from lifelong.passport.pdf import certificate_pdf
from lifelong.passport.tests.helpers import course_completed

SITE = "http://127.0.0.1:8123"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def certificate(demo, django_capture_on_commit_callbacks):
    course_completed(demo, demo.elder_learner, django_capture_on_commit_callbacks)
    return Certificate.objects.get()


@pytest.mark.parametrize("site", [SITE, SITE + "/"])
def test_a_public_url_joins_the_address_and_the_path_with_one_slash(settings, site):
    settings.SITE_URL = site
    assert public_url("/verify/") == f"{SITE}/verify/"
    assert public_url("calendar/x.ics") == f"{SITE}/calendar/x.ics"


@override_settings(SITE_URL=SITE)
def test_the_activity_ics_and_the_private_feed_link_to_the_site(demo, client):
    activity = published_activity(demo)
    ics = client.get(f"/activities/{activity.pk}/calendar.ics").content.decode()
    assert f"{SITE}/activities/{activity.pk}/" in ics.replace("\r\n ", "")
    assert ":8000" not in ics
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    feed = client.get(f"/calendar/{calendar.feed_for(learner).token}.ics").content.decode()
    assert f"{SITE}/activities/{activity.pk}/" in feed.replace("\r\n ", "") and ":8000" not in feed


@override_settings(SITE_URL=SITE)
def test_my_page_shows_the_calendar_address_on_the_site_not_the_request_host(demo, client):
    learner = new_learner(demo)
    client.force_login(learner)
    page = client.get("/me/", HTTP_HOST="localhost").content.decode()
    token = calendar.feed_for(learner).token
    assert f'value="{SITE}/calendar/{token}.ics"' in page


@override_settings(SITE_URL=SITE)
def test_the_check_in_qr_code_leads_to_the_site(demo, verified_client):
    activity = published_activity(demo)
    session = activity.sessions.get()
    response = verified_client(demo.organizer).get(f"/console/sessions/{session.pk}/checkin/qr/")
    assert response.status_code == 200
    link = response.context["qr_link"]
    assert link.startswith(f"{SITE}/checkin/{session.pk}/?t=")
    token = unquote(link.split("?t=", 1)[1])
    assert checkin.checkin_url(session=session, token=token) == link
    learner = new_learner(demo)  # the code the QR holds checks a learner in
    services.registration_create(actor=learner, activity=activity, learner=learner)
    during = session.starts_at + timedelta(minutes=5)
    assert checkin.checkin_record(actor=learner, session=session, token=token, now=during).method == "qr"


@override_settings(SITE_URL=SITE)
def test_the_certificate_verify_links_lead_to_the_site(certificate):
    verify = f"{SITE}/verify/{certificate.serial}/"
    assert certificate_document(certificate)["verify_url"] == verify
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(certificate_pdf(certificate))).pages)
    assert verify in text.replace("\n", "") and ":8000" not in text


@override_settings(SITE_URL=SITE)
def test_a_notice_email_links_to_the_site(demo, django_capture_on_commit_callbacks):
    learner = new_learner(demo, email="learner@example.com")
    activity = published_activity(demo)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    assert f"{SITE}/activities/{activity.pk}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("bind", "expected"),
    [("127.0.0.1:8123", "http://127.0.0.1:8123/"), ("localhost:9000", "http://localhost:9000/")],
)
def test_make_run_derives_the_public_address_from_bind(bind, expected):
    answer = subprocess.run(
        [str(ROOT / "scripts/site-url.sh"), bind], capture_output=True, text=True, check=True, timeout=10
    )
    assert answer.stdout.strip() == expected


def test_make_run_names_a_reachable_address_when_listening_everywhere():
    answer = subprocess.run(
        [str(ROOT / "scripts/site-url.sh"), "0.0.0.0:8123"], capture_output=True, text=True, check=True, timeout=10
    )
    assert answer.stdout.startswith("http://") and answer.stdout.strip().endswith(":8123/")
    assert "0.0.0.0" not in answer.stdout  # noqa: S104 - asserts the wildcard is *not* handed out


def test_make_run_keeps_a_site_url_given_outside():
    script = (ROOT / "scripts/run.sh").read_text()
    assert 'SITE_URL="${SITE_URL:-$(scripts/site-url.sh "$BIND")}"' in script and "export SITE_URL" in script
