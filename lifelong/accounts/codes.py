"""SMS verification codes: the one way Lifelong proves that someone holds a phone.

Sign-up, password reset, handing a family profile over to its owner and staff two-factor
set-up all use it. A code is 6 random digits, stored only as a keyed hash, valid for
10 minutes; a number has one live code per purpose (a new one replaces the old); 5 wrong
tries lock the code. A number receives at most one of these messages a minute and 5 a day,
counting every purpose and the "you already have an account" notice, so nobody can flood a
phone and the limits answer the same whether or not the number is registered.
"""

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from lifelong.common.errors import DomainError
from lifelong.common.sms import send_sms

from .choices import CodePurpose
from .models import PhoneCode, PhoneCodeQuota, User

CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
MESSAGES_PER_MINUTE_WINDOW = timedelta(minutes=1)
MESSAGES_PER_DAY = 5


class InvalidCode(DomainError):
    """Wrong, expired, locked, already used, or never sent: one answer for all of them, so a
    refusal never tells whether a number is registered (a reset sends codes only to known
    numbers)."""

    status = 400
    code = "invalid_code"
    default_detail = _("The code is wrong or has expired. Check it, or ask for a new one.")


class TooManyCodes(DomainError):
    status = 429
    code = "too_many_codes"
    default_detail = _("Too many codes were sent to this number. Try again later.")


class CodeSentRecently(TooManyCodes):
    """The per-minute limit: a code went to this number less than a minute ago."""

    default_detail = _("A code was sent to this number less than a minute ago. Wait a minute, then ask again.")


def _digest(phone: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not let anyone try the
    # million possible codes offline.
    return salted_hmac("lifelong.phone-code", f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _quota_take(phone: str) -> None:
    """Count one message to `phone`, or raise `TooManyCodes`. Call inside a transaction: the
    number's quota row stays locked until it commits."""
    now = timezone.now()
    today = timezone.localdate(now)
    # get_or_create survives a parallel first message to the number: the loser of the
    # insert reads (and locks) the winner's row.
    quota, created = PhoneCodeQuota.objects.select_for_update().get_or_create(
        phone=phone, defaults={"day": today, "sent_on_day": 0, "last_sent_at": now}
    )
    if not created:
        if now - quota.last_sent_at < MESSAGES_PER_MINUTE_WINDOW:
            raise CodeSentRecently()
        if quota.day == today and quota.sent_on_day >= MESSAGES_PER_DAY:
            raise TooManyCodes(
                _("This number has had %(count)d codes today, the most we send in a day. Try again tomorrow.")
                % {"count": MESSAGES_PER_DAY}
            )
    if quota.day != today:
        quota.day, quota.sent_on_day = today, 0
    quota.sent_on_day += 1
    quota.last_sent_at = now
    quota.save(update_fields=["day", "sent_on_day", "last_sent_at"])


def code_send(*, phone: str, purpose: CodePurpose, text: Callable[[str], str], user: User | None = None) -> None:
    """Text a new code for `purpose` to `phone` (already normalised); it replaces any code
    the number had for that purpose. `text(code)` words the message. Raises `TooManyCodes`.

    Sent from the request, never the task worker, so the code exists in clear only in this
    function and the message."""
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        _quota_take(phone)
        PhoneCode.objects.update_or_create(
            phone=phone,
            purpose=purpose,
            defaults={
                "user": user,
                "digest": _digest(phone, purpose, code),
                "created_at": now,
                "expires_at": now + CODE_LIFETIME,
                "attempts": 0,
                "used_at": None,
            },
        )
    send_sms(phone, text(code), template="code", params={"code": code})


def notice_send(*, phone: str, text: str) -> None:
    """Send a message that stands in for a code (e.g. "this number already has an account")
    under the same limits, so that the limits answer the same for every number."""
    with transaction.atomic():
        _quota_take(phone)
    send_sms(phone, text, template="notice", params={"text": text})


def code_live(*, phone: str, purpose: CodePurpose) -> PhoneCode | None:
    """The number's code for `purpose` if it can still be used."""
    return PhoneCode.objects.filter(
        phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=timezone.now(), attempts__lt=CODE_TRIES
    ).first()


def code_check(*, phone: str, purpose: CodePurpose, code: str, field: str = "code") -> PhoneCode:
    """Spend one try and compare; a right code gives its try back, so only wrong tries lock
    it. The try is spent in its own committed step (a conditional UPDATE, so parallel
    requests cannot share one): call this outside the caller's transaction, or a refusal
    would roll the count back. Returns the code's row; raises `InvalidCode`."""
    now = timezone.now()
    live = PhoneCode.objects.filter(
        phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now, attempts__lt=CODE_TRIES
    )
    with transaction.atomic():
        spent = live.update(attempts=F("attempts") + 1)
    if not spent:
        raise InvalidCode(field=field)
    row = PhoneCode.objects.get(phone=phone, purpose=purpose)
    if not constant_time_compare(row.digest, _digest(phone, purpose, (code or "").strip())):
        raise InvalidCode(field=field)
    PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") - 1)
    return row


def code_use(*, row: PhoneCode, field: str = "code") -> None:
    """Mark a checked code used, inside the caller's transaction (conditionally, so two
    parallel requests with the right code cannot both use it). Raises `InvalidCode`."""
    used = PhoneCode.objects.filter(pk=row.pk, digest=row.digest, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        raise InvalidCode(field=field)
