from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """How high a recognition reaches: a brand's standing, an honour's level."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    # "County" and "Town" alone name places (县, 镇); as a level beside 国家级/省级 they read 县级.
    COUNTY = "county", pgettext_lazy("level", "County")
    TOWN = "town", pgettext_lazy("level", "Town")


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
