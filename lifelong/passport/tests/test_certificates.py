"""Completion, certificates and their verification: online, by API and offline."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.notifications.models import Notification
from lifelong.passport import services, signing
from lifelong.passport.exports import certificate_document
from lifelong.passport.models import Certificate, Completion
from lifelong.testkit.api import ApiClient

from .helpers import attend, course, course_completed, enrol


@pytest.fixture
def certificate(demo, django_capture_on_commit_callbacks):
    course_completed(demo, demo.elder_learner, django_capture_on_commit_callbacks)
    return Certificate.objects.get()


def test_the_check_in_that_reaches_the_share_completes_and_certifies(demo, django_capture_on_commit_callbacks):
    activity = course(demo, sessions=5, share=80)
    learner = demo.elder_learner
    enrol(activity, learner)
    sessions = list(activity.sessions.all())
    for session in sessions[:3]:
        attend(demo, session, learner)
    assert not Completion.objects.exists() and not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        attend(demo, sessions[3], learner)  # 4 of 5 = 80 %
    completion = Completion.objects.get(learner=learner, activity=activity)
    assert (completion.sessions_attended, completion.sessions_total) == (4, 5)
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.hours == 6 and certificate.completion == completion  # 4 × 1.5 h
    assert json.loads(certificate.payload)["hours"] == "6.0"  # one spelling on every database
    assert certificate.serial.startswith("LL-")
    notice = Notification.objects.get(recipient=learner, kind="certificate")
    assert certificate.serial in notice.text and notice.link == "/me/passport/"
    attend(demo, sessions[4], learner)  # a fifth check-in issues nothing more
    assert Certificate.objects.count() == 1 and Completion.objects.count() == 1


def test_no_certificate_when_the_activity_offers_none(demo):
    activity = course(demo, sessions=1, certificate=False)
    enrol(activity, demo.elder_learner)
    attend(demo, activity.sessions.get(), demo.elder_learner)
    assert Completion.objects.count() == 1 and not Certificate.objects.exists()


def test_signatures_fail_for_a_tampered_payload_a_wrong_key_or_a_forged_signature(certificate):
    payload = json.loads(certificate.payload)
    public = certificate.key.public_key
    assert signing.verify(payload, certificate.signature, public)
    assert not signing.verify({**payload, "hours": "99.0"}, certificate.signature, public)
    assert not signing.verify({**payload, "holder": "李四"}, certificate.signature, public)
    other = signing.key_create()
    assert not signing.verify(payload, certificate.signature, other.public_key)
    assert not signing.verify(payload, "AAAA" + certificate.signature[4:], public)
    assert not signing.verify(payload, "not base64!", public)


def test_certificates_signed_by_an_old_key_still_verify_after_rotation(demo, certificate):
    old_key = certificate.key
    new_key = signing.key_rotate()
    old_key.refresh_from_db()
    assert old_key.retired_at is not None and new_key.retired_at is None
    assert signing.signing_key() == new_key
    activity = course(demo, sessions=1)
    enrol(activity, demo.young_learner)
    attend(demo, activity.sessions.get(), demo.young_learner)
    newer = Certificate.objects.get(learner=demo.young_learner)
    assert newer.key == new_key
    keys = signing.published_keys()
    assert {k["id"] for k in keys["keys"]} == {old_key.key_id, new_key.key_id}
    for cert in (certificate, newer):
        assert signing.verify_document(certificate_document(cert), keys)[0]


def test_the_verify_page_shows_genuine_revoked_unknown_and_tampered(client, demo, certificate):
    page = client.get(f"/verify/{certificate.serial}/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in body
    name = demo.elder_learner.name
    assert name not in body and name[0] + "*" * (len(name) - 1) in body
    assert demo.elder_learner.phone not in body
    assert client.get(f"/verify/{certificate.serial.lower()}/").status_code == 200
    assert 'data-status="unknown"' in client.get("/verify/LL-2026-NOSUCH00/").content.decode()
    assert client.get("/verify/LL-2026-NOSUCH00/").status_code == 404
    services.certificate_revoke(actor=demo.county_admin, certificate=certificate, reason="出勤记录有误")
    body = client.get(f"/verify/{certificate.serial}/").content.decode()
    assert 'data-status="revoked"' in body and "出勤记录有误" in body
    # A payload changed in the database behind the site's back no longer verifies.
    payload = json.loads(certificate.payload)
    payload["hours"] = "99.0"
    Certificate.objects.filter(pk=certificate.pk).update(payload=signing.canonical(payload).decode(), status="valid")
    assert 'data-status="tampered"' in client.get(f"/verify/{certificate.serial}/").content.decode()


def test_the_api_answers_the_same_with_no_personal_data(demo, certificate):
    api = ApiClient()
    data = api.get(f"/certificates/{certificate.serial}").json()
    assert data["status"] == "valid" and data["serial"] == certificate.serial
    assert data["holder"] != demo.elder_learner.name and data["holder"].startswith(demo.elder_learner.name[0])
    assert data["hours"] == 1.5 and data["reason"] is None
    assert not {"phone", "learner", "birth_year", "home_region"} & set(data)
    missing = api.get("/certificates/LL-2026-NOSUCH00")
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_certificate"
    ApiClient(demo.county_admin).post(f"/certificates/{certificate.serial}/revoke", {"reason": "重复发放"})
    data = api.get(f"/certificates/{certificate.serial}").json()
    assert data["status"] == "revoked" and data["reason"] == "重复发放"
    keys = api.get("/certificate-keys").json()
    assert keys["algorithm"] == "Ed25519" and keys["keys"][0]["id"] == certificate.key.key_id


def test_revoking_needs_scope_and_a_reason_and_happens_once(demo, certificate, django_capture_on_commit_callbacks):
    for outsider in (demo.town_admin, demo.organizer, demo.elder_learner):  # Wuyuan; not an admin; the holder
        with pytest.raises(NotFound):
            services.certificate_revoke(actor=outsider, certificate=certificate, reason="无效")
    with pytest.raises(InvalidInput):
        services.certificate_revoke(actor=demo.village_admin, certificate=certificate, reason="")
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(actor=demo.village_admin, certificate=certificate, reason="冒名签到")
    notice = Notification.objects.get(recipient=demo.elder_learner, kind="cert_revoked")
    assert certificate.serial in notice.text and "冒名签到" in notice.text
    with pytest.raises(Conflict) as error:
        services.certificate_revoke(actor=demo.county_admin, certificate=certificate, reason="再次")
    assert error.value.code == "already_revoked"
    response = ApiClient(demo.town_admin).post(f"/certificates/{certificate.serial}/revoke", {"reason": "x"})
    assert response.status_code == 404


def test_the_offline_command_checks_a_signed_file_against_published_keys(tmp_path, certificate, capsys):
    document = tmp_path / "certificate.json"
    keys = tmp_path / "keys.json"
    document.write_text(json.dumps(certificate_document(certificate), ensure_ascii=False), encoding="utf-8")
    keys.write_text(json.dumps(signing.published_keys()), encoding="utf-8")
    with connection.execute_wrapper(_no_queries):  # offline: it must not touch the database
        call_command("certificate_verify", str(document), "--keys", str(keys))
    assert "GENUINE" in capsys.readouterr().out
    forged = certificate_document(certificate)
    forged["payload"]["hours"] = "120.0"
    document.write_text(json.dumps(forged, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="NOT GENUINE"):
        call_command("certificate_verify", str(document), "--keys", str(keys))
    keys.write_text(json.dumps({"keys": []}), encoding="utf-8")
    document.write_text(json.dumps(certificate_document(certificate), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="not among the published keys"):
        call_command("certificate_verify", str(document), "--keys", str(keys))


def _no_queries(execute, sql, params, many, context):
    raise AssertionError(f"the offline check ran SQL: {sql}")


def test_key_rotation_command(certificate, capsys):
    call_command("certificate_keys", "rotate")
    call_command("certificate_keys", "list")
    out = capsys.readouterr().out
    assert "New signing key" in out and "retired" in out and "signing" in out
    call_command("certificate_keys", "export")
    assert len(json.loads(capsys.readouterr().out)["keys"]) == 2


def test_private_keys_are_stored_encrypted(certificate):
    key = certificate.key
    assert key.private_key_encrypted.startswith("gAAAA")  # a Fernet token, not raw key bytes
    assert key.public_key not in key.private_key_encrypted


def test_the_verify_form_forgives_case_and_spaces_and_answers_junk_as_unknown(client, certificate):
    typed = " " + certificate.serial.lower().replace("-", " - ", 1) + " "
    response = client.get("/verify/", {"serial": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.serial}/"
    junk = client.get("/verify/", {"serial": "<script>x</script>" * 20})
    assert junk.status_code == 404 and 'data-status="unknown"' in junk.content.decode()
    assert "<script>x" not in junk.content.decode()
    assert client.get("/verify/").status_code == 200


def test_a_changed_secret_key_starts_a_new_signing_key_and_old_certificates_still_verify(demo, certificate, settings):
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    activity = course(demo, sessions=1)
    enrol(activity, demo.young_learner)
    attend(demo, activity.sessions.get(), demo.young_learner)  # completes: needs a usable key
    newer = Certificate.objects.get(learner=demo.young_learner)
    assert newer.key != certificate.key
    keys = signing.published_keys()
    assert all(signing.verify_document(certificate_document(c), keys)[0] for c in (certificate, newer))


def test_a_secret_key_rotated_the_django_way_keeps_the_signing_key(certificate, settings):
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-secret-key-" + "y" * 40
    assert signing.signing_key() == certificate.key
    assert signing.sign({"a": "b"}, certificate.key)


def verdict_of(body: str) -> str:
    return re.search(r'<div class="ll-verdict[^"]*" data-testid="verify-status".*?</div>\s*</div>', body, re.S).group(0)


def test_the_verify_page_states_its_verdict_in_words_with_an_icon(client, demo, certificate):
    """Colour is never the only sign: each verdict has its own word and icon."""
    valid = verdict_of(client.get(f"/verify/{certificate.serial}/").content.decode())
    assert ("真实有效" in valid or "Genuine" in valid) and "#shield-check" in valid
    unknown = verdict_of(client.get("/verify/LL-2026-NOSUCH00/").content.decode())
    assert ("未找到" in unknown or "Not found" in unknown) and "LL-2026-NOSUCH00" in unknown
    services.certificate_revoke(actor=demo.county_admin, certificate=certificate, reason="出勤记录有误")
    revoked = verdict_of(client.get(f"/verify/{certificate.serial}/").content.decode())
    assert ("已撤销" in revoked or "Revoked" in revoked) and "#ban" in revoked and "出勤记录有误" in revoked
    # The search form is labelled and offers to check another one.
    body = client.get(f"/verify/{certificate.serial}/").content.decode()
    assert '<label for="verify-serial">' in body and 'id="verify-serial"' in body
