from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualName, english_wanted

from .choices import InstitutionKind


class Institution(BilingualName, models.Model):
    """A place of the community-education network or a partner that runs learning: the
    county school, a town community school, a village teaching point, a hall, a library…"""

    kind = models.CharField(_("kind"), max_length=24, choices=InstitutionKind.choices)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="institutions", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__path", "kind", "name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="institution_unique_name_in_region",
                violation_error_message=_("An institution with this name already exists in this region."),
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class Venue(BilingualName, models.Model):
    """A bookable place of an institution: a classroom, hall or reading room."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="venues", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    accessibility_notes = models.CharField(_("accessibility notes"), max_length=300, blank=True)
    accessibility_notes_en = models.CharField(_("accessibility notes in English"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["institution__region__path", "institution__name", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="venue_unique_name_in_institution",
                violation_error_message=_("This institution already has a venue with this name."),
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="venue_capacity_positive",
                violation_error_message=_("A venue holds at least one person."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def region(self):
        return self.institution.region

    @property
    def display_accessibility_notes(self) -> str:
        return (
            self.accessibility_notes_en
            if english_wanted() and self.accessibility_notes_en
            else self.accessibility_notes
        )
