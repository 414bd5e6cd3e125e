"""A local stand-in for Alibaba Cloud's SMS API (Dysmsapi SendSms, RPC style, signature 1.0),
for contract tests of `lifelong.notifications.sms.AliyunSmsBackend`.

It checks each request the way the provider documents it, with its own implementation of the
signature written from the documentation (not the backend's code): the common parameters,
the signature, the timestamp's freshness and nonce reuse, then the SendSms parameters. It
answers with the provider's JSON shapes: `{"Code": "OK", "BizId", "RequestId", "Message"}` or
an error code (HTTP 400/404 for a malformed or badly signed request, HTTP 200 with an `isv.*`
code for a refused message). Docs: https://help.aliyun.com/document_detail/55284.html,
https://help.aliyun.com/document_detail/56189.html.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

ACCESS_KEY_ID = "LTAI-fake-id"
ACCESS_KEY_SECRET = "fake-secret-Xy7&k"  # an "&" in the secret tests the key's "&" suffix
SIGN_NAME = "海盐终身学习"
TEMPLATES = {"notice": "SMS_900001", "code": "SMS_900002", "account_exists": "SMS_900004", "welcome": "SMS_900005"}
# The templates this account has approved, with their variables, worded as the README suggests:
# the notice template (【签名】您的${kind}：${title}。详情请打开海盐终身学习查看。), the code
# template, a reminder's own template (SMS_ALIYUN_TEMPLATES may name one per notice kind), the
# "this number already has an account" template (no variables: its text says how to reset the
# password) and the welcome for a learner staff registered (${name}).
TEMPLATE_VARIABLES = {
    "SMS_900001": {"kind", "title"},
    "SMS_900002": {"code"},
    "SMS_900003": {"kind", "title"},
    "SMS_900004": set(),
    "SMS_900005": {"name"},
}
# A notification template's variable holds 1 to 35 characters (templates approved since
# 2018-01-10); a longer value refuses the whole message.
PARAM_MAX_CHARS = 35
# Numbers the fake refuses, as the provider would: a daily limit reached for one number.
LIMITED_NUMBERS = {"13900000099"}

UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"


def settings_use(settings, server) -> None:
    """Point the site's SMS at the fake: the Aliyun backend, the fake's keys, sign name,
    templates and address (`settings` is pytest-django's fixture)."""
    settings.SMS_BACKEND = "lifelong.notifications.sms.AliyunSmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ACCESS_KEY_ID
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET
    settings.SMS_ALIYUN_SIGN_NAME = SIGN_NAME
    settings.SMS_ALIYUN_TEMPLATES = dict(TEMPLATES)
    settings.SMS_ALIYUN_ENDPOINT = server.endpoint


def pop_encode(text: str) -> str:
    """The documented encoding, byte by byte: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return "".join(chr(byte) if byte in UNRESERVED else f"%{byte:02X}" for byte in text.encode("utf-8"))


def pop_signature(method: str, parameters: dict[str, str], secret: str) -> str:
    pairs = sorted((pop_encode(name), pop_encode(value)) for name, value in parameters.items() if name != "Signature")
    canonical = "&".join(f"{name}={value}" for name, value in pairs)
    string_to_sign = method + "&" + pop_encode("/") + "&" + pop_encode(canonical)
    mac = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


class FakeAliyunSms:
    """Runs on 127.0.0.1 on a free port. `received` holds every request's parameters (decoded),
    `accepted` the ones that passed every check. `mode` changes how it answers: "normal",
    "slow" (answers only once `release` is set or after 5 s: longer than the backend's read
    timeout in the tests), "garbage" (an HTML 502 page, as a proxy would send)."""

    def __init__(self):
        self.received: list[dict[str, str]] = []
        self.accepted: list[dict[str, str]] = []
        self.nonces: set[str] = set()
        self.mode = "normal"
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                status, answer = fake.answer(self.path)
                if status is None:
                    return
                body = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(answer, bytes) else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def answer(self, raw_path: str):
        parts = urlsplit(raw_path)
        params = {}
        for pair in parts.query.split("&"):
            name, _, value = pair.partition("=")
            params[unquote(name)] = unquote(value)
        self.received.append(params)
        request_id = secrets.token_hex(8).upper()
        if self.mode == "slow":
            self.release.wait(5)
            return _error(request_id, 200, "OK-too-late", "the client should have given up")
        if self.mode == "garbage":
            return 502, b"<html><body>502 Bad Gateway</body></html>"
        if parts.path != "/":
            return _error(request_id, 404, "InvalidAction.NotFound", "Specified api is not found")
        refusal = self._request_refusal(params, request_id) or _message_refusal(params, request_id)
        if refusal is not None:
            return refusal
        self.accepted.append(params)
        biz_id = f"{secrets.randbelow(10**17):017d}^0"
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": request_id}

    def _request_refusal(self, params: dict[str, str], request_id: str) -> tuple[int, dict] | None:
        """The answer to a request whose common parameters, signature, timestamp or nonce do
        not pass (None: they do; the nonce is then used up)."""
        for name in (
            "AccessKeyId",
            "Action",
            "Format",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "Timestamp",
            "Version",
            "Signature",
        ):
            if not params.get(name):
                return _missing(request_id, name)
        if params["AccessKeyId"] != ACCESS_KEY_ID:
            return _error(request_id, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            return _error(request_id, 400, "InvalidParameter", "Unsupported signature method or version")
        if params["Action"] != "SendSms" or params["Version"] != "2017-05-25":
            return _error(request_id, 404, "InvalidVersion", "Specified api or version is not found")
        expected = pop_signature("GET", params, ACCESS_KEY_SECRET)
        if not hmac.compare_digest(expected, params["Signature"]):
            return _error(
                request_id, 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
            )
        try:
            stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return _error(
                request_id, 400, "InvalidTimeStamp.Format", "Specified time stamp does not match the specified format."
            )
        if abs(datetime.now(UTC) - stamp) > timedelta(minutes=15):
            return _error(
                request_id, 400, "InvalidTimeStamp.Expired", "Specified time stamp or date header is expired."
            )
        if params["SignatureNonce"] in self.nonces:
            return _error(request_id, 400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        self.nonces.add(params["SignatureNonce"])
        return None


def _message_refusal(params: dict[str, str], request_id: str) -> tuple[int, dict] | None:
    """The answer refusing a SendSms whose number, sign name, template or values do not pass
    (None: the message is sent)."""
    for name in ("PhoneNumbers", "SignName", "TemplateCode"):
        if not params.get(name):
            return _missing(request_id, name)
    phone = params["PhoneNumbers"]
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        return _error(request_id, 200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
    if params["SignName"] != SIGN_NAME:
        return _error(request_id, 200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
    variables = TEMPLATE_VARIABLES.get(params["TemplateCode"])
    if variables is None:
        return _error(request_id, 200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
    try:
        values = json.loads(params.get("TemplateParam", "{}"))
    except ValueError:
        return _error(request_id, 200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
    strings = isinstance(values, dict) and all(isinstance(value, str) for value in values.values())
    if not strings or set(values) != variables:
        return _error(request_id, 200, "isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值")
    if any(not value or len(value) > PARAM_MAX_CHARS for value in values.values()):
        return _error(request_id, 200, "isv.PARAM_LENGTH_LIMIT", "参数超出长度限制")
    if phone in LIMITED_NUMBERS:
        return _error(request_id, 200, "isv.BUSINESS_LIMIT_CONTROL", "业务限流")
    return None


def _error(request_id: str, status: int, code: str, message: str) -> tuple[int, dict]:
    return status, {"Code": code, "Message": message, "RequestId": request_id}


def _missing(request_id: str, name: str) -> tuple[int, dict]:
    return _error(
        request_id, 400, f"MissingParameter.{name}", f"The input parameter {name} that is mandatory is missing"
    )
