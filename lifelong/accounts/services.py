"""Writes for accounts: sign-in, tokens, learners, managed profiles, roles, preferences."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifelong.common.choices import AuditAction
from lifelong.common.elder_mode import ELDER_COOKIE
from lifelong.common.errors import Conflict, Forbidden, InvalidInput, Locked, NotAuthenticated, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.masking import mask_phone
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.regions.models import Region

from . import codes, policy
from .choices import INSTITUTION_ROLES, CodePurpose, Language, Role
from .models import WITHOUT_PHONE, APIToken, RoleGrant, User, hash_token
from .phone import normalize_phone
from .tasks import learner_welcome_sms

if TYPE_CHECKING:  # a grant at an institution gets the institution from its caller
    from lifelong.institutions.models import Institution

SESSION_SIGNED_IN_AT = "lifelong_signed_in_at"


def needs_two_factor(user: User) -> bool:
    return settings.STAFF_TWO_FACTOR_REQUIRED and policy.is_staff_member(user)


def has_two_factor_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def credentials_check(*, request: HttpRequest, phone: str, password: str) -> User:
    """Check phone and password with per-account lockout. Raises `NotAuthenticated`
    (401 `invalid_credentials`) or `Locked`; every outcome is audited."""
    normalized = normalize_phone(phone)
    user = authenticate(request, phone=normalized, password=password)
    if getattr(request, "axes_locked_out", False):
        audit_record(
            actor=None, action=AuditAction.LOGIN_LOCKED, summary=mask_phone(normalized), request=request, success=False
        )
        raise Locked()
    if user is None:
        audit_record(
            actor=None, action=AuditAction.LOGIN_FAILED, summary=mask_phone(normalized), request=request, success=False
        )
        raise NotAuthenticated(_("The phone number or password is wrong."), code="invalid_credentials")
    return user


def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a web session (a new session id) and remember when, for the absolute timeout.
    Large print switched on before signing in stays on: the account's setting would otherwise
    take it away at the moment an older person has just found it."""
    if request.COOKIES.get(ELDER_COOKIE) == "1" and not user.elder_mode:
        user_preferences_update(user=user, elder_mode=True)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_SIGNED_IN_AT] = timezone.now().timestamp()
    audit_record(actor=user, action=AuditAction.LOGIN, target=user, request=request)


def user_sign_out(*, request: HttpRequest) -> None:
    """End the web session on the server (its row is deleted), audited."""
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditAction.LOGOUT, target=request.user, request=request)
    logout(request)


def two_factor_verify(*, request: HttpRequest, user: User, code: str) -> None:
    device = match_token(user, (code or "").strip())
    if device is None:
        audit_record(
            actor=user, action=AuditAction.LOGIN_FAILED, target=user, summary="otp", request=request, success=False
        )
        raise InvalidInput(_("The code is wrong or has expired."), code="invalid_otp", field="otp")
    otp_login(request, device)


# Enrolling an authenticator app needs the staff member's phone as well as their password: an
# SMS code (the one code mechanism of codes.py: 6 digits, 10 minutes, 5 wrong tries, at most
# one a minute and 5 a day per number) and a first code from the app, whose secret lives only
# in this browser session until it is confirmed.
PENDING_TOTP_KEY = "lifelong_pending_totp_key"


def pending_totp_device(*, request: HttpRequest, user: User) -> TOTPDevice:
    """The authenticator secret offered to this session, as an unsaved device. Each session
    gets its own secret; nothing is stored until the codes are right."""
    key = request.session.get(PENDING_TOTP_KEY)
    if not key:
        key = secrets.token_hex(20)
        request.session[PENDING_TOTP_KEY] = key
    return TOTPDevice(user=user, name="authenticator", key=key, confirmed=False)


