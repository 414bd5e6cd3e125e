"""Pluggable SMS backends, chosen by the SMS_BACKEND setting (as Django does for email).

A backend implements `send(phone, text, *, template, params, notification_id)`. Console (masked
number and the text in the log), file (an outbox under SMS_FILE_PATH, readable by its owner only),
memory (tests) and discard (load benchmarks) are for demo, development, tests and the bench;
`AliyunSmsBackend` sends through Alibaba Cloud SMS, the gateway a production deployment names
(production settings refuse every local backend: LOCAL_BACKENDS).
"""

import base64
import hashlib
import hmac
import http.client
import json
import logging
import os
import re
import secrets
import ssl
import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from lifelong.common.masking import mask_phone

from .registry import codes

logger = logging.getLogger(__name__)

# The message kinds callers name, with the parameters each fills in. A gateway in mainland China
# sends only templates approved in advance, so every kind maps to one provider template whose
# variables carry these names. A notice names its kind and its subject in a few words
# (`${kind}`, `${title}`) rather than carrying its text: the provider limits a notification
# template's variable to 35 characters and does not approve a template made of a variable alone.
# The full text stays in the app and the email. `notice.<kind>` (a registered notice kind's code,
# lifelong.notifications.registry) may name its own template and falls back to `notice`. A
# message whose instructions matter more than any variable has its own wording in its own
# template instead, so that it is never cut down to a notice's kind and title: `account_exists`
# (sign-up with a registered number: the template says the number already has an account and
# how to reset the password on the site; no variables) and `welcome` (a learner registered by
# staff: sign in with this number and the password staff gave; `${name}`).
TEMPLATES = {
    "notice": ("kind", "title"),
    "code": ("code",),
    "account_exists": (),
    "welcome": ("name",),
}

# Backends that send nothing to a telephone: production refuses each of them by name when its
# settings load, and any subclass of LocalSmsBackend (whatever its path) in `manage.py check` and
# at the first message (LOCAL_MESSAGE_BACKENDS_ALLOWED, lifelong.notifications.checks).
LOCAL_BACKENDS = {
    "lifelong.notifications.sms.ConsoleSmsBackend",
    "lifelong.notifications.sms.FileSmsBackend",
    "lifelong.notifications.sms.MemorySmsBackend",
    "lifelong.notifications.sms.DiscardSmsBackend",
}


class LocalSmsBackend:
    """A backend that reaches no telephone: it logs, writes, keeps or drops the message. The
    console and file ones put sign-in codes in clear where others may read them, so production
    refuses every backend of this kind, a subclass under another name included."""

    def send(self, phone: str, text: str, **message) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(LocalSmsBackend):
    def send(self, phone: str, text: str, **message) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class FileSmsBackend(LocalSmsBackend):
    """Appends each message, number and text in clear (the demo reads sign-up codes from it), to
    a daily file under SMS_FILE_PATH. The folder is made 700 and each file 600, whatever the
    umask: the codes in it sign people in."""

    def send(self, phone: str, text: str, **message) -> None:
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)  # mkdir's mode goes through the umask and leaves an existing folder
        path = directory / f"{timezone.now():%Y%m%d}.log"
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(descriptor, 0o600)  # also a file an earlier version made readable by others
        with os.fdopen(descriptor, "a", encoding="utf-8") as out:
            out.write(f"{timezone.now().isoformat()}\t{phone}\t{text}\n")


class MemorySmsBackend(LocalSmsBackend):
    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str, **message) -> None:
        self.outbox.append((phone, text))


class DiscardSmsBackend(LocalSmsBackend):
    """Sends and keeps nothing: for the load bench, which measures the app, not a gateway (a
    memory outbox would grow for the whole run)."""

    def send(self, phone: str, text: str, **message) -> None:
        pass


def send_sms(
    phone: str,
    text: str,
    *,
    template: str = "notice",
    params: dict[str, str] | None = None,
    notification_id: int | None = None,
) -> None:
    """Send `text` to `phone`. `template` names the kind of message (`notice` or
    `notice.<kind>`: params `{"kind", "title"}`; `code`: a verification code, params `{"code"}`;
    `account_exists`: no params; `welcome`: params `{"name"}`; see TEMPLATES):
    gateways in mainland China send only pre-approved templates filled with short parameters
    (a gateway cuts each to its provider's limit), while the file and console backends write
    the rendered text. `notification_id` ties a gateway's record of the message to the notice
    it carries.

    A gateway failure raises an `SmsError` (see there for which ones may have sent anyway)."""
    params = template_params(template, text, params)
    sms_backend_class()().send(phone, text, template=template, params=params, notification_id=notification_id)


