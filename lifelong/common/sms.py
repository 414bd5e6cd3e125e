"""Pluggable SMS backends, chosen by the SMS_BACKEND setting (as Django does for email).

A real gateway backend implements `send(phone, text)`. The ones here are for demo and
development (console: masked number and the text in the log; file: an outbox under
SMS_FILE_PATH) and for tests (memory); a production deployment names its gateway's class.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class ConsoleSmsBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class FileSmsBackend:
    def send(self, phone: str, text: str) -> None:
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / f"{timezone.now():%Y%m%d}.log").open("a", encoding="utf-8") as out:
            out.write(f"{timezone.now().isoformat()}\t{phone}\t{text}\n")


class MemorySmsBackend:
    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def send_sms(phone: str, text: str, *, template: str = "notice", params: dict[str, str] | None = None) -> None:
    """Send `text` to `phone`. `template` names the kind of message (`notice`: params
    `{"text"}`; `code`: a verification code, params `{"code"}`): gateways in mainland China send
    only pre-approved templates filled with parameters, while the file and console backends
    write the rendered text."""
    import_string(settings.SMS_BACKEND)().send(phone, text)


def mask_phone(phone: str | None) -> str:
    """`13900000005` → `139****0005`, the form lists, exports and logs use."""
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
