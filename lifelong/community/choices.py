from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """How high a recognition reaches: a brand's standing, an honour's level."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")


class TeamKind(models.TextChoices):
    LEARNING_TEAM = "learning_team", _("Learning team")
    MASS_ORGANIZATION = "mass_organization", _("Mass organization")


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked to join")
    MEMBER = "member", _("Member")
    DECLINED = "declined", _("Request declined")
    LEFT = "left", _("Left the team")


# A person has at most one membership in these states per team (a database constraint).
ACTIVE_MEMBERSHIP_STATUSES = [MembershipStatus.REQUESTED, MembershipStatus.MEMBER]
