"""Settings shared by every environment; each value comes from the environment.

`local.py` (demo and development), `test.py` and `production.py` adjust this base.
Every variable read here is listed, with its default, in `.env.example` and the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none; the
# audit log then records REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Demo mode: sample county and personas, staff two-factor relaxed, a banner on every page.
DEMO_MODE = env.bool("LIFELONG_DEMO", default=False)
# Staff roles must pass TOTP two-factor at sign-in. Only demo mode relaxes it (and its banner
# says so on every page); LIFELONG_STAFF_2FA=1 keeps it on in demo mode too.
STAFF_TWO_FACTOR_REQUIRED = not DEMO_MODE or env.bool("LIFELONG_STAFF_2FA", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "lifelong.common.apps.StaticFilesConfig",  # django.contrib.staticfiles, minus Redoc
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",  # serves the API docs page from local static files, never a CDN
    "django_tasks",
    "django_tasks_db",
    "lifelong.common",
    "lifelong.regions",
    "lifelong.institutions",
    "lifelong.accounts",
    "lifelong.campaigns",
    "lifelong.activities",
    "lifelong.notifications",
    "lifelong.passport",
    "lifelong.community",
    "lifelong.honours",
    "lifelong.resources",
    "lifelong.news",
    "lifelong.dashboards",
    "lifelong.site",  # the top layer: console URL map, home page, demo loader
]

MIDDLEWARE = [
    # First, so that every audit event written while a request is handled (by any middleware
    # or service) records the request's address and user agent.
    "lifelong.common.middleware.AuditOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lifelong.common.middleware.ApiErrorContractMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Under /api/ only bearer tokens count: the session's user is set aside at once.
    "lifelong.accounts.middleware.ApiWithoutSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lifelong.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lifelong.accounts.middleware.SignInCompletionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lifelong.site.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lifelong.sqlite3'}")}


def tune_database(db: dict) -> dict:
    """SQLite: WAL, IMMEDIATE transactions and a busy timeout so concurrent writers queue
    instead of failing with "database is locked". PostgreSQL: persistent, health-checked
    connections."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    else:
        db.setdefault("CONN_MAX_AGE", 60)
        db.setdefault("CONN_HEALTH_CHECKS", True)
    return db


