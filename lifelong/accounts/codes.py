"""SMS verification codes: the one way Lifelong proves that someone holds a phone.

Sign-up, password reset, handing a family profile over to its owner and staff two-factor
set-up all use it. A code is 6 random digits, stored only as a keyed hash, valid for
10 minutes; 5 wrong tries lock the code.

One live code per number and purpose: a new code replaces the number's last one for that
purpose. Not one per number across purposes, on purpose: a reset code can be asked for by
anyone who knows the number, so if it replaced every other code a stranger could keep
killing a staff member's two-factor set-up code (or a relative's hand-over code) by asking
for resets. Within a purpose only the newest code works, which is what "one live code"
protects (no pile of valid codes to guess at).

Limits, all counted before anything is sent and answering the same whether or not the
number is registered:
- per number, one message a minute and 5 a day (`public` bucket: sign-up, reset, family
  hand-over, and the "you already have an account" notice); a signed-in person's codes to
  their own phone (staff two-factor set-up) have their own bucket with the same limits, so
  anyone using up a staff number's public messages cannot block the staff member's set-up;
- per client address, SMS_CODES_PER_HOUR_ADDRESS an hour, and for the whole site
  SMS_CODES_PER_DAY_SITE a day, for what needs no sign-in (sign-up and reset), so nobody can
  run up the SMS bill by walking through numbers;
- per signed-in family member, CLAIMS_PER_DAY_PER_ACCOUNT hand-over attempts a day.

A gateway that fails (`lifelong.notifications.sms.SmsError`) turns into `SmsNotSent` (503
`sms_unavailable`) for the synchronous callers, with the limits given back when nothing was
sent; the password reset sends from a task instead (see `code_deliver`).
"""

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lifelong.common.errors import DomainError, Throttled
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import client_ip
from lifelong.notifications.sms import SmsError, SmsOutcomeUnknown, send_sms

from .choices import CodePurpose
from .models import PhoneCode, PhoneCodeQuota, SmsCodeCounter, User

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
MESSAGES_PER_MINUTE_WINDOW = timedelta(minutes=1)
MESSAGES_PER_DAY = 5
CLAIMS_PER_DAY_PER_ACCOUNT = 10
# Codes a signed-in person asks for their own phone: counted apart from the public ones.
OWN_PHONE_PURPOSES = frozenset({CodePurpose.TWO_FACTOR})


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


class SmsNotSent(DomainError):
    """The SMS gateway refused the message or did not answer. Raised alike for registered and
    unregistered numbers (both get a message), and never naming the number."""

    status = 503
    code = "sms_unavailable"
    default_detail = _("The text message service is not answering. Try again in a few minutes.")


@dataclass(frozen=True)
class Limit:
    """At most `most` messages per `period` ("hour" or "day") counted under `key`."""

    key: str
    most: int
    period: str
    message: str


def public_limits(request: HttpRequest | None) -> list[Limit]:
    """The limits on codes that need no sign-in: the client address's hour and the site's day."""
    limits = []
    address = client_ip(request)
    if address:
        limits.append(
            Limit(
                key=f"address:{address}",
                most=settings.SMS_CODES_PER_HOUR_ADDRESS,
                period="hour",
                message=_("Many codes were asked for from this place in the last hour. Try again in an hour."),
            )
        )
    limits.append(
        Limit(
            key="site",
            most=settings.SMS_CODES_PER_DAY_SITE,
            period="day",
            message=_("The site has sent as many codes today as it may. Try again tomorrow."),
        )
    )
    return limits


def claim_limit(actor: User) -> Limit:
    return Limit(
        key=f"claim-by:{actor.pk}",
        most=CLAIMS_PER_DAY_PER_ACCOUNT,
        period="day",
        message=_("You have tried %(count)d numbers today, the most in a day. Try again tomorrow.")
        % {"count": CLAIMS_PER_DAY_PER_ACCOUNT},
    )


@dataclass
class Taken:
    """What one message took from the limits, to give back if it was never sent."""

    quota_pk: int
    previous_sent_at: datetime | None
    counter_pks: list[int] = field(default_factory=list)


