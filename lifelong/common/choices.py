from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGIN_LOCKED = "login_locked", _("Account locked after failed sign-ins")
    LOGOUT = "logout", _("Signed out")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor enrolled")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    LEARNER_REGISTERED = "learner_registered", _("Learner registered")
    EXPORTED = "exported", _("Exported")