def sms_backend_class() -> type:
    """The class SMS_BACKEND names. Where local backends are not allowed (production), one
    that reaches no telephone is refused before it can write a code anywhere: the settings
    refuse the known names, this refuses a subclass under any other name."""
    backend = import_string(settings.SMS_BACKEND)
    if not settings.LOCAL_MESSAGE_BACKENDS_ALLOWED and issubclass(backend, LocalSmsBackend):
        raise ImproperlyConfigured(
            f"SMS_BACKEND {settings.SMS_BACKEND} reaches no telephone (a LocalSmsBackend): refused here."
        )
    return backend


def template_params(template: str, text: str, params: dict[str, str] | None) -> dict[str, str]:
    """The parameters for `template`. A notice sent with only its text (`params` None or
    `{"text"}`, the older form some callers still use) is named as a notice with the text as
    its subject: the gateway then sends the start of it in the notice template rather than
    having the provider refuse a parameter it does not know."""
    if template.partition(".")[0] == "notice" and (params is None or set(params) == {"text"}):
        from django.utils.translation import gettext

        return {"kind": gettext("Notice"), "title": (params or {}).get("text", text)}
    return dict(params or {})


def template_family(template: str) -> str:
    """`notice.organizer_msg` → `notice`: the kind whose parameters a template takes."""
    return template.partition(".")[0]


# Alibaba Cloud: a notification template's variable holds 1 to 35 characters (templates applied
# for since 2018-01-10); each Chinese character, letter, digit or sign counts as one.
ALIYUN_PARAM_MAX_CHARS = 35
ZERO_WIDTH_JOINER = "\u200d"


def cut_param(value: str, limit: int = ALIYUN_PARAM_MAX_CHARS) -> str:
    """`value` on one line in at most `limit` characters: cut with "…" when longer, never in
    the middle of a character (a Chinese character is one code point; an accent written as a
    combining mark, a variation selector or an emoji joined by U+200D goes with what it
    belongs to, so the cut falls before the whole of it)."""
    value = unicodedata.normalize("NFC", " ".join(str(value).split()))
    if len(value) <= limit:
        return value
    end = limit - 1  # room for the ellipsis
    while end > 0 and (_continues_a_character(value[end]) or value[end - 1] == ZERO_WIDTH_JOINER):
        end -= 1
    return value[:end].rstrip() + "…"


def _continues_a_character(char: str) -> bool:
    """True for a code point drawn as part of the character before it."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == ZERO_WIDTH_JOINER
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors (text or emoji form)
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin-tone modifiers
        or "\U000e0100" <= char <= "\U000e01ef"
    )


def phone_digest(phone: str) -> str:
    """A keyed hash of a number: finds the messages sent to it without storing it in clear."""
    return salted_hmac("lifelong.sms.phone", phone, algorithm="sha256").hexdigest()


# --- Errors ----------------------------------------------------------------------------------


class SmsError(Exception):
    """A message the gateway did not take. `code` is the provider's error code (for example
    `isv.BUSINESS_LIMIT_CONTROL`, `isv.MOBILE_NUMBER_ILLEGAL`) or one of ours (`unreachable`,
    `timeout`, `bad_response`, `template_not_configured`). The text never holds the number."""

    code = "sms_error"

    def __init__(self, detail: str, *, code: str | None = None, request_id: str = ""):
        if code:
            self.code = code
        self.request_id = request_id
        super().__init__(f"{self.code}: {_scrub(detail)}")


class SmsRejected(SmsError):
    """The provider answered and refused the message: nothing was sent."""


class SmsUnavailable(SmsError):
    """The provider could not be reached (no connection was made): nothing was sent."""

    code = "unreachable"


class SmsOutcomeUnknown(SmsError):
    """The request left but no clear answer came back (a read timeout, a broken reply): the
    message may have been sent. Do not send it again blindly (the API is not idempotent); the
    delivery receipt, matched by OutId, settles it."""

    code = "timeout"


def _scrub(text: str) -> str:
    """A provider's message may echo a number: mask every run of 7 digits or more."""
    return re.sub(r"\+?\d{7,}", lambda m: mask_phone(m.group()), str(text))[:300]


# --- Alibaba Cloud SMS -------------------------------------------------------------------------
#
# Dysmsapi `SendSms` (version 2017-05-25), RPC style, signed with signature version 1.0
# (HMAC-SHA1), the documented "POP" scheme:
#   https://help.aliyun.com/document_detail/55284.html   (SendSms: parameters, response, errors)
#   https://help.aliyun.com/document_detail/56189.html   (HTTP protocol and signature, with a worked
#                                                         SendSms example used as a test vector)
#   https://www.alibabacloud.com/help/en/sms/signature-method
# StringToSign = "GET&%2F&" + percentEncode(canonical query), the canonical query being every
# parameter but Signature, sorted by name, each name and value percent-encoded (RFC 3986: only
# A-Z a-z 0-9 - _ . ~ stay literal, space is %20); Signature = Base64(HMAC-SHA1(secret + "&",
# StringToSign)). Sent as an HTTP GET with the parameters in the query, as the SMS docs require.
#
# Written with the standard library rather than the official SDK (alibabacloud_dysmsapi20170525
# pulls in the Tea runtime, credentials and OpenAPI packages for one signed GET): the whole
# protocol is the hundred lines below, tested against the documented vectors and a local fake.

