from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County admin")
    TOWN_ADMIN = "town_admin", _("Town admin")
    VILLAGE_ADMIN = "village_admin", _("Village admin")
    ORGANIZER = "organizer", _("Organizer")
    INSTRUCTOR = "instructor", _("Instructor")
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")


# The region level an admin role is held at.
ADMIN_ROLE_LEVEL = {Role.COUNTY_ADMIN: "county", Role.TOWN_ADMIN: "town", Role.VILLAGE_ADMIN: "village"}
# Roles held at an institution; the rest are held at a region.
INSTITUTION_ROLES = {Role.ORGANIZER, Role.INSTRUCTOR}
# "Nobody grants a role above their own": a grant may carry at most the granter's rank.
ROLE_RANK = {
    Role.COUNTY_ADMIN: 3,
    Role.TOWN_ADMIN: 2,
    Role.VILLAGE_ADMIN: 1,
    Role.ORGANIZER: 0,
    Role.INSTRUCTOR: 0,
    Role.EDITOR: 0,
    Role.REVIEWER: 0,
}


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class CodePurpose(models.TextChoices):
    """What an SMS verification code proves possession of the phone for."""

    SIGN_UP = "sign_up", _("Sign-up")
    PASSWORD_RESET = "password_reset", _("Password reset")
    CLAIM = "claim", _("Own account for a family profile")
    TWO_FACTOR = "two_factor", _("Two-factor set-up")
