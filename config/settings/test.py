"""Test settings: fast hashing, tasks run immediately, outgoing messages kept in memory."""

import os

from .base import *  # noqa: F403
from .base import env, tune_database

SECRET_KEY = "test-only-key"  # noqa: S105 - used by the test suite only
# `make test` runs the suite a second time with TEST_POSTGRES_URL as the database.
if os.environ.get("LIFELONG_TEST_DB") == "postgres":
    DATABASES = {"default": tune_database(env.db_url("TEST_POSTGRES_URL"))}  # noqa: F405
else:
    DATABASES = {"default": tune_database({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"})}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "config.test_tasks.ImmediateDeferrableBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "lifelong.notifications.sms.MemorySmsBackend"
DEMO_MODE = False
STAFF_TWO_FACTOR_REQUIRED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# pytest-django's live server serves static files from the finders only when it sees the plain
# "django.contrib.staticfiles" entry; the Redoc-less config matters for collectstatic alone, which
# the CDN test runs under the local settings. WhiteNoise would only warn that nothing is collected.
INSTALLED_APPS = [  # noqa: F405
    "django.contrib.staticfiles" if app == "lifelong.common.apps.StaticFilesConfig" else app
    for app in INSTALLED_APPS  # noqa: F405
]
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405