ALIYUN_API_VERSION = "2017-05-25"
ALIYUN_MAX_RESPONSE_BYTES = 64 * 1024


def aliyun_percent_encode(value: str) -> str:
    # quote() leaves exactly the RFC 3986 unreserved set literal (A-Z a-z 0-9 - _ . ~) with safe="".
    return quote(str(value), safe="")


def aliyun_canonical_query(params: dict[str, str]) -> str:
    return "&".join(
        f"{aliyun_percent_encode(name)}={aliyun_percent_encode(value)}"
        for name, value in sorted(params.items())
        if name != "Signature"
    )


def aliyun_signature(params: dict[str, str], access_key_secret: str, method: str = "GET") -> str:
    string_to_sign = f"{method}&{aliyun_percent_encode('/')}&{aliyun_percent_encode(aliyun_canonical_query(params))}"
    digest = hmac.new(f"{access_key_secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsBackend:
    """Sends through Alibaba Cloud SMS, configured by the SMS_ALIYUN_* settings.

    Each message is recorded as a `notifications.SmsMessage` (masked and hashed number, our
    OutId, the provider's BizId and status); delivery receipts update it. A connection that
    cannot be made is tried once more (nothing was sent); once the request is out, nothing is
    retried: SendSms is not idempotent and a retry could send the same text twice.
    """

    provider = "aliyun"

    def __init__(
        self,
        *,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        sign_name: str | None = None,
        templates: dict[str, str] | None = None,
        endpoint: str | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
    ):
        self.access_key_id = access_key_id if access_key_id is not None else settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.access_key_secret = (
            access_key_secret if access_key_secret is not None else settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        )
        self.sign_name = sign_name if sign_name is not None else settings.SMS_ALIYUN_SIGN_NAME
        self.templates = dict(templates if templates is not None else settings.SMS_ALIYUN_TEMPLATES)
        self.endpoint = endpoint if endpoint is not None else settings.SMS_ALIYUN_ENDPOINT
        self.connect_timeout = connect_timeout if connect_timeout is not None else settings.SMS_ALIYUN_CONNECT_TIMEOUT
        self.read_timeout = read_timeout if read_timeout is not None else settings.SMS_ALIYUN_READ_TIMEOUT
        problems = aliyun_config_problems(
            access_key_id=self.access_key_id,
            access_key_secret=self.access_key_secret,
            sign_name=self.sign_name,
            templates=self.templates,
            endpoint=self.endpoint,
        )
        if problems:
            raise ImproperlyConfigured("AliyunSmsBackend: " + "; ".join(problems))

    def send(
        self,
        phone: str,
        text: str,
        *,
        template: str = "notice",
        params: dict[str, str] | None = None,
        notification_id: int | None = None,
    ) -> None:
        from lifelong.notifications.models import SmsMessage, SmsStatus  # models load after settings

        # A kind's own template (`notice.reminder`), else its family's (`notice`).
        template_code = self.templates.get(template) or self.templates.get(template_family(template))
        if not template_code:
            raise SmsRejected(f"no provider template for {template!r}", code="template_not_configured")
        params = template_params(template, text, params)
        # Each value within the provider's limit: one over it and the whole message is refused.
        params = {name: cut_param(value) for name, value in params.items()}
        message = SmsMessage.objects.create(
            notification_id=notification_id,
            provider=self.provider,
            template=template[: SmsMessage._meta.get_field("template").max_length],
            phone_digest=phone_digest(phone),
            phone_masked=mask_phone(phone),
            out_id=secrets.token_hex(8),
        )
        try:
            expected = TEMPLATES.get(template_family(template))
            if expected is not None and set(params) != set(expected):
                # Caught here, recorded as failed, rather than refused by the provider for money.
                raise SmsRejected(
                    f"{template} takes {', '.join(expected) or 'no parameters'}, "
                    f"not {', '.join(sorted(params)) or 'none'}",
                    code="template_params_mismatch",
                )
            answer = self._send_sms(phone, template_code, params, message.out_id)
        except SmsError as error:
            status = SmsStatus.UNKNOWN if isinstance(error, SmsOutcomeUnknown) else SmsStatus.FAILED
            SmsMessage.objects.filter(pk=message.pk).update(
                status=status, error_code=error.code[:64], request_id=error.request_id[:64]
            )
            logger.warning("SMS %s to %s (%s) failed: %s", message.out_id, message.phone_masked, template, error.code)
            raise
        SmsMessage.objects.filter(pk=message.pk).update(
            status=SmsStatus.SENT,
            biz_id=str(answer.get("BizId", ""))[:64],
            request_id=str(answer.get("RequestId", ""))[:64],
            sent_at=timezone.now(),
        )
        logger.info("SMS %s to %s (%s) accepted by %s", message.out_id, message.phone_masked, template, self.provider)

    def signed_query(self, phone: str, template_code: str, params: dict[str, str], out_id: str) -> str:
        request = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": out_id,
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,  # a fresh one per request: the provider refuses a replay
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": ALIYUN_API_VERSION,
        }
        if params:
            # Optional in SendSms: a template without variables (account_exists) goes without it.
            request["TemplateParam"] = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
        signature = aliyun_signature(request, self.access_key_secret)
        return f"Signature={aliyun_percent_encode(signature)}&{aliyun_canonical_query(request)}"

    def _send_sms(self, phone: str, template_code: str, params: dict[str, str], out_id: str) -> dict:
        status, body = self._get(self.signed_query(phone, template_code, params, out_id))
        try:
            answer = json.loads(body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("Code"), str):
            # A proxy's error page or a cut reply: the provider may or may not have taken it.
            raise SmsOutcomeUnknown(f"HTTP {status} without a provider answer", code="bad_response")
        if answer["Code"] != "OK":
            raise SmsRejected(
                str(answer.get("Message", "")), code=answer["Code"], request_id=str(answer.get("RequestId", ""))
            )
        return answer

    def _get(self, query: str) -> tuple[int, bytes]:
        """One GET to the endpoint with separate connect and read timeouts. Failing to connect
        (refused, unreachable, name lookup, TLS handshake, connect timeout) sends nothing and is
        tried once more; anything after the request left is final."""
        parts = urlsplit(self.endpoint)
        path = (parts.path or "/") + "?" + query
        for attempt in (1, 2):
            if parts.scheme == "https":
                connection = http.client.HTTPSConnection(
                    parts.hostname, parts.port, timeout=self.connect_timeout, context=ssl.create_default_context()
                )
            else:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.connect_timeout)
            try:
                try:
                    connection.connect()
                except OSError as error:
                    if attempt == 2:
                        raise SmsUnavailable(type(error).__name__) from None
                    continue
                connection.sock.settimeout(self.read_timeout)
                try:
                    connection.request("GET", path, headers={"Accept": "application/json"})
                    response = connection.getresponse()
                    return response.status, response.read(ALIYUN_MAX_RESPONSE_BYTES)
                except TimeoutError:
                    raise SmsOutcomeUnknown("no answer in time") from None
                except (OSError, http.client.HTTPException) as error:
                    raise SmsOutcomeUnknown(type(error).__name__, code="bad_response") from None
            finally:
                connection.close()
        raise AssertionError("unreachable")  # the loop returns or raises