tune_database(DATABASES["default"])
# How long a transaction waits for a row another holds locked (PostgreSQL) before it gives up
# and the person is asked to try again (409 `busy_try_again`); see lifelong.common.locking.
LOCK_TIMEOUT_MS = env.int("LOCK_TIMEOUT_MS", default=3000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sessions ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# ASVS 6.2: at least 8 characters, passphrases up to 128, no composition rules,
# common and breached passwords refused.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("phone", "name")},
    },
    {"NAME": "lifelong.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "lifelong.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "lifelong.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle and absolute timeouts (ASVS 7.3.1/7.3.2); enforced by SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
API_TOKEN_LIFETIME = timedelta(hours=env.int("API_TOKEN_HOURS", default=12))

# Login throttling is per account, never per address: a village hall shares one address.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "phone"
AXES_USERNAME_CALLABLE = "lifelong.accounts.auth.lockout_username"
AXES_LOCKOUT_CALLABLE = "lifelong.accounts.auth.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True  # AuditEvent records sign-ins; no second log of them

OTP_TOTP_ISSUER = "Lifelong"

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
# Uploaded files (record imports now). They are never served by URL: views that may show
# one check scope and stream it, so MEDIA_URL stays unset.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STATIC_ROOT = env.path("STATIC_ROOT_OVERRIDE", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Background tasks ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Outgoing messages -----------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The SMTP relay production sends through (Django's own names; TLS on port 465 or STARTTLS on 587).
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # a stuck relay must not hold a worker
# The site's one public address: QR codes, calendar files, emails and certificates link to it
# (lifelong.common.links), never to the host a request came in on. `make run` derives it from BIND.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lifelong <noreply@localhost>")
SMS_BACKEND = env.str("SMS_BACKEND", default="lifelong.notifications.sms.ConsoleSmsBackend")
# The SMS backends lived in lifelong.common.sms until the notifications app took them: an older
# .env that names them there still means the same backend (and passes the same checks).
SMS_BACKEND = SMS_BACKEND.replace("lifelong.common.sms.", "lifelong.notifications.sms.", 1)
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=VAR_DIR / "sms")
# Alibaba Cloud SMS (SMS_BACKEND=lifelong.notifications.sms.AliyunSmsBackend). SMS_ALIYUN_TEMPLATES maps
# our message kinds to the provider's approved template codes: "notice=SMS_123,code=SMS_456".
SMS_ALIYUN_ACCESS_KEY_ID = env.str("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.str("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_SIGN_NAME = env.str("SMS_ALIYUN_SIGN_NAME", default="")
SMS_ALIYUN_TEMPLATES = env.dict("SMS_ALIYUN_TEMPLATES", default={})
SMS_ALIYUN_ENDPOINT = env.str("SMS_ALIYUN_ENDPOINT", default="https://dysmsapi.aliyuncs.com/")
SMS_ALIYUN_CONNECT_TIMEOUT = env.float("SMS_ALIYUN_CONNECT_TIMEOUT", default=3.0)
SMS_ALIYUN_READ_TIMEOUT = env.float("SMS_ALIYUN_READ_TIMEOUT", default=10.0)
# The secret last part of the delivery-receipt address (/sms/receipts/<token>/) given to the
# provider; empty: receipts are not accepted (the address answers 404).
SMS_RECEIPT_TOKEN = env.str("SMS_RECEIPT_TOKEN", default="")
# Backends that keep messages on this machine or drop them (SMS: console, file, memory, discard;
# email: console, file, memory) serve demo, development and tests. Production sets this False:
# the settings refuse them by name, and `manage.py check` and the first message refuse any
# subclass of them (lifelong.notifications.checks, lifelong.common.checks), so no sign-in code
# is ever written to a log or a file.
LOCAL_MESSAGE_BACKENDS_ALLOWED = True

API_PAGE_SIZE_MAX = 100

# --- Family profiles --------------------------------------------------------------------------
# Relatives without a phone one learner may manage (family profiles). Each may be registered
# for activities, so a small number keeps one account from taking seats for invented people;
# village staff register anyone more, without limit.
MANAGED_PROFILES_MAX = env.int("MANAGED_PROFILES_MAX", default=5)

# --- Learning passport ------------------------------------------------------------------------
# Points a learner earns per learning hour (attendance, studied resources, imported records).
PASSPORT_POINTS_PER_HOUR = env.int("PASSPORT_POINTS_PER_HOUR", default=10)
# Largest record file staff may upload for import (the 100,000-row files the credit bank sends
# are about 10 MB as CSV).
PASSPORT_IMPORT_MAX_BYTES = env.int("PASSPORT_IMPORT_MAX_MB", default=50) * 1024 * 1024

# --- Learning resources -----------------------------------------------------------------------
# Largest file (PDF, video, audio, image) staff may upload to the resource library.
RESOURCES_UPLOAD_MAX_BYTES = env.int("RESOURCES_UPLOAD_MAX_MB", default=200) * 1024 * 1024
# Largest cover picture staff may upload (it is re-encoded to two small JPEGs on arrival).
PICTURES_UPLOAD_MAX_BYTES = env.int("PICTURES_UPLOAD_MAX_MB", default=8) * 1024 * 1024

SITE_NAME = _("Lifelong")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # sign-ins are in AuditEvent; axes' own lines add nothing
    },
}
# The receipt address /sms/receipts/<token>/ carries SMS_RECEIPT_TOKEN and Django logs the path of
# every 4xx/5xx answer: each handler masks it (config/gunicorn.py does so for access lines).
LOGGING["filters"] = {"mask_secret_paths": {"()": "lifelong.common.logmask.MaskSecretPaths"}}
for _handler in LOGGING["handlers"].values():
    _handler["filters"] = [*_handler.get("filters", []), "mask_secret_paths"]

# axes.W006 warns when lockout ignores the client address. Lockout per account only is our
# rule (DESIGN §4): a village hall shares one address, and one person's typos must not lock
# the hall out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Date and number formats shared by both languages (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]

# --- SMS verification codes (accounts/codes.py) -------------------------------------------------
# Codes anyone may ask for without signing in (sign-up, password reset) cost money per message:
# at most this many a day for the whole site, and this many an hour from one client address
# (generous: a village hall's computers share one address).
SMS_CODES_PER_DAY_SITE = env.int("SMS_CODES_PER_DAY_SITE", default=2000)
SMS_CODES_PER_HOUR_ADDRESS = env.int("SMS_CODES_PER_HOUR_ADDRESS", default=30)
# Looking a walk-in up by the full mobile number they give at the desk finds anyone registered,
# so each staff account may do it at most this often (the console's lookup and a registration
# by number each count once; a busy desk takes two per person).
DESK_LOOKUPS_PER_HOUR = env.int("DESK_LOOKUPS_PER_HOUR", default=120)
DESK_LOOKUPS_PER_DAY = env.int("DESK_LOOKUPS_PER_DAY", default=400)
