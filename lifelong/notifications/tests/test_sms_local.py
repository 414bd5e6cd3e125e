"""The local SMS backends, where production draws the line, and the secret of the receipt
address kept out of the logs; the failed-SMS list staff read in the admin."""

import io
import logging
import os
import runpy
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from lifelong.notifications.models import SmsMessage, SmsStatus
from lifelong.notifications.sms import DiscardSmsBackend, send_sms
from lifelong.notifications.tests.helpers import sms_message

ROOT = Path(__file__).resolve().parents[3]
PHONE = "13912345678"


@pytest.fixture
def loose_umask():
    """The usual umask (022): without care, new files would be readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_file_outbox_is_readable_by_its_owner_only(settings, tmp_path, loose_umask):
    settings.SMS_BACKEND = "lifelong.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "var" / "sms"
    send_sms(PHONE, "您的验证码是 123456", template="code", params={"code": "123456"})
    [outbox] = settings.SMS_FILE_PATH.iterdir()
    assert mode(settings.SMS_FILE_PATH) == 0o700
    assert mode(outbox) == 0o600
    assert f"{PHONE}\t您的验证码是 123456" in outbox.read_text(encoding="utf-8")


def test_an_outbox_an_earlier_version_left_open_is_closed_at_the_next_message(settings, tmp_path, loose_umask):
    settings.SMS_BACKEND = "lifelong.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    send_sms(PHONE, "one")
    [outbox] = settings.SMS_FILE_PATH.iterdir()
    settings.SMS_FILE_PATH.chmod(0o755)
    outbox.chmod(0o644)
    send_sms(PHONE, "two")
    assert (mode(settings.SMS_FILE_PATH), mode(outbox)) == (0o700, 0o600)
    assert outbox.read_text(encoding="utf-8").count(PHONE) == 2  # appended, not replaced


def test_the_discard_backend_sends_and_keeps_nothing(settings, tmp_path):
    settings.SMS_BACKEND = "lifelong.notifications.sms.DiscardSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    send_sms(PHONE, "hello")
    assert not settings.SMS_FILE_PATH.exists() and not vars(DiscardSmsBackend())


def test_the_bench_runs_production_settings_with_the_discard_backend():
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "DJANGO_", "LIFELONG_"))}
    probe = "import bench.settings as s; print(s.SMS_BACKEND)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "lifelong.notifications.sms.DiscardSmsBackend"


# --- Production: no sign-in code in a file, a log line or an email ----------------------------

SPOOL_SMS = "lifelong.common.tests.spool_backends.SpoolSmsBackend"
SPOOL_EMAIL = "lifelong.common.tests.spool_backends.SpoolEmailBackend"


def test_where_local_backends_are_refused_a_file_spool_under_another_name_writes_nothing(settings, tmp_path):
    """Production's settings refuse the file outbox by name; a subclass of it under another
    path is refused at the first message, before any number or code reaches the disk."""
    settings.LOCAL_MESSAGE_BACKENDS_ALLOWED = False
    settings.SMS_BACKEND = SPOOL_SMS
    settings.SMS_FILE_PATH = tmp_path / "sms"
    with pytest.raises(ImproperlyConfigured, match="SMS_BACKEND"):
        send_sms(PHONE, "您的验证码是 123456", template="code", params={"code": "123456"})
    assert not settings.SMS_FILE_PATH.exists()


def message_backends_reach_people(app_configs) -> list:
    """Both system checks of where messages go: SMS (notifications) and email (common)."""
    from lifelong.common.checks import email_backend_keeps_no_mail
    from lifelong.notifications.checks import sms_backend_reaches_telephones

    return sms_backend_reaches_telephones(app_configs) + email_backend_keeps_no_mail(app_configs)


def test_the_system_check_refuses_local_backends_by_class_only_where_they_are_refused(settings):
    settings.SMS_BACKEND, settings.EMAIL_BACKEND = SPOOL_SMS, SPOOL_EMAIL
    assert message_backends_reach_people(None) == []  # demo, development and tests use them
    settings.LOCAL_MESSAGE_BACKENDS_ALLOWED = False
    assert [error.id for error in message_backends_reach_people(None)] == ["lifelong.E001", "lifelong.E002"]
    settings.SMS_BACKEND = "lifelong.notifications.sms.ConsoleSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [error.id for error in message_backends_reach_people(None)] == ["lifelong.E001", "lifelong.E002"]
    settings.SMS_BACKEND = "lifelong.notifications.sms.AliyunSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert message_backends_reach_people(None) == []


def test_the_system_check_refuses_a_gateway_template_for_a_kind_no_app_registers(settings):
    from lifelong.notifications.checks import sms_templates_name_known_kinds

    settings.SMS_BACKEND = "lifelong.notifications.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_TEMPLATES = {"notice": "SMS_1", "notice.reminder": "SMS_2"}
    assert sms_templates_name_known_kinds(None) == []  # activities registers `reminder`
    settings.SMS_ALIYUN_TEMPLATES = {"notice": "SMS_1", "notice.nonsense": "SMS_3"}
    [error] = sms_templates_name_known_kinds(None)
    assert error.id == "lifelong.E003" and "notice.nonsense" in error.msg


def test_a_reset_code_goes_by_sms_only_even_to_someone_with_an_email_address(
    demo, sms_outbox, mailoutbox, django_capture_on_commit_callbacks
):
    from lifelong.accounts import self_service

    learner = demo.elder_learner
    learner.email = "laoren@example.cn"
    learner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        self_service.password_reset_request(phone=learner.phone)
    [(phone, text)] = sms_outbox
    assert phone == learner.phone and any(char.isdigit() for char in text)
    assert mailoutbox == []


# --- The receipt token never reaches a log ---------------------------------------------------

TOKEN = "q8ZkT3vN0pW6yR1mB5xC9aD2fG7hJ4sL"


def test_django_logs_a_receipt_address_with_its_token_masked(db, client, settings):
    """A 400 for a bad body is logged by django.request with the path: the token is masked."""
    settings.SMS_RECEIPT_TOKEN = TOKEN
    [handler] = [h for h in logging.getLogger().handlers if getattr(h, "name", "") == "console"]
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        response = client.post(f"/sms/receipts/{TOKEN}/", "not json", content_type="application/json")
    finally:
        handler.setStream(previous)
    assert response.status_code == 400
    assert "Bad Request: /sms/receipts/***/" in captured.getvalue()
    assert TOKEN not in captured.getvalue()


def test_the_filter_masks_only_the_secret_part():
    from lifelong.common.logmask import mask_secret_paths

    assert mask_secret_paths(f"POST /sms/receipts/{TOKEN}/ HTTP/1.1") == "POST /sms/receipts/***/ HTTP/1.1"
    assert mask_secret_paths("GET /activities/12/?q=sms HTTP/1.1") == "GET /activities/12/?q=sms HTTP/1.1"


def test_gunicorns_access_log_masks_the_token():
    from gunicorn.config import Config

    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    logger_class = settings["logger_class"]
    config = Config()
    config.set("logger_class", logger_class)
    logger = config.logger_class(config)
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/sms/receipts/{TOKEN}/",
        "PATH_INFO": f"/sms/receipts/{TOKEN}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "106.11.0.1",
    }

    class Response:
        status = "200 OK"
        sent = 26
        headers = []

    class Request:
        headers = [("USER-AGENT", "Aliyun-SMS-Report"), ("REFERER", f"https://example.cn/sms/receipts/{TOKEN}/")]

    atoms = logger.atoms(Response(), Request(), environ, timedelta(milliseconds=3))
    line = config.access_log_format % atoms
    assert TOKEN not in line and "/sms/receipts/***/" in line
    assert TOKEN not in repr(atoms)


# --- Failed messages, counted for staff in the admin ------------------------------------------


def _message(status: SmsStatus, error_code: str = "", phone: str = PHONE) -> SmsMessage:
    return sms_message(phone, status, template="notice.organizer_msg", error_code=error_code)


@pytest.fixture
def root_client(db, verified_client):
    root = get_user_model().objects.create_superuser("13600000001", "root-pass-long-1", name="运维")
    return verified_client(root)


def test_staff_see_failed_messages_counted_with_masked_numbers_and_codes(root_client):
    _message(SmsStatus.FAILED, "isv.PARAM_LENGTH_LIMIT")
    _message(SmsStatus.FAILED, "isv.BUSINESS_LIMIT_CONTROL", phone="13900000099")
    _message(SmsStatus.DELIVERED)
    response = root_client.get("/admin/notifications/smsmessage/?status__exact=failed")
    assert response.context["cl"].result_count == 2
    page = response.content.decode()
    assert "isv.PARAM_LENGTH_LIMIT" in page and "isv.BUSINESS_LIMIT_CONTROL" in page
    assert "139****5678" in page and PHONE not in page and "13900000099" not in page
    everything = root_client.get("/admin/notifications/smsmessage/").content.decode()
    # The status filter counts each value: 2 failed, 1 delivered.
    assert (
        f"{SmsStatus.FAILED.label} (2)" in everything or "(2)" in everything.split("status__exact=failed", 1)[1][:200]
    )


def test_a_full_number_finds_its_messages_through_the_hash(root_client):
    _message(SmsStatus.FAILED, "isv.PARAM_LENGTH_LIMIT")
    _message(SmsStatus.FAILED, "isv.BUSINESS_LIMIT_CONTROL", phone="13900000099")
    posted = root_client.post("/admin/notifications/smsmessage/", {"_search": "1", "q": PHONE})
    assert PHONE not in posted["Location"]  # the search is in the session, the URL has a handle
    response = root_client.get(posted["Location"])
    assert [m.error_code for m in response.context["cl"].result_list] == ["isv.PARAM_LENGTH_LIMIT"]
    assert PHONE not in "".join(str(m) for m in response.context["cl"].result_list)


def test_the_admin_list_changes_nothing(root_client):
    message = _message(SmsStatus.FAILED, "timeout")
    assert root_client.get("/admin/notifications/smsmessage/add/").status_code == 403
    root_client.post(f"/admin/notifications/smsmessage/{message.pk}/change/", {"status": "delivered"})
    root_client.post(f"/admin/notifications/smsmessage/{message.pk}/delete/", {"post": "yes"})
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
