"""Writes a citizen does alone, proven by an SMS code (codes.py): signing up, resetting a
forgotten password, and turning a family profile into the relative's own account.

None of these may tell a caller whether a number is registered, except the family member
handing a profile over (they are signed in and must hear why the number cannot be used).
Each checks everything it can before spending one of the code's 5 tries, so a weak password
or a missing field costs no try, and spends the try outside its own transaction, so a wrong
code still counts when the rest is refused.
"""

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.links import public_url
from lifelong.common.locking import short_lock_wait
from lifelong.common.masking import mask_phone
from lifelong.common.services import audit_record
from lifelong.regions.models import Region

from . import codes
from .choices import CodePurpose
from .models import APIToken, User
from .phone import normalize_phone
from .services import _validated_password
from .tasks import password_reset_code_send


def _phone_taken() -> Conflict:
    return Conflict(_("Someone already uses this phone number."), code="phone_taken", field="phone")


def _password_checked(password: str, user: User, field: str) -> str:
    try:
        return _validated_password(password, user)
    except InvalidInput as error:
        raise InvalidInput(error.detail, code=error.code, field=field) from error


# --- Sign-up -----------------------------------------------------------------------------------


def signup_code_send(*, phone: str, request: HttpRequest | None = None) -> str:
    """Start a sign-up: a code goes to a number nobody uses; a registered number instead gets
    a note that it already has an account and how to reset the password. Both count against
    the same limits (the number's, the client address's hour, the site's day), and both send
    from the request, so the caller's answer (a 429 `too_many_codes`, a 503 `sms_unavailable`
    when the gateway fails) and its time are the same either way: the person signing up must
    hear at once when no text can come. Returns the normalised number; raises `InvalidInput`
    (`invalid_phone`), `TooManyCodes` or `SmsNotSent`."""
    normalized = normalize_phone(phone)
    limits = codes.public_limits(request)
    if User.objects.filter(phone=normalized).exists():
        codes.message_send(
            phone=normalized,
            limits=limits,
            template="account_exists",  # the approved template words it all: no variables
            params={},
            text=_(
                "Lifelong: this number already has an account. Sign in with it; if you forgot the password, "
                "reset it at %(url)s"
            )
            % {"url": public_url("/accounts/password-reset/")},
        )
    else:
        codes.code_send(
            phone=normalized,
            purpose=CodePurpose.SIGN_UP,
            limits=limits,
            text=lambda code: (
                _("Lifelong: your sign-up code is %(code)s. It is valid for 10 minutes. Do not tell it to anyone.")
                % {"code": code}
            ),
        )
    return normalized


def _birth_year_checked(birth_year: int | None) -> int:
    if birth_year is None or not 1900 <= birth_year <= timezone.localdate().year:
        raise InvalidInput(
            _("Enter the year you were born, such as 1956."), code="invalid_birth_year", field="birth_year"
        )
    return birth_year


def _home_village_checked(home_region: Region | None) -> Region:
    if home_region is None or home_region.level != "village":
        raise InvalidInput(_("Choose your home village or community."), code="invalid_region", field="home_region")
    return home_region


