"""Writes for accounts: sign-in, tokens, learners, managed profiles, roles, preferences."""

import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, Locked, NotAuthenticated, NotFound
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.common.sms import mask_phone, send_sms
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

from . import policy
from .choices import INSTITUTION_ROLES, Language, Role
from .models import APIToken, RoleGrant, User, hash_token
from .phone import normalize_phone
from .tasks import learner_welcome_sms

SESSION_SIGNED_IN_AT = "lifelong_signed_in_at"


def needs_two_factor(user: User) -> bool:
    return settings.STAFF_TWO_FACTOR_REQUIRED and policy.is_staff_member(user)


def has_two_factor_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def credentials_check(*, request: HttpRequest, phone: str, password: str) -> User:
    """Check phone and password with per-account lockout. Raises `InvalidInput`
    (`invalid_credentials`) or `Locked`; every outcome is audited."""
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
        raise InvalidInput(_("The phone number or password is wrong."), code="invalid_credentials")
    return user


def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a web session (a new session id) and remember when, for the absolute timeout."""
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


ENROLMENT_CODE_SESSION_KEY = "lifelong_enrolment_code"
ENROLMENT_CODE_LIFETIME = 600  # seconds
ENROLMENT_CODE_RESEND_AFTER = 60
ENROLMENT_CODE_ATTEMPTS = 5


def _enrolment_code_digest(user: User, code: str) -> str:
    return salted_hmac("lifelong.enrolment-code", f"{user.pk}:{code}").hexdigest()


def enrolment_code_send(*, request: HttpRequest, user: User, force: bool = False) -> bool:
    """Text a 6-digit code to the staff member's own phone, so that enrolling an authenticator
    app needs the phone as well as the password (ASVS 6.5). One code lives 10 minutes in the
    session, only hashed; a new one is sent at most once a minute. Sent from the request, not
    the task worker, so the code is never stored in the task table. Returns whether it sent."""
    now = timezone.now().timestamp()
    pending = request.session.get(ENROLMENT_CODE_SESSION_KEY)
    if pending and now - pending["sent_at"] < (ENROLMENT_CODE_RESEND_AFTER if force else ENROLMENT_CODE_LIFETIME):
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[ENROLMENT_CODE_SESSION_KEY] = {
        "digest": _enrolment_code_digest(user, code),
        "sent_at": now,
        "attempts": 0,
    }
    with translation.override(user.message_language):
        text = _("Lifelong: your code to set up two-factor sign-in is %(code)s. It is valid for 10 minutes.") % {
            "code": code
        }
    send_sms(user.phone, text)
    return True


def _enrolment_code_check(*, request: HttpRequest, user: User, sms_code: str) -> None:
    pending = request.session.get(ENROLMENT_CODE_SESSION_KEY)
    expired = pending is None or timezone.now().timestamp() - pending["sent_at"] > ENROLMENT_CODE_LIFETIME
    if expired or pending["attempts"] >= ENROLMENT_CODE_ATTEMPTS:
        request.session.pop(ENROLMENT_CODE_SESSION_KEY, None)
        raise InvalidInput(
            _("The SMS code has expired. A new one has been sent."), code="sms_code_expired", field="sms_code"
        )
    pending["attempts"] += 1
    request.session[ENROLMENT_CODE_SESSION_KEY] = pending
    if not constant_time_compare(pending["digest"], _enrolment_code_digest(user, (sms_code or "").strip())):
        raise InvalidInput(_("The SMS code is wrong."), code="invalid_sms_code", field="sms_code")


def two_factor_enrol(*, request: HttpRequest, user: User, device: TOTPDevice, sms_code: str, code: str) -> None:
    """Confirm a new TOTP device with the SMS code sent to the user's phone and a first code
    from the app; the session then counts as verified."""
    _enrolment_code_check(request=request, user=user, sms_code=sms_code)
    if device.user_id != user.pk or not device.verify_token((code or "").strip()):
        raise InvalidInput(_("The code is wrong or has expired."), code="invalid_otp", field="otp")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    request.session.pop(ENROLMENT_CODE_SESSION_KEY, None)
    otp_login(request, device)
    audit_record(actor=user, action=AuditAction.TWO_FACTOR_ENROLLED, target=user, request=request)


def two_factor_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device to show as a QR code until its first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def api_token_issue(*, request: HttpRequest, phone: str, password: str, otp: str | None) -> tuple[str, datetime]:
    """Exchange phone + password (+ TOTP code for staff where enforced) for a bearer token."""
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


@transaction.atomic
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
    if normalized and User.objects.filter(phone=normalized).exists():
        raise Conflict(_("Someone already uses this phone number."), code="phone_taken", field="phone")
    learner = User(
        name=name.strip(),
        home_region=home_region,
        birth_year=birth_year,
        phone=normalized,
        created_by=actor,
        must_change_password=bool(password),
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
def managed_profile_create(*, actor: User, name: str, birth_year: int | None, home_region: Region) -> User:
    """A family member adds a relative who has no phone; they then act for that relative."""
    if home_region.level != "village":
        raise InvalidInput(
            _("A learner's home region is a village or community."), code="invalid_region", field="home_region"
        )
    profile = User(
        name=name.strip(), birth_year=birth_year, home_region=home_region, managed_by=actor, created_by=actor
    )
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


@transaction.atomic
def role_grant_create(
    *,
    actor: User,
    phone: str,
    role: str,
    region: Region | None = None,
    institution: Institution | None = None,
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
