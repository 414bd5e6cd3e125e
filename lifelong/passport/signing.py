"""Certificate signatures (DESIGN §4 "Certificates"): Ed25519 over a canonical payload.

The canonical form of a payload is its JSON with sorted keys, no spaces and UTF-8 text, so
anyone can rebuild the signed bytes from the payload alone. Values are strings and integers
only (hours travel as "12.5"), which keeps that form the same in every JSON library.

Private keys are stored encrypted (Fernet) under a key derived from SECRET_KEY; keys derived
from SECRET_KEY_FALLBACKS still decrypt, so rotating SECRET_KEY the Django way keeps signing.
"""

import base64
import json
import logging
import secrets
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import SigningKey

ALGORITHM = "Ed25519"
PAYLOAD_VERSION = 1
logger = logging.getLogger(__name__)


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _fernet() -> MultiFernet:
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [
        Fernet(
            base64.urlsafe_b64encode(
                salted_hmac("lifelong.passport.signing-key", "key", secret=s, algorithm="sha256").digest()
            )
        )
        for s in secrets_in_use
    ]
    return MultiFernet(keys)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def key_create() -> SigningKey:
    """Make a new signing key; it signs from now on."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return SigningKey.objects.create(
        key_id=f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(4)}",
        public_key=_b64(raw_public),
        private_key_encrypted=_fernet().encrypt(raw_private).decode("ascii"),
    )


@transaction.atomic
def key_rotate() -> SigningKey:
    """Retire the signing key(s) in use and make a new one. Retired keys stay published, so
    every certificate they signed still verifies."""
    SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
    return key_create()


def _private(key: SigningKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_fernet().decrypt(key.private_key_encrypted.encode("ascii")))


def signing_key() -> SigningKey:
    """The key that signs now: the newest one not retired (made on first use). If SECRET_KEY
    changed without the old one in SECRET_KEY_FALLBACKS, the key cannot be unlocked any more:
    it is retired (its public half keeps verifying what it signed) and a new one begins, so a
    check-in never fails for want of a key."""
    key = SigningKey.objects.filter(retired_at__isnull=True).first()
    if key is None:
        return key_create()
    try:
        _private(key)
    except InvalidToken:
        # Loud: on a copy of the site pointed at the wrong database this replaces that site's key.
        logger.error(
            "Signing key %s cannot be decrypted with SECRET_KEY (changed without SECRET_KEY_FALLBACKS?); "
            "it is retired and a new key signs from now on.",
            key.key_id,
        )
        return key_rotate()
    return key


def sign(payload: dict[str, Any], key: SigningKey) -> str:
    return _b64(_private(key).sign(canonical(payload)))


def verify(payload: dict[str, Any], signature: str, public_key: str) -> bool:
    """Does `signature` (base64) sign `payload` under `public_key` (base64 of the raw key)?"""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), canonical(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def published_keys() -> dict[str, Any]:
    """Every public key the site has signed with, as published at /verify/keys.json."""
    return {
        "algorithm": ALGORITHM,
        "payload_version": PAYLOAD_VERSION,
        "keys": [
            {
                "id": key.key_id,
                "public_key": key.public_key,
                "created_at": key.created_at.isoformat(),
                "retired_at": key.retired_at.isoformat() if key.retired_at else None,
            }
            for key in SigningKey.objects.order_by("created_at", "id")
        ],
    }


def verify_document(document: dict[str, Any], keys: dict[str, Any]) -> tuple[bool, str]:
    """Check a signed certificate document (`{"payload", "signature"}`, as downloaded) against
    a set of published keys, with no database: (genuine?, why)."""
    payload, signature = document.get("payload"), document.get("signature")
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return False, "not a signed certificate document"
    key_id = payload.get("key")
    public = next((k.get("public_key") for k in keys.get("keys", []) if k.get("id") == key_id), None)
    if public is None:
        return False, f"the key {key_id!r} is not among the published keys"
    if not verify(payload, signature, public):
        return False, "the signature does not match the payload"
    return True, f"signed by key {key_id}"
