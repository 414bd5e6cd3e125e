"""What the public may learn about a certificate: genuine, revoked (and why) or unknown, with
the holder's name masked. The verify page, the API and the QR code all come here."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lifelong.common.i18n import BilingualTitle

from .choices import CertificateStatus
from .selectors import certificate_public
from .signing import verify as signature_verifies


def mask_name(name: str) -> str:
    """张三丰 → 张**, Li Ming → L*******: enough to match a paper certificate, no more."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


@dataclass
class CertificateCheck(BilingualTitle):
    serial: str
    known: bool
    status: str = ""  # valid, revoked or tampered
    reason: str = ""
    holder: str = ""
    title: str = ""
    title_en: str = ""
    institution: str = ""
    hours: Decimal | None = None
    issued_on: date | None = None
    key_id: str = ""


def certificate_check(serial: str) -> CertificateCheck:
    """Look the serial up and check the stored signature again: a payload changed behind the
    site's back (by hand in the database, say) shows as not genuine rather than valid. What is
    shown comes from the signed payload; only the revocation comes from the row."""
    certificate = certificate_public(serial=serial)
    if certificate is None:
        return CertificateCheck(serial=serial.upper(), known=False)
    payload = json.loads(certificate.payload)
    intact = (
        signature_verifies(payload, certificate.signature, certificate.key.public_key)
        and payload.get("serial") == certificate.serial
    )
    status = certificate.status if intact else "tampered"
    return CertificateCheck(
        serial=certificate.serial,
        known=True,
        status=status,
        reason=certificate.revoked_reason if certificate.status == CertificateStatus.REVOKED else "",
        holder=mask_name(payload.get("holder", "")),
        title=payload.get("title", ""),
        title_en=payload.get("title_en", ""),
        institution=payload.get("institution", ""),
        hours=Decimal(payload.get("hours", "0")),
        issued_on=date.fromisoformat(payload["issued_on"]) if payload.get("issued_on") else None,
        key_id=certificate.key.key_id,
    )
