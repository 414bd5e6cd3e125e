"""Production settings refuse insecure values, and `check --deploy` is clean with real ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k7#Qm2!vR9x@Lp4&Zt8^Wn3*Yb6(Hc1)Jd5-Fg0=Se2+Ua7?Oi4",
    "ALLOWED_HOSTS": "lifelong.haiyan.example",
    "DATABASE_URL": "sqlite:////tmp/lifelong-deploy-check.sqlite3",
    "SITE_URL": "https://lifelong.haiyan.example",
    # Production takes only a real gateway: Alibaba Cloud SMS, fully configured.
    "SMS_BACKEND": "lifelong.notifications.sms.AliyunSmsBackend",
    "SMS_ALIYUN_ACCESS_KEY_ID": "LTAI5tExampleKeyId",
    "SMS_ALIYUN_ACCESS_KEY_SECRET": "ExampleSecretExampleSecret0123",
    "SMS_ALIYUN_SIGN_NAME": "海盐终身学习",
    "SMS_ALIYUN_TEMPLATES": "notice=SMS_123456789,code=SMS_987654321,account_exists=SMS_12345001,welcome=SMS_12345002",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    drop = ("LIFELONG_DEMO", "DEBUG", "LIFELONG_TEST_DB", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **GOOD)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "1"}, "DEBUG"),
        ({"LIFELONG_DEMO": "1"}, "Demo mode"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"SITE_URL": "http://127.0.0.1:8000"}, "SITE_URL"),
        ({"SMS_BACKEND": "lifelong.notifications.sms.ConsoleSmsBackend"}, "SMS_BACKEND"),
        ({"SMS_BACKEND": "lifelong.notifications.sms.MemorySmsBackend"}, "SMS_BACKEND"),
        # The file spool writes every number and sign-in code in clear to disk.
        ({"SMS_BACKEND": "lifelong.notifications.sms.FileSmsBackend"}, "SMS_BACKEND"),
        ({"SMS_BACKEND": "lifelong.notifications.sms.DiscardSmsBackend"}, "SMS_BACKEND"),
        # Named where the backends lived before the notifications app took them: the same one.
        ({"SMS_BACKEND": "lifelong.common.sms.FileSmsBackend"}, "SMS_BACKEND"),
        ({"SMS_RECEIPT_TOKEN": "short"}, "SMS_RECEIPT_TOKEN"),
        # Email printed to the log or kept in files on the server: notices name people.
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "EMAIL_BACKEND"),
    ],
)
def test_production_refuses_to_start_with_an_insecure_value(override, complaint):
    result = manage("check", **{**GOOD, **override})
    assert result.returncode != 0
    assert complaint in result.stderr


@pytest.mark.parametrize(
    ("override", "check_id"),
    [
        # A subclass of the file outbox (a "spool") or of Django's file email backend under a
        # path of the deployment's own passes the settings' check by name: `check` refuses it.
        ({"SMS_BACKEND": "lifelong.common.tests.spool_backends.SpoolSmsBackend"}, "lifelong.E001"),
        ({"EMAIL_BACKEND": "lifelong.common.tests.spool_backends.SpoolEmailBackend"}, "lifelong.E002"),
        ({"SMS_BACKEND": "lifelong.common.tests.no_such_module.Backend"}, "lifelong.E001"),
    ],
)
def test_production_checks_refuse_a_local_backend_under_another_name(override, check_id):
    result = manage("check", **{**GOOD, **override})
    assert result.returncode != 0
    assert check_id in result.stderr


def test_production_sends_email_through_smtp_unless_told_otherwise():
    probe = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.LOCAL_MESSAGE_BACKENDS_ALLOWED)"
    result = manage("shell", "--no-imports", "-c", probe, **{k: v for k, v in GOOD.items() if k != "EMAIL_BACKEND"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.smtp.EmailBackend False"
    dummy = manage("check", "--deploy", "--fail-level", "WARNING", **GOOD, EMAIL_BACKEND=DUMMY_EMAIL)
    assert dummy.returncode == 0, dummy.stdout + dummy.stderr


DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


# Alibaba Cloud SMS, fully configured (lifelong/common/tests/test_sms_aliyun.py tests the backend).
ALIYUN = {
    "SMS_BACKEND": "lifelong.notifications.sms.AliyunSmsBackend",
    "SMS_ALIYUN_ACCESS_KEY_ID": "LTAI5tExampleKeyId",
    "SMS_ALIYUN_ACCESS_KEY_SECRET": "ExampleSecretExampleSecret0123",
    "SMS_ALIYUN_SIGN_NAME": "海盐终身学习",
    "SMS_ALIYUN_TEMPLATES": "notice=SMS_123456789,code=SMS_987654321,account_exists=SMS_12345001,welcome=SMS_12345002",
    "SMS_RECEIPT_TOKEN": "q8ZkT3vN0pW6yR1mB5xC9aD2fG7hJ4sL",
}


def test_production_accepts_the_aliyun_gateway_with_its_configuration():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**GOOD, **ALIYUN})
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_older_env_naming_the_gateway_where_it_used_to_live_still_checks_and_loads_it():
    older = {**GOOD, **ALIYUN, "SMS_BACKEND": "lifelong.common.sms.AliyunSmsBackend"}
    result = manage(
        "shell", "-c", "from lifelong.notifications.sms import sms_backend_class as b; print(b().__name__)", **older
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "AliyunSmsBackend"


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"SMS_ALIYUN_ACCESS_KEY_SECRET": ""}, "SMS_ALIYUN_ACCESS_KEY_SECRET"),
        ({"SMS_ALIYUN_ACCESS_KEY_ID": ""}, "SMS_ALIYUN_ACCESS_KEY_ID"),
        ({"SMS_ALIYUN_SIGN_NAME": ""}, "SMS_ALIYUN_SIGN_NAME"),
        ({"SMS_ALIYUN_TEMPLATES": "notice=SMS_123456789"}, "SMS_ALIYUN_TEMPLATES"),
        # Each kind with its own wording needs its template, or its message could not go out.
        (
            {"SMS_ALIYUN_TEMPLATES": "notice=SMS_123456789,code=SMS_987654321,welcome=SMS_12345002"},
            "must map account_exists to",
        ),
        (
            {"SMS_ALIYUN_TEMPLATES": "notice=SMS_123456789,code=SMS_987654321,account_exists=SMS_12345001"},
            "must map welcome to",
        ),
        ({"SMS_ALIYUN_ENDPOINT": "http://127.0.0.1:9/"}, "SMS_ALIYUN_ENDPOINT"),
        (
            {"SMS_ALIYUN_TEMPLATES": ALIYUN["SMS_ALIYUN_TEMPLATES"] + ",notice.nonsense=SMS_3"},
            "notice.nonsense",
        ),
    ],
)
def test_production_refuses_the_aliyun_gateway_with_missing_configuration(override, complaint):
    result = manage("check", **{**GOOD, **ALIYUN, **override})
    assert result.returncode != 0
    assert complaint in result.stderr


@pytest.mark.parametrize("asked", ["0", "1"])
def test_production_requires_two_factor_for_staff_whatever_the_environment_says(asked):
    probe = "from django.conf import settings; print(settings.STAFF_TWO_FACTOR_REQUIRED)"
    result = manage("shell", "--no-imports", "-c", probe, **{**GOOD, "LIFELONG_STAFF_2FA": asked})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_every_setting_read_from_the_environment_is_documented():
    import re

    names = set()
    for path in (ROOT / "config").rglob("*.py"):
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', path.read_text()))
        names |= set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', path.read_text()))
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in names if n not in example or n not in readme)
    assert not missing, f"document these in .env.example and README.md: {missing}"


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    database = tmp_path / "check.sqlite3"
    probe = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], connection.transaction_mode, "
        "connection.settings_dict['OPTIONS']['timeout'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        probe,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["wal", "IMMEDIATE", "20"]


def test_collected_static_files_load_nothing_from_a_cdn(tmp_path):
    """Every asset the site serves comes from the site itself (DESIGN §6)."""
    import re

    result = manage(
        "collectstatic",
        "--noinput",
        "-v0",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        STATIC_ROOT_OVERRIDE=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    cdn = re.compile(rb"https?://[^\"' ]*(cdn|unpkg|jsdelivr|cdnjs|googleapis|bootcdn|staticfile)")
    offenders = [str(p) for p in tmp_path.rglob("*") if p.is_file() and cdn.search(p.read_bytes())]
    assert not offenders, offenders
