from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualName, in_reader_language

from .choices import ACTIVE_MEMBERSHIP_STATUSES, Level, MembershipStatus, TeamKind


class Programme(BilingualName, models.Model):
    """A town's long-running brand programme ("One Project, One Town"), such as the lectures
    for new farmers. Activities may belong to one; its page adds up what they achieved."""

    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    town = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("town")
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("run by"),
    )
    story = models.TextField(_("story"), blank=True)
    story_en = models.TextField(_("story in English"), blank=True)
    cover = models.ForeignKey(
        "common.Picture",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover picture"),
    )
    started_year = models.PositiveSmallIntegerField(_("first year"))
    ended_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, help_text=_("Empty: still running.")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.TOWN)

    class Meta:
        ordering = ["town__path", "name"]
        verbose_name = _("brand programme")
        verbose_name_plural = _("brand programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_year__isnull=True) | Q(ended_year__gte=F("started_year")),
                name="programme_years_ordered",
                violation_error_message=_("A programme ends in or after its first year."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_story(self) -> str:
        return in_reader_language(self.story, self.story_en)


class Team(BilingualName, models.Model):
    """A learning team or mass organization (the Hanfen Reading Team…): a leader, members who
    ask to join and are let in by the leader, and the activities it runs."""

    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices, default=TeamKind.LEARNING_TEAM)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="teams", verbose_name=_("region")
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("hosted by"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teams_led", verbose_name=_("leader")
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="team_unique_name_in_region",
                violation_error_message=_("A team with this name already exists in this region."),
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_description(self) -> str:
        return in_reader_language(self.description, self.description_en)


class TeamMembership(models.Model):
    """One person's place in a team: asked to join, member, declined or left. History stays;
    a new request after leaving is a new row."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships", verbose_name=_("person")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MembershipStatus.choices, default=MembershipStatus.REQUESTED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["team", "requested_at", "id"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(status__in=ACTIVE_MEMBERSHIP_STATUSES),
                name="membership_one_active_per_person",
                violation_error_message=_("This person is already a member or has already asked to join."),
                violation_error_code="already_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}: {self.status}"