def enrolment_code_send(*, user: User, resend: bool = False) -> bool:
    """Text an enrolment code to the user's own phone, unless a usable one is out already
    (`resend` asks for a new one anyway). Returns whether a code was sent. Opening the page
    again within a minute of a code sends nothing and says nothing; past the daily limit, or
    an explicit resend within the minute, raises `TooManyCodes` (`too_many_codes`)."""
    if not resend and codes.code_live(phone=user.phone, purpose=CodePurpose.TWO_FACTOR):
        return False

    def text(code: str) -> str:
        with translation.override(user.message_language):
            return _("Lifelong: your code to set up two-factor sign-in is %(code)s. It is valid for 10 minutes.") % {
                "code": code
            }

    try:
        codes.code_send(phone=user.phone, purpose=CodePurpose.TWO_FACTOR, text=text, user=user)
    except codes.CodeSentRecently:
        if resend:
            raise
        return False
    return True


def two_factor_enrol(*, request: HttpRequest, user: User, sms_code: str, code: str) -> None:
    """Confirm this session's authenticator secret with the SMS code and a first code from
    the app; the device is saved only then, and the session counts as verified."""
    sms = codes.code_check(phone=user.phone, purpose=CodePurpose.TWO_FACTOR, code=sms_code, field="sms_code")
    device = pending_totp_device(request=request, user=user)
    verifier = TOTP(device.bin_key, device.step, device.t0, device.digits)
    code = (code or "").strip()
    if not code.isdigit() or not verifier.verify(int(code), tolerance=device.tolerance):
        raise InvalidInput(_("The code is wrong or has expired."), code="invalid_otp", field="otp")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device.confirmed = True
        device.last_t = verifier.t()
        codes.code_use(row=sms, field="sms_code")
        device.save()
    request.session.pop(PENDING_TOTP_KEY, None)
    otp_login(request, device)
    audit_record(actor=user, action=AuditAction.TWO_FACTOR_ENROLLED, target=user, request=request)


def api_token_issue(*, request: HttpRequest, phone: str, password: str, otp: str | None) -> tuple[str, datetime]:
    """Exchange phone + password (+ TOTP code for staff where enforced) for a bearer token.
    Someone who must still replace the password staff set gets none (403
    `password_change_required`): they change it on the site, or reset it by SMS code, first."""
    user = credentials_check(request=request, phone=phone, password=password)
    verified = False
    if needs_two_factor(user):
        if not otp:
            raise NotAuthenticated(_("Staff accounts need a two-factor code (otp)."), code="otp_required")
        if match_token(user, otp.strip()) is None:
            audit_record(
                actor=user, action=AuditAction.LOGIN_FAILED, target=user, summary="otp", request=request, success=False
            )
            raise NotAuthenticated(_("The code is wrong or has expired."), code="invalid_otp")
        verified = True
    if user.must_change_password:
        raise Forbidden(
            _(
                "Staff set this account's password, and it must be replaced first. Sign in on the website to "
                "change it, or reset it with a text message code."
            ),
            code="password_change_required",
        )
    token, expires_at = api_token_create(user=user, two_factor_verified=verified)
    audit_record(actor=user, action=AuditAction.TOKEN_ISSUED, target=user, request=request)
    return token, expires_at


def api_token_create(*, user: User, two_factor_verified: bool) -> tuple[str, datetime]:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    expires_at = timezone.now() + settings.API_TOKEN_LIFETIME
    APIToken.objects.create(
        user=user, key_hash=hash_token(raw), expires_at=expires_at, two_factor_verified=two_factor_verified
    )
    return raw, expires_at


def api_token_revoke(*, user: User, raw_token: str) -> None:
    APIToken.objects.filter(user=user, key_hash=hash_token(raw_token)).delete()


def _validated_password(password: str, user: User) -> str:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), code="weak_password", field="password") from error
    return password