def _digest(phone: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not let anyone try the
    # million possible codes offline.
    return salted_hmac("lifelong.phone-code", f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _window_start(now: datetime, period: str) -> datetime:
    local = timezone.localtime(now)
    if period == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _counter_take(limit: Limit, now: datetime, refusal: type[DomainError] = TooManyCodes) -> int:
    window = _window_start(now, limit.period)
    row, created = SmsCodeCounter.objects.get_or_create(key=limit.key, window_start=window)
    if created:  # a new window: forget the old ones
        SmsCodeCounter.objects.filter(window_start__lt=now - timedelta(days=2)).delete()
    if not SmsCodeCounter.objects.filter(pk=row.pk, count__lt=limit.most).update(count=F("count") + 1):
        raise refusal(limit.message)
    return row.pk


def window_end(now: datetime, period: str) -> datetime:
    """When the `period` window holding `now` closes (local time): a refusal can say when to
    try again."""
    return _window_start(now, period) + (timedelta(hours=1) if period == "hour" else timedelta(days=1))


def allowance_take(limits: Sequence[Limit], *, refusal: type[DomainError]) -> None:
    """Count one use of something other than a message under each of `limits` (an account's
    allowance of number lookups at the desk, say), on the same counters as the messages; raises
    `refusal` with the first used-up limit's message, and then nothing is counted. Call it
    outside any other transaction, so that a lookup which then finds nobody still counts."""
    now = timezone.now()
    with transaction.atomic(), short_lock_wait():
        for limit in limits:
            _counter_take(limit, now, refusal)


def number_lookup_limits(actor: User) -> list[Limit]:
    """A staff member's allowance of checks that tell whether a mobile number is registered
    (finding someone at the desk by number, registering or correcting a learner with a number
    someone may already use): `DESK_LOOKUPS_PER_HOUR` and `DESK_LOOKUPS_PER_DAY`, per account."""
    now = timezone.now()
    per_hour, per_day = settings.DESK_LOOKUPS_PER_HOUR, settings.DESK_LOOKUPS_PER_DAY
    next_hour = date_format(timezone.localtime(window_end(now, "hour")), "H:i")
    return [
        Limit(
            key=f"desk-lookup-hour:{actor.pk}",
            most=per_hour,
            period="hour",
            message=ngettext(
                "You have looked up %(count)d mobile number this hour, the most allowed. Try again after %(time)s.",
                "You have looked up %(count)d mobile numbers this hour, the most allowed. Try again after %(time)s.",
                per_hour,
            )
            % {"count": per_hour, "time": next_hour},
        ),
        Limit(
            key=f"desk-lookup-day:{actor.pk}",  # its own key: at midnight both windows start alike
            most=per_day,
            period="day",
            message=ngettext(
                "You have looked up %(count)d mobile number today, the most allowed in a day. Try again tomorrow.",
                "You have looked up %(count)d mobile numbers today, the most allowed in a day. Try again tomorrow.",
                per_day,
            )
            % {"count": per_day},
        ),
    ]


def number_lookup_count(*, actor: User) -> None:
    """Count one check of whether a number is registered against the actor's allowance, or
    raise `Throttled` (429 `throttled`, nothing counted). Call it before the check and outside
    any transaction, so that a check which is then refused still counts."""
    allowance_take(number_lookup_limits(actor), refusal=Throttled)


def _quota_take(phone: str, *, bucket: str = PhoneCodeQuota.BUCKET_PUBLIC, limits: Sequence[Limit] = ()) -> Taken:
    """Count one message to `phone` (and under each of `limits`), or raise `TooManyCodes`
    with nothing counted. Call inside a transaction: the number's quota row stays locked
    until it commits."""
    now = timezone.now()
    today = timezone.localdate(now)
    # get_or_create survives a parallel first message to the number: the loser of the
    # insert reads (and locks) the winner's row.
    quota, created = PhoneCodeQuota.objects.select_for_update().get_or_create(
        phone=phone, bucket=bucket, defaults={"day": today, "sent_on_day": 0, "last_sent_at": now}
    )
    previous = None if created else quota.last_sent_at
    if not created:
        if now - quota.last_sent_at < MESSAGES_PER_MINUTE_WINDOW:
            raise CodeSentRecently()
        if quota.day == today and quota.sent_on_day >= MESSAGES_PER_DAY:
            raise TooManyCodes(
                _("This number has had %(count)d codes today, the most we send in a day. Try again tomorrow.")
                % {"count": MESSAGES_PER_DAY}
            )
    # The number's own limits first: a number past them costs the address and site nothing.
    counters = [_counter_take(limit, now) for limit in limits]
    if quota.day != today:
        quota.day, quota.sent_on_day = today, 0
    quota.sent_on_day += 1
    quota.last_sent_at = now
    quota.save(update_fields=["day", "sent_on_day", "last_sent_at"])
    return Taken(quota_pk=quota.pk, previous_sent_at=previous, counter_pks=counters)


def quota_take(*, phone: str, limits: Sequence[Limit] = ()) -> Taken:
    """Count one public message to `phone` in its own transaction; raises `TooManyCodes`
    (nothing counted). For callers that answer before the message goes (the reset, the
    hand-over's refusal of a registered number)."""
    with transaction.atomic(), short_lock_wait():
        return _quota_take(phone, limits=limits)


def _quota_give_back(taken: Taken) -> None:
    """Undo `taken` after a message the gateway certainly did not send: the person may ask
    again at once, and a failing gateway uses up nobody's day."""
    with transaction.atomic():
        quota = PhoneCodeQuota.objects.select_for_update().filter(pk=taken.quota_pk).first()
        if quota is not None and quota.sent_on_day > 0:
            quota.sent_on_day -= 1
            quota.last_sent_at = taken.previous_sent_at or (timezone.now() - MESSAGES_PER_MINUTE_WINDOW)
            quota.save(update_fields=["sent_on_day", "last_sent_at"])
        SmsCodeCounter.objects.filter(pk__in=taken.counter_pks, count__gt=0).update(count=F("count") - 1)


def _code_store(*, phone: str, purpose: str, user: User | None) -> str:
    """Write a new code for the number and purpose (replacing the last) and return it in clear."""
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
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
    return code


def _sent_or_given_back(send: Callable[[], None], taken: Taken, *, phone: str, purpose: str | None) -> None:
    """Send; on a gateway error give the limits back (and drop the unsent code) unless the
    message may have gone out, log the provider's error code (never the number) and raise
    `SmsNotSent`."""
    try:
        send()
    except SmsError as error:
        logger.warning("verification SMS (%s) not sent: %s", purpose or "notice", error.code)
        if not isinstance(error, SmsOutcomeUnknown):
            if purpose:
                PhoneCode.objects.filter(phone=phone, purpose=purpose).delete()
            _quota_give_back(taken)
        raise SmsNotSent() from error


def code_send(
    *,
    phone: str,
    purpose: CodePurpose,
    text: Callable[[str], str],
    user: User | None = None,
    limits: Sequence[Limit] = (),
) -> None:
    """Text a new code for `purpose` to `phone` (already normalised), counted against the
    number's limits and `limits`; it replaces any code the number had for that purpose.
    `text(code)` words the message. Raises `TooManyCodes` or `SmsNotSent`.

    The code exists in clear only in this function and the message."""
    bucket = PhoneCodeQuota.BUCKET_OWN if purpose in OWN_PHONE_PURPOSES else PhoneCodeQuota.BUCKET_PUBLIC
    with transaction.atomic(), short_lock_wait():
        taken = _quota_take(phone, bucket=bucket, limits=limits)
        code = _code_store(phone=phone, purpose=purpose, user=user)
    _code_text(code, taken, phone=phone, purpose=purpose, text=text)


def code_send_taken(
    *, taken: Taken, phone: str, purpose: CodePurpose, text: Callable[[str], str], user: User | None = None
) -> None:
    """`code_send` for a message whose limits `quota_take` already counted."""
    with transaction.atomic():
        code = _code_store(phone=phone, purpose=purpose, user=user)
    _code_text(code, taken, phone=phone, purpose=purpose, text=text)


def _code_text(code: str, taken: Taken, *, phone: str, purpose: CodePurpose, text: Callable[[str], str]) -> None:
    """Text the stored `code`, worded by `text(code)`; see `_sent_or_given_back` for a failure."""
    _sent_or_given_back(
        lambda: send_sms(phone, text(code), template="code", params={"code": code}),
        taken,
        phone=phone,
        purpose=purpose,
    )


def message_send(*, phone: str, text: str, template: str, params: dict[str, str], limits: Sequence[Limit] = ()) -> None:
    """Send a message that stands in for a code (e.g. `account_exists`: "this number already
    has an account") under the same limits, so that the limits answer the same for every
    number. `template` and `params` name its own provider template (lifelong.notifications.sms
    TEMPLATES), never a notice's: a gateway would cut a notice down to a kind and a title and
    lose the instructions; `text` is what the file and console backends write. Raises
    `TooManyCodes` or `SmsNotSent`."""
    with transaction.atomic(), short_lock_wait():
        taken = _quota_take(phone, limits=limits)
    _sent_or_given_back(
        lambda: send_sms(phone, text, template=template, params=params), taken, phone=phone, purpose=None
    )


def code_deliver(*, phone: str, purpose: CodePurpose, user: User, text: Callable[[str], str]) -> bool:
    """For the task worker: write a code whose message the request already counted, and send
    it. A gateway error is logged by its code (never the number) and swallowed: nobody is
    waiting for an answer, and the request already answered the same as for any number.
    Returns whether the gateway took the message."""
    with transaction.atomic():
        code = _code_store(phone=phone, purpose=purpose, user=user)
    try:
        send_sms(phone, text(code), template="code", params={"code": code})
    except SmsError as error:
        logger.warning("verification SMS (%s) not sent: %s", purpose, error.code)
        if not isinstance(error, SmsOutcomeUnknown):
            PhoneCode.objects.filter(phone=phone, purpose=purpose).delete()
        return False
    return True


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