def citizen_sign_up(
    *,
    phone: str,
    code: str,
    name: str,
    birth_year: int | None,
    home_region: Region | None,
    password: str,
    language: str = "",
    elder_mode: bool = False,
    request: HttpRequest | None = None,
) -> User:
    """Create a citizen's own account once the sign-up code proves the phone. `language` and
    `elder_mode` are what the visitor was reading in: signed in, the account's own preferences
    decide, so without them an elder who signed up in elder mode would land in small print.

    Raises `InvalidInput` (422) for a bad field, `InvalidCode` (400 `invalid_code`) for a
    wrong, expired or locked code, `Conflict` (`phone_taken`) when the number was registered
    meanwhile. Nothing is written unless everything holds (the spent try aside)."""
    normalized = normalize_phone(phone)
    citizen = User(
        phone=normalized,
        name=(name or "").strip(),
        birth_year=_birth_year_checked(birth_year),
        home_region=_home_village_checked(home_region),
        preferred_language=language,
        elder_mode=elder_mode,
    )
    if not citizen.name:
        raise InvalidInput(_("Enter your name."), code="invalid_name", field="name")
    _password_checked(password, citizen, "password")
    # Model rules (lengths, the birth-year check) before the code, but not the phone's
    # uniqueness: that would tell an unproven caller that the number is registered.
    citizen.set_unusable_password()
    try:
        citizen.full_clean(exclude=["phone", "password"], validate_unique=False)
    except ValidationError as error:
        field, problems = next(iter(error.error_dict.items()))
        raise InvalidInput(
            problems[0].messages[0], code="invalid", field=None if field == "__all__" else field
        ) from error
    row = codes.code_check(phone=normalized, purpose=CodePurpose.SIGN_UP, code=code)
    try:
        with transaction.atomic():
            codes.code_use(row=row)
            if User.objects.filter(phone=normalized).exists():
                raise _phone_taken()
            citizen.set_password(password)
            citizen.save()
            audit_record(
                actor=citizen,
                action=AuditAction.CREATED,
                target=citizen,
                summary="self sign-up",
                changes={"home_region": citizen.home_region.code, "phone": mask_phone(normalized)},
                request=request,
            )
    except IntegrityError as error:  # the same number signed up in a parallel request
        raise _phone_taken() from error
    return citizen


# --- Password reset ----------------------------------------------------------------------------


def password_reset_request(*, phone: str, request: HttpRequest | None = None) -> None:
    """Ask for a reset code. Says nothing either way (DESIGN §5: 202 always), and takes the
    same time for every number: the request only normalises the number, counts one message
    against its limits (the number's, the client address's, the site's; counted for every
    number, registered or not, so they tell nothing) and queues `password_reset_code_send`
    after commit with the number alone. The task looks the account up, makes the code and
    texts it, so neither the account lookup, nor the gateway's latency, nor its errors reach
    the answer. Past a limit nothing is queued, silently. Raises only `InvalidInput`
    (`invalid_phone`) for something that is not a mainland mobile number."""
    normalized = normalize_phone(phone)
    try:
        codes.quota_take(phone=normalized, limits=codes.public_limits(request))
    except codes.TooManyCodes:
        return
    transaction.on_commit(
        lambda: password_reset_code_send.enqueue(phone=normalized, purpose=CodePurpose.PASSWORD_RESET.value)
    )


def password_reset_confirm(*, phone: str, code: str, new_password: str, request: HttpRequest | None = None) -> User:
    """Set a new password with a reset code. Every API token of the account is deleted, and
    every web session ends with the old password (Django checks each session against a hash
    of the password). A lockout from failed sign-ins is lifted: the person has just proven
    the phone. Audited without the code or the password.

    Raises `InvalidInput` (`weak_password`, field `new_password`) or `InvalidCode`."""
    normalized = normalize_phone(phone)
    # Judge the password without the account first: the answer must not depend on whether
    # the number is registered (the account's own details are checked once the code holds).
    _password_checked(new_password, User(phone=normalized), "new_password")
    try:
        row = codes.code_check(phone=normalized, purpose=CodePurpose.PASSWORD_RESET, code=code)
    except codes.InvalidCode:
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            summary=f"password reset code {mask_phone(normalized)}",
            request=request,
            success=False,
        )
        raise
    with transaction.atomic(), short_lock_wait():
        codes.code_use(row=row)
        user = User.objects.select_for_update().filter(pk=row.user_id, phone=normalized, is_active=True).first()
        if user is None:
            raise codes.InvalidCode()
        user.set_password(_password_checked(new_password, user, "new_password"))
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        APIToken.objects.filter(user=user).delete()
        audit_record(
            actor=user,
            action=AuditAction.PASSWORD_CHANGED,
            target=user,
            summary="password reset by SMS code",
            request=request,
        )
    axes_reset(username=normalized)
    return user


# --- A family profile becomes its owner's account ---------------------------------------------