def aliyun_config_problems(
    *, access_key_id: str, access_key_secret: str, sign_name: str, templates: dict[str, str], endpoint: str
) -> list[str]:
    """What is missing or wrong in an Alibaba Cloud SMS configuration (empty: nothing).
    Production settings and the backend's constructor both use it."""
    problems = []
    for name, value in (
        ("SMS_ALIYUN_ACCESS_KEY_ID", access_key_id),
        ("SMS_ALIYUN_ACCESS_KEY_SECRET", access_key_secret),
        ("SMS_ALIYUN_SIGN_NAME", sign_name),
    ):
        if not value:
            problems.append(f"{name} is not set")
    missing = [kind for kind in TEMPLATES if not templates.get(kind)]
    if missing:
        problems.append(
            "SMS_ALIYUN_TEMPLATES must map "
            + ", ".join(missing)
            + " to template codes ("
            + ",".join(f"{kind}=SMS_…" for kind in TEMPLATES)
            + ")"
        )
    problems += unknown_template_problems(templates)
    parts = urlsplit(endpoint or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append("SMS_ALIYUN_ENDPOINT must be an http(s) address")
    return problems


def unknown_template_problems(templates: dict[str, str]) -> list[str]:
    """Template names that name no message kind of this site (a typo, a notice kind no app
    registers). The notice kinds are registered once the apps are ready: while the settings
    load (production.py) this says nothing, and `manage.py check` (lifelong.E003) and the
    backend itself say it instead."""
    from django.apps import apps

    if not apps.ready:
        return []
    known = set(TEMPLATES) | {f"notice.{code}" for code in codes()}
    unknown = sorted(name for name in templates if name not in known)
    if not unknown:
        return []
    return [
        "SMS_ALIYUN_TEMPLATES names no message kind of this site: "
        + ", ".join(unknown)
        + " (use "
        + ", ".join(TEMPLATES)
        + " or notice.<notice kind>)"
    ]
