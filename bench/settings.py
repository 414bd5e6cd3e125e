"""Production settings for the bench: plain HTTP on 127.0.0.1 against the bench database.

`config.settings.production` refuses insecure values when it is imported, so the values the
bench needs are put into the environment first; everything else (middleware, persistent
connections, the task backend) stays exactly as in production.
"""

import os
import secrets

# rush.py passes one key to every process it starts; a process started by hand gets its own
# (the bench uses bearer tokens, which do not depend on the key).
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SITE_URL", "https://lifelong.bench.invalid")  # production refuses a local address
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lifelong_bench")
# Production accepts only a configured gateway, so the import below sees one (placeholders that
# are never used: SMS_BACKEND is replaced after the import).
os.environ["SMS_BACKEND"] = "lifelong.notifications.sms.AliyunSmsBackend"
os.environ.setdefault("SMS_ALIYUN_ACCESS_KEY_ID", "bench-unused")
os.environ.setdefault("SMS_ALIYUN_ACCESS_KEY_SECRET", "bench-unused")
os.environ.setdefault("SMS_ALIYUN_SIGN_NAME", "bench-unused")
os.environ.setdefault("SMS_ALIYUN_TEMPLATES", "notice=SMS_0,code=SMS_0,account_exists=SMS_0,welcome=SMS_0")
os.environ.setdefault("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.bench.invalid/")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_ROOT_OVERRIDE", str(os.path.join(os.path.dirname(__file__), "results", "tmp", "static")))
os.environ["DEBUG"] = "0"
os.environ.pop("LIFELONG_DEMO", None)

from config.settings.production import *  # noqa: E402, F403
from config.settings.production import LOGGING  # noqa: E402

ROOT_URLCONF = "bench.urls"
# The bench measures the app, not an SMS gateway: messages are dropped (no network, no file of
# numbers and codes, no outbox growing through the run). Only here; production refuses it.
SMS_BACKEND = "lifelong.notifications.sms.DiscardSmsBackend"
LOCAL_MESSAGE_BACKENDS_ALLOWED = True  # for the discard backend above
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # no relay to reach either
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Quiet: one line per request or per warning would cost more than the thing measured.
LOGGING = {
    **LOGGING,
    "root": {"handlers": ["console"], "level": "ERROR"},
    # django.request logs a WARNING line for every 4xx; the rush answers thousands of 409s.
    "loggers": {**LOGGING["loggers"], "django": {"level": "ERROR"}},
}
