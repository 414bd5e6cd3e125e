import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifelong.common.errors import InvalidInput

from .choices import INSTITUTION_ROLES, CodePurpose, Language, Role
from .phone import normalize_phone


class UserManager(BaseUserManager):
    def get_by_natural_key(self, username):
        try:
            phone = normalize_phone(username)
        except InvalidInput:  # an unreadable number simply matches nobody
            phone = username
        return self.get(phone=phone)

    def create_user(self, phone=None, password=None, **fields):
        user = self.model(phone=normalize_phone(phone) if phone else None, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone, password, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("name", "Superuser")
        return self.create_user(phone, password, **fields)


# Accounts without a phone (managed profiles, `User.is_managed_profile`): the stored value is
# NULL, an empty string is read the same way.
WITHOUT_PHONE = Q(phone__isnull=True) | Q(phone="")


class User(AbstractBaseUser, PermissionsMixin):
    """A citizen or staff account, signing in with a mainland mobile number.

    A managed profile has no phone and cannot sign in: a family member (`managed_by`) or
    village staff act for them. `is_staff` means Django admin access (superusers only);
    staff work in the console comes from `RoleGrant`s.
    """

    phone = models.CharField(_("mobile number"), max_length=11, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=50)
    # Optional: notices go by SMS to the phone, and also by email when the person gives one.
    email = models.EmailField(_("email"), blank=True)
    home_region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("home village or community"),
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # Empty until the person picks a language: pages then follow the browser.
    preferred_language = models.CharField(_("language"), max_length=8, choices=Language.choices, blank=True)
    elder_mode = models.BooleanField(_("elder mode"), default=False)
    managed_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_profiles",
        verbose_name=_("managed by"),
    )
    created_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Where a relative a family member added lives is only their word until village staff whose
    # scope covers the home confirm it (or decline); activities for residents of a place wait for
    # that (see `residence_status`). Changing the home village clears both.
    residence_confirmed_at = models.DateTimeField(_("residence confirmed at"), null=True, blank=True)
    residence_confirmed_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("residence confirmed by"),
    )
    residence_declined_at = models.DateTimeField(_("residence declined at"), null=True, blank=True)
    must_change_password = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # A person without a phone is known by village, name and birth year (resident imports
        # and staff look-ups match on them in bulk).
        indexes = [models.Index(fields=["home_region", "name", "birth_year"], name="user_village_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="user_birth_year_plausible",
                violation_error_message=_("Enter a plausible birth year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_managed_profile(self) -> bool:
        return not self.phone

    @property
    def needs_residence_confirmation(self) -> bool:
        """A relative's profile, added by the family member who manages it and still without a
        phone of its own: nobody but that family member has vouched for its home village.
        Everyone else's home was given by staff in scope (registration, import) or by a person
        who proved a mobile number of their own (sign-up, a profile becoming its owner's
        account), so it needs no confirmation."""
        return self.managed_by_id is not None and not self.phone

    @property
    def residence_status(self) -> str:
        """`not_needed`, `confirmed`, `declined` or `awaiting` (village staff's decision)."""
        if not self.needs_residence_confirmation:
            return "not_needed"
        if self.residence_confirmed_at is not None:
            return "confirmed"
        return "declined" if self.residence_declined_at is not None else "awaiting"

    @property
    def message_language(self) -> str:
        """The language for SMS and other messages: their choice, else the site's default."""
        return self.preferred_language or settings.LANGUAGE_CODE


class RoleGrant(models.Model):
    """A staff role held by a user at a region (admins, editors, reviewers) or at an
    institution (organizers, instructors). The region subtree it covers is its scope."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("region"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("institution"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(INSTITUTION_ROLES), institution__isnull=False, region__isnull=True)
                    | Q(~Q(role__in=sorted(INSTITUTION_ROLES)), institution__isnull=True, region__isnull=False)
                ),
                name="rolegrant_scope_matches_role",
                violation_error_message=_(
                    "Organizers and instructors belong to an institution; other roles to a region."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(institution__isnull=True),
                name="rolegrant_unique_at_region",
                violation_error_message=_("This person already holds this role here."),
                violation_error_code="duplicate",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "institution"],
                condition=Q(region__isnull=True),
                name="rolegrant_unique_at_institution",
                violation_error_message=_("This person already holds this role here."),
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_region(self):
        return self.institution.region if self.institution_id else self.region

    @property
    def scope_label(self) -> str:
        return str(self.institution if self.institution_id else self.region)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class APIToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored. `two_factor_verified`
    records that a TOTP code was given when it was issued: a staff account's token without
    it is refused, so a token issued before a role was granted gains no staff powers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    two_factor_verified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token {self.pk} of user {self.user_id}"


class PhoneCode(models.Model):
    """The one live SMS verification code for a number and purpose (sign-up, password reset,
    own account for a family profile, two-factor set-up). Only a keyed hash of the code is
    kept. A new code overwrites the row, so the old one stops working; a used code keeps its
    row with `used_at`, so it cannot be used twice. Guesses are counted here, not in the
    session, so neither parallel requests nor new sessions reset them (ASVS 6.5, 6.6)."""

    phone = models.CharField(max_length=11)
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    # The account the code acts on: the one to reset or enrol, the family profile to hand
    # over; empty for a sign-up, which has no account yet.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        constraints = [
            models.UniqueConstraint(fields=["phone", "purpose"], name="phonecode_one_per_number_and_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.phone[:3]}****{self.phone[-4:]}"


class PhoneCodeQuota(models.Model):
    """How many SMS messages of the verification kind went to one number today, and when the
    last one went: one row per number and bucket, locked while deciding, so parallel requests
    cannot both take the last message of the day.

    Two buckets: `public` counts what anyone may ask for (sign-up, reset, a family hand-over);
    `own` counts codes a signed-in person asks for their own phone (staff two-factor set-up),
    so a stranger using up a number's public messages cannot stop its owner enrolling."""

    BUCKET_PUBLIC = "public"
    BUCKET_OWN = "own"

    phone = models.CharField(max_length=11)
    bucket = models.CharField(max_length=8, default=BUCKET_PUBLIC)
    day = models.DateField()
    sent_on_day = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("SMS code quota")
        verbose_name_plural = _("SMS code quotas")
        constraints = [
            models.UniqueConstraint(fields=["phone", "bucket"], name="phonecodequota_one_per_number_and_bucket"),
        ]

    def __str__(self) -> str:
        return f"{self.sent_on_day} codes on {self.day}"


class SmsCodeCounter(models.Model):
    """Verification messages counted by something other than the number: a client address per
    hour, the whole site per day, a signed-in family member's hand-overs per day; and, on the
    same rows, other per-account allowances (a staff member's number lookups at the desk, keyed
    `desk-lookup-hour:<user id>` and `desk-lookup-day:<user id>`). One row per key and window;
    a conditional UPDATE takes one, so parallel requests cannot pass the limit. Rows older than
    two days are removed when a new window opens."""

    key = models.CharField(max_length=80)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("SMS code counter")
        verbose_name_plural = _("SMS code counters")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="smscodecounter_one_per_key_and_window"),
        ]

    def __str__(self) -> str:
        return f"{self.key} from {self.window_start}: {self.count}"
