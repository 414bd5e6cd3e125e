"""The passport in the access-control matrix: persona × (a learner's passport, a ledger
correction, certificates and their revocation, imports, the learning-star list).

The oracle: the elder learner lives in the village admin's Tongyuan village, the young learner
in Wuyuan (the town admin's subdistrict). A learner's passport is open to admins whose region
code prefixes the learner's home village. An attendance entry of a Tongyuan school activity may
be corrected by that school's organizer too. A certificate is administered by admins over the
activity's institution (the Tongyuan school: the county) or over the holder's home.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.passport import import_jobs
from lifelong.passport.models import Certificate, LearningRecord, RecordImport
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import covers, expect_api, expect_page, is_staff, matrix_world

from .helpers import course_completed
from .test_imports import csv_bytes, upload


@pytest.fixture
def world(demo, verified_client, django_capture_on_commit_callbacks):
    world = matrix_world(demo, verified_client, ganpu_phone="13600000029")
    course_completed(demo, demo.elder_learner, django_capture_on_commit_callbacks)
    content = csv_bytes([["M-1", demo.elder_learner.phone, "", "2025-05-01", "讲座", "2", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        village_import = import_jobs.record_import_start(
            actor=demo.village_admin, upload=upload("m.csv", content), issuer="某机构"
        )
    return {
        **world,
        "record": LearningRecord.objects.get(source="attendance"),
        "certificate": Certificate.objects.get(),
        "import": village_import,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_learners_passport_opens_for_admins_over_their_home_only(world, persona):
    demo, client, api = world["demo"], world["web"][persona], ApiClient(world["actors"][persona])
    for learner in (demo.elder_learner, demo.young_learner):
        allowed = covers(world["codes"], persona, learner.home_region.code)
        expect_page(client.get(f"/console/learners/{learner.pk}/passport/"), allowed, persona)
        expect_page(client.get(f"/console/learners/{learner.pk}/passport/archive.pdf"), allowed, persona)
        for certificate in Certificate.objects.filter(learner=learner):
            url = f"/console/learners/{learner.pk}/certificates/{certificate.serial}.pdf"
            expect_page(client.get(url), allowed, persona)
        expect_api(api.get(f"/learners/{learner.pk}/passport"), allowed, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_corrections_follow_scope_and_a_refusal_changes_nothing(world, persona):
    demo, record = world["demo"], world["record"]
    allowed = persona == "organizer" or covers(world["codes"], persona, demo.elder_learner.home_region.code)
    response = world["web"][persona].post(f"/console/records/{record.pk}/reverse/", {"reason": "核对有误"})
    expect_page(response, allowed, persona, ok=302)
    assert LearningRecord.objects.filter(reverses=record).exists() == allowed
    if not allowed:
        api = ApiClient(world["actors"][persona])
        expect_api(api.post(f"/learning-records/{record.pk}/reverse", {"reason": "核对有误"}), False, persona)
        assert not LearningRecord.objects.filter(reverses=record).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_certificates_are_listed_and_revoked_by_admins_in_scope_only(world, persona):
    demo, certificate = world["demo"], world["certificate"]
    allowed = covers(world["codes"], persona, demo.elder_learner.home_region.code)  # the county covers the school too
    client = world["web"][persona]
    listing = client.get("/console/certificates/")
    expect_page(listing, is_staff(persona), persona)
    if is_staff(persona):
        assert (certificate.serial in listing.content.decode()) == allowed
    expect_api(
        ApiClient(world["actors"][persona]).post(f"/certificates/{certificate.serial}/revoke", {"reason": "  "}),
        allowed,
        persona,
        ok=422,  # in scope, the blank reason is what is refused
    )
    response = client.post(f"/console/certificates/{certificate.serial}/revoke/", {"reason": "出勤有误"})
    expect_page(response, allowed, persona, ok=302)
    certificate.refresh_from_db()
    assert (certificate.status == "revoked") == allowed
    # Anyone may check it, signed in or not.
    assert client.get(f"/verify/{certificate.serial}/").status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_imports_are_for_admins_and_visible_above_the_importer_only(world, persona):
    client = world["web"][persona]
    expect_page(client.get("/console/imports/"), persona in world["codes"], persona)
    village_code = world["codes"]["village_admin"]
    allowed = covers(world["codes"], persona, village_code)
    expect_page(client.get(f"/console/imports/{world['import'].pk}/"), allowed, persona)
    RecordImport.objects.filter(pk=world["import"].pk).update(status="failed")
    expect_page(client.post(f"/console/imports/{world['import'].pk}/retry/"), allowed, persona, ok=302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_resident_imports_are_for_admins_and_fill_only_villages_in_their_scope(
    world, persona, django_capture_on_commit_callbacks
):
    client = world["web"][persona]
    roster = residents_csv([["通元村民", "", "1950", "330424105201"], ["武原居民", "", "1960", "330424001001"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/imports/", {"kind": "learners", "file": upload("roster.csv", roster)})
    expect_page(response, persona in world["codes"], persona, ok=302)
    created = set(User.objects.filter(name__in=["通元村民", "武原居民"]).values_list("home_region__code", flat=True))
    assert created == {code for code in ("330424105201", "330424001001") if covers(world["codes"], persona, code)}
    job = RecordImport.objects.filter(kind="learners").first()
    if job is not None:  # an import belongs to the importer's region: admins over it see it
        county = world["web"]["county_admin"]
        assert county.get(f"/console/imports/{job.pk}/").status_code == 200
        ganpu = world["web"]["ganpu_admin"].get(f"/console/imports/{job.pk}/")
        assert ganpu.status_code == (200 if persona == "ganpu_admin" else 404)


def residents_csv(rows) -> bytes:
    return csv_bytes(rows, header=["name", "phone", "birth_year", "home_region"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_learning_star_list_covers_regions_in_scope_only(world, persona):
    client, api = world["web"][persona], ApiClient(world["actors"][persona])
    today = timezone.localdate()
    period = {
        "date_from": (today - timedelta(days=365)).isoformat(),
        "date_to": (today + timedelta(days=60)).isoformat(),
    }
    expect_page(client.get("/console/learning-stars/"), is_staff(persona), persona)
    for code in ("330424105", "330424001"):  # Tongyuan town, Wuyuan subdistrict
        allowed = covers(world["codes"], persona, code)
        page = client.get("/console/learning-stars/", {"region": code, **period})
        if allowed:
            assert world["demo"].elder_learner.name in page.content.decode() or code == "330424001"
        elif persona != "anonymous" and page.status_code == 200:
            assert 'data-testid="learning-stars"' not in page.content.decode()  # not a choice: form error
        expect_api(api.get("/learning-stars", region=code, **period), allowed, persona)
    village = world["codes"]["village_admin"]
    page = client.get("/console/learning-stars/", {"region": village, **period})
    if covers(world["codes"], persona, village):
        assert world["demo"].elder_learner.name in page.content.decode()
    response = api.get("/learning-stars", region=village, **period)
    expect_api(response, covers(world["codes"], persona, village), persona)
    if response.status_code == 200:
        assert response.json()["items"][0]["learner"]["id"] == world["demo"].elder_learner.pk
