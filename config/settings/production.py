"""Production settings: strict, and refuse to start with an insecure value."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    DEBUG,
    DEMO_MODE,
    SECRET_KEY,
    SITE_URL,
    SMS_ALIYUN_ACCESS_KEY_ID,
    SMS_ALIYUN_ACCESS_KEY_SECRET,
    SMS_ALIYUN_ENDPOINT,
    SMS_ALIYUN_SIGN_NAME,
    SMS_ALIYUN_TEMPLATES,
    SMS_BACKEND,
    SMS_RECEIPT_TOKEN,
    env,
)

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if DEMO_MODE:
    raise ImproperlyConfigured("Demo mode (LIFELONG_DEMO) is refused in production: it relaxes two-factor.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts explicitly.")
# Only a gateway that reaches telephones: the console backend writes sign-in codes to the log, the
# file backend writes every number and code in clear to disk, memory and discard send nothing.
from lifelong.notifications.sms import LOCAL_BACKENDS  # noqa: E402 - reads no setting when imported

if SMS_BACKEND in LOCAL_BACKENDS:
    raise ImproperlyConfigured(
        "SMS_BACKEND must name a real SMS gateway (lifelong.notifications.sms.AliyunSmsBackend): "
        f"{SMS_BACKEND} sends nothing to a phone, and writes sign-in codes to a log or a file."
    )
# Email goes out through SMTP (Django's default: a relay on localhost:25) or, with the dummy
# backend, not at all; never printed to the log or kept in files on this machine.
from lifelong.common.checks import LOCAL_EMAIL_BACKENDS  # noqa: E402 - reads no setting when imported

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
if EMAIL_BACKEND in LOCAL_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND {EMAIL_BACKEND} prints or keeps every email on this machine: use "
        "django.core.mail.backends.smtp.EmailBackend (or the dummy backend to send none)."
    )
# `manage.py check` (and every migrate) and the first message refuse a subclass of a local backend
# under another name (lifelong.notifications.checks, lifelong.notifications.sms.sms_backend_class).
LOCAL_MESSAGE_BACKENDS_ALLOWED = False
if SMS_BACKEND == "lifelong.notifications.sms.AliyunSmsBackend":
    # Checked here, not only when the first message is sent: a sign-up code that cannot go out
    # should stop the deployment, not a villager at the sign-up page.
    from lifelong.notifications.sms import aliyun_config_problems

    _sms_problems = aliyun_config_problems(
        access_key_id=SMS_ALIYUN_ACCESS_KEY_ID,
        access_key_secret=SMS_ALIYUN_ACCESS_KEY_SECRET,
        sign_name=SMS_ALIYUN_SIGN_NAME,
        templates=SMS_ALIYUN_TEMPLATES,
        endpoint=SMS_ALIYUN_ENDPOINT,
    )
    if not SMS_ALIYUN_ENDPOINT.startswith("https://"):
        _sms_problems.append("SMS_ALIYUN_ENDPOINT must be an https:// address")
    if _sms_problems:
        raise ImproperlyConfigured("SMS_BACKEND AliyunSmsBackend: " + "; ".join(_sms_problems))
if SMS_RECEIPT_TOKEN and len(SMS_RECEIPT_TOKEN) < 32:
    raise ImproperlyConfigured("SMS_RECEIPT_TOKEN must be a random value of at least 32 characters (or empty).")

if not SITE_URL.startswith("https://") or "127.0.0.1" in SITE_URL or "localhost" in SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be the site's public https address: venue QR codes, emails and calendar links use it."
    )

STAFF_TWO_FACTOR_REQUIRED = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True
