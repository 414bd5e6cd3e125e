"""Production settings: strict, and refuse to start with an insecure value."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEBUG, DEMO_MODE, SECRET_KEY, SITE_URL, SMS_BACKEND, env

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if DEMO_MODE:
    raise ImproperlyConfigured("Demo mode (LIFELONG_DEMO) is refused in production: it relaxes two-factor.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts explicitly.")
if SMS_BACKEND in ("lifelong.common.sms.ConsoleSmsBackend", "lifelong.common.sms.MemorySmsBackend"):
    raise ImproperlyConfigured(
        "SMS_BACKEND must name a gateway (or lifelong.common.sms.FileSmsBackend as a spool): the console "
        "backend writes sign-in codes to the log."
    )

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
