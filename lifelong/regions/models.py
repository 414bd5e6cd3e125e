from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualName

from .choices import CODE_LENGTH, PARENT_LEVEL, RegionLevel


class Region(BilingualName, models.Model):
    """An administrative division: the county, a town or subdistrict, a village or community.

    `path` is the materialized chain of codes ending in "/" (`330424/330424105/`), so a
    subtree is `path__startswith=<path>` and `33/1/` never matches `33/10/`.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=64, unique=True, editable=False)
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["path"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="county", parent__isnull=True) | Q(~Q(level="county"), parent__isnull=False),
                name="region_parent_matches_level",
                violation_error_message=_("Only a county has no parent region."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @staticmethod
    def path_for(parent: "Region | None", code: str) -> str:
        return f"{parent.path if parent else ''}{code}/"

    def clean(self) -> None:
        expected = CODE_LENGTH.get(self.level)
        if expected and (len(self.code) != expected or not self.code.isdigit()):
            raise ValidationError({"code": _("A code at this level has %(n)d digits.") % {"n": expected}})
        if self.level in PARENT_LEVEL:
            if self.parent is None or self.parent.level != PARENT_LEVEL[self.level]:
                raise ValidationError({"parent": _("The parent region is at the wrong level.")})
            if not self.code.startswith(self.parent.code):
                raise ValidationError({"code": _("A region's code begins with its parent's code.")})

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)
