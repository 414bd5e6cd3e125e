from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    COUNTY = "county", _("County")
    TOWN = "town", _("Town or subdistrict")
    VILLAGE = "village", _("Village or community")


# GB/T 2260-style code lengths: a child's code begins with its parent's.
CODE_LENGTH = {RegionLevel.COUNTY: 6, RegionLevel.TOWN: 9, RegionLevel.VILLAGE: 12}
PARENT_LEVEL = {RegionLevel.TOWN: RegionLevel.COUNTY, RegionLevel.VILLAGE: RegionLevel.TOWN}