def family_claim_start(*, actor: User, profile: User, phone: str, request: HttpRequest | None = None) -> str:
    """A family member hands a profile they manage to the relative, who now has a phone: a
    code goes to that phone. A number already registered is refused plainly (`phone_taken`)
    and nothing is sent. Returns the normalised number.

    Saying `phone_taken` tells a signed-in family member that the number is registered. It
    stays plain on purpose: the relative usually sits beside them, and "a code was sent if
    the number can be used" would leave an elder waiting for a text that never comes. What
    keeps it from being an oracle is that every attempt, taken or not, is counted before the
    answer: against the number (one a minute, 5 a day) and against the family member
    (CLAIMS_PER_DAY_PER_ACCOUNT a day), whose account itself proved a phone. Raises
    `TooManyCodes` (429) and `SmsNotSent` (503) as well."""
    if profile.managed_by_id != actor.pk:
        raise NotFound()
    if not profile.is_managed_profile:
        raise Conflict(_("This person already has their own account."), code="already_own_account")
    normalized = normalize_phone(phone)
    taken = codes.quota_take(phone=normalized, limits=[codes.claim_limit(actor)])
    if User.objects.filter(phone=normalized).exists():
        raise Conflict(
            _("This number already belongs to an account. Enter the relative's own number, which nobody uses yet."),
            code="phone_taken",
            field="phone",
        )
    codes.code_send_taken(
        taken=taken,
        phone=normalized,
        purpose=CodePurpose.CLAIM,
        user=profile,
        text=lambda code: (
            _(
                "Lifelong: %(name)s is setting up your own account. Your code is %(code)s, valid for 10 minutes. "
                "Enter it on their phone, or on yours at %(url)s"
            )
            % {"name": actor.name, "code": code, "url": public_url("/accounts/own-account/")}
        ),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=profile,
        summary="own account code sent",
        changes={"phone": mask_phone(normalized)},
        request=request,
    )
    return normalized


def family_claim_complete(
    *, phone: str, code: str, password: str, profile: User | None = None, request: HttpRequest | None = None
) -> User:
    """The relative proves the phone with the code and chooses a password: the profile gets
    the phone and the password, keeps all its history and its family link, and can sign in.
    `profile`, when the family member's page calls, must be the one the code was sent for.
    Raises `InvalidInput`, `InvalidCode` or `Conflict` (`phone_taken`)."""
    normalized = normalize_phone(phone)
    _password_checked(password, User(phone=normalized), "password")
    row = codes.code_check(phone=normalized, purpose=CodePurpose.CLAIM, code=code)
    if profile is not None and row.user_id != profile.pk:
        raise codes.InvalidCode()
    try:
        with transaction.atomic(), short_lock_wait():
            codes.code_use(row=row)
            claimed = User.objects.select_for_update().filter(pk=row.user_id, is_active=True).first()
            if claimed is None or not claimed.is_managed_profile:
                raise Conflict(_("This person already has their own account."), code="already_own_account")
            if User.objects.filter(phone=normalized).exists():
                raise _phone_taken()
            claimed.phone = normalized
            claimed.set_password(_password_checked(password, claimed, "password"))
            claimed.must_change_password = False
            claimed.save(update_fields=["phone", "password", "must_change_password"])
            audit_record(
                actor=claimed,
                action=AuditAction.UPDATED,
                target=claimed,
                summary="family profile became own account",
                changes={"phone": mask_phone(normalized)},
                request=request,
            )
    except IntegrityError as error:  # the number was registered in a parallel request
        raise _phone_taken() from error
    return claimed


def family_link_remove(*, actor: User, person_id: int, request: HttpRequest | None = None) -> User:
    """End a family link, from either side: the family member for a relative they manage, or
    the relative for themselves (`person_id` is then the actor's own). Only once the
    relative has their own account: a profile without a phone would be left with nobody but
    village staff to act for it. Anyone else's id answers `NotFound`."""
    person = (
        User.objects.filter(pk=person_id, managed_by__isnull=False).filter(Q(pk=actor.pk) | Q(managed_by=actor)).first()
    )
    if person is None:
        raise NotFound()
    if person.is_managed_profile:
        raise Conflict(
            _("This relative has no phone of their own yet; give them their own account first."),
            code="no_own_account",
        )
    former = person.managed_by_id
    with transaction.atomic():
        person.managed_by = None
        person.save(update_fields=["managed_by"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=person,
            summary="family link removed",
            changes={"managed_by": former},
            request=request,
        )
    return person
