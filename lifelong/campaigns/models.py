from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualName


class Campaign(BilingualName, models.Model):
    """A county-wide push such as the yearly Lifelong Learning Week. Activities join it; while
    it runs, a learner may hold at most `registration_cap` active registrations on its
    activities, so that nobody hoards the headline seats."""

    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    host_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("host region")
    )
    opening_event = models.CharField(_("opening event"), max_length=300, blank=True)
    # The campaign's aims in words ("promoting lifelong learning…"), beside the numeric targets.
    goals = models.CharField(_("goals"), max_length=300, blank=True)
    cover = models.ForeignKey(
        "common.Picture",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover picture"),
    )
    # Targets shown against the live counters; empty: no target.
    target_activities = models.PositiveIntegerField(_("target: activities"), null=True, blank=True)
    target_registrations = models.PositiveIntegerField(_("target: registrations"), null=True, blank=True)
    target_attendance = models.PositiveIntegerField(_("target: attendances"), null=True, blank=True)
    target_hours = models.PositiveIntegerField(_("target: learning hours"), null=True, blank=True)
    registration_cap = models.PositiveSmallIntegerField(
        _("active registrations allowed per learner"), null=True, blank=True, help_text=_("Empty: no limit.")
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_days_ordered",
                violation_error_message=_("A campaign ends on or after its first day."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class CampaignReport(models.Model):
    """The post-week report: the campaign's figures as they stood when it was generated (by
    the task worker the day after the campaign ends, or again by an admin). Kept as generated,
    so the printed report and the page agree; the live counters stay on the campaign page."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="report", verbose_name=_("campaign")
    )
    figures = models.JSONField(_("figures"))
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign report")
        verbose_name_plural = _("campaign reports")

    def __str__(self) -> str:
        return f"{self.campaign}: {self.generated_at:%Y-%m-%d}"