def learner_register(
    *,
    actor: User,
    name: str,
    home_region: Region,
    birth_year: int | None,
    phone: str | None = None,
    password: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Staff register a citizen whose home village is in their scope.

    Without a phone the learner is a managed profile that cannot sign in. A password set by
    staff works at once; the learner must change it at the next web sign-in. A learner with a
    phone gets a welcome SMS from the task worker after the transaction commits.

    A number someone already uses is refused (409 `phone_taken`), which tells whether it is
    registered anywhere: each registration with a number counts against the actor's allowance
    of number lookups (`codes.number_lookup_count`, 429 `throttled`), before the check and
    outside the transaction, so that a refused registration still counts.
    """
    if not policy.covers(actor, home_region):
        raise NotFound(field="home_region")
    if home_region.level != "village":
        raise InvalidInput(
            _("A learner's home region is a village or community."), code="invalid_region", field="home_region"
        )
    normalized = normalize_phone(phone) if phone else None
    if password and not normalized:
        raise InvalidInput(
            _("A password needs a phone number to sign in with."), code="password_without_phone", field="password"
        )
    if normalized:
        codes.number_lookup_count(actor=actor)
    return _learner_register(
        actor=actor,
        name=name,
        home_region=home_region,
        birth_year=birth_year,
        normalized=normalized,
        password=password,
        request=request,
    )


@transaction.atomic
def _learner_register(
    *,
    actor: User,
    name: str,
    home_region: Region,
    birth_year: int | None,
    normalized: str | None,
    password: str | None,
    request: HttpRequest | None,
) -> User:
    if normalized and User.objects.filter(phone=normalized).exists():
        raise Conflict(_("Someone already uses this phone number."), code="phone_taken", field="phone")
    learner = User(
        name=name.strip(),
        home_region=home_region,
        birth_year=birth_year,
        phone=normalized,
        created_by=actor,
        must_change_password=bool(password),
        # Staff in scope placed them there (a family link added later keeps this true).
        residence_confirmed_at=timezone.now(),
        residence_confirmed_by=actor,
    )
    if password:
        learner.set_password(_validated_password(password, learner))
    else:
        learner.set_unusable_password()
    full_clean_or_raise(learner)
    learner.save()
    if learner.phone:
        transaction.on_commit(lambda: learner_welcome_sms.enqueue(learner.pk))
    audit_record(
        actor=actor,
        action=AuditAction.LEARNER_REGISTERED,
        target=learner,
        request=request,
        changes={"home_region": home_region.code, "phone": mask_phone(normalized)},
    )
    return learner


@transaction.atomic
@short_lock_wait()
def managed_profile_create(*, actor: User, name: str, birth_year: int | None, home_region: Region) -> User:
    """A family member adds a relative who has no phone; they then act for that relative.

    One learner manages at most `MANAGED_PROFILES_MAX` relatives without a phone of their own
    (422 `too_many_relatives`): each relative may register, so an unlimited number would let
    one person take unlimited seats. The actor's row is locked while counting, so two
    parallel additions are counted one after the other. Relatives who have their own account
    no longer count. Staff registering villagers (`learner_register`) are not limited.

    The relative's home village is the family member's word until village staff confirm it
    (lifelong.accounts.residence), unless the family member is an admin whose scope covers that
    village: staff could register the villager themselves, so their word counts as confirmed."""
    if home_region.level != "village":
        raise InvalidInput(
            _("A learner's home region is a village or community."), code="invalid_region", field="home_region"
        )
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).get()
    most = settings.MANAGED_PROFILES_MAX
    held = User.objects.filter(WITHOUT_PHONE, managed_by=actor, is_active=True).count()
    if held >= most:
        raise InvalidInput(
            ngettext(
                "You already manage %(n)d relative without a phone, the most one person may. Ask the village's "
                "teaching point (village staff) to register anyone else.",
                "You already manage %(n)d relatives without a phone, the most one person may. Ask the village's "
                "teaching point (village staff) to register anyone else.",
                most,
            )
            % {"n": most},
            code="too_many_relatives",
        )
    profile = User(
        name=name.strip(), birth_year=birth_year, home_region=home_region, managed_by=actor, created_by=actor
    )
    if policy.covers(actor, home_region):
        profile.residence_confirmed_at, profile.residence_confirmed_by = timezone.now(), actor
    profile.set_unusable_password()
    full_clean_or_raise(profile)
    profile.save()
    audit_record(actor=actor, action=AuditAction.CREATED, target=profile, summary="managed profile")
    return profile


@transaction.atomic
def password_change(
    *, user: User, current_password: str, new_password: str, request: HttpRequest | None = None
) -> None:
    """Replace the password after checking the current one (ASVS 6.2.3)."""
    if not user.check_password(current_password):
        audit_record(
            actor=user,
            action=AuditAction.LOGIN_FAILED,
            target=user,
            summary="password change",
            request=request,
            success=False,
        )
        raise InvalidInput(_("The current password is wrong."), code="invalid_credentials", field="current_password")
    user.set_password(_validated_password(new_password, user))
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    # A new password ends every other way in: other web sessions lose their auth hash with
    # the old password, and API tokens are removed here.
    APIToken.objects.filter(user=user).delete()
    audit_record(actor=user, action=AuditAction.PASSWORD_CHANGED, target=user, request=request)


def user_preferences_update(*, user: User, language: str | None = None, elder_mode: bool | None = None) -> None:
    fields = []
    if language is not None and language in Language.values:
        user.preferred_language = language
        fields.append("preferred_language")
    if elder_mode is not None:
        user.elder_mode = elder_mode
        fields.append("elder_mode")
    if fields and user.pk:
        user.save(update_fields=fields)


def contact_email_set(*, user: User, email: str) -> None:
    """The address notices are also emailed to; empty stops the emails."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise InvalidInput(_("Enter a valid email address."), code="invalid", field="email") from error
    user.email = email
    user.save(update_fields=["email"])


@transaction.atomic
def role_grant_create(
    *,
    actor: User,
    phone: str,
    role: str,
    region: Region | None = None,
    institution: "Institution | None" = None,
    request: HttpRequest | None = None,
) -> RoleGrant:
    """Grant `role` at `region` (admins, editors, reviewers) or `institution` (organizers,
    instructors) to the person registered with `phone`. A place outside the actor's subtree
    answers 404; a role above the actor's own there 403 `role_above_own`. The grantee is
    looked up only after those checks, so they reveal nothing about who is registered."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), code="invalid_role", field="role")
    if role in INSTITUTION_ROLES:
        if institution is None:
            raise InvalidInput(
                _("Choose the institution for this role."), code="institution_required", field="institution"
            )
        region = None
    else:
        if region is None:
            raise InvalidInput(_("Choose the region for this role."), code="region_required", field="region")
        institution = None
    refusal = policy.grant_refusal(actor, role=role, region=region, institution=institution)
    if refusal is not None:
        raise refusal
    grantee = User.objects.filter(phone=normalize_phone(phone), is_active=True).first()
    if grantee is None:
        raise NotFound(_("Nobody is registered with this phone number."), field="phone")
    grant = RoleGrant(user=grantee, role=role, region=region, institution=institution, granted_by=actor)
    full_clean_or_raise(grant)
    grant.save()
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_GRANTED,
        target=grant,
        request=request,
        changes={"user": grantee.pk, "role": role, "scope": grant.scope_region.code},
    )
    return grant


@transaction.atomic
def role_grant_revoke(*, actor: User, grant: RoleGrant, request: HttpRequest | None = None) -> None:
    refusal = policy.revoke_refusal(actor, grant)
    if refusal is not None:
        raise refusal
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_REVOKED,
        target=grant,
        request=request,
        changes={"user": grant.user_id, "role": grant.role, "scope": grant.scope_region.code},
    )
    grant.delete()
