"""Honours and the nomination → review → award flow (DESIGN §2.3, §3).

An `Honor` is a title held by one recipient: a region, an institution, a brand programme, a
team or a learner. Honours come from a `HonorCall` (admins of a region invite nominations,
reviewers score them, the admins award) or are recorded directly for the honours the county
already holds.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualTitle, in_reader_language
from lifelong.community.choices import Level

from .choices import RECIPIENT_FIELDS, SCORE_MAX, SCORE_MIN, CallStatus, NominationStatus, RecipientKind

YEARS = [MinValueValidator(1949), MaxValueValidator(2100)]
# Institutions whose public page is their venue's page (/venues/<id>/).
HALL_KINDS = {"experience_hall", "culture_hall"}


def _only(field: str) -> Q:
    """The recipient is `field`, and every other recipient field is empty."""
    return Q(**{f"{name}__isnull": name != field for name in RECIPIENT_FIELDS})


def _one_recipient_constraints() -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=_only("region") | _only("institution") | _only("programme") | _only("team") | _only("learner"),
            name="%(app_label)s_%(class)s_exactly_one_recipient",
            violation_error_message=_(
                "Choose exactly one recipient: a region, an institution, a programme, a team or a learner."
            ),
        ),
        models.CheckConstraint(
            condition=Q(recipient_kind=RecipientKind.REGION, region__isnull=False)
            | Q(recipient_kind=RecipientKind.INSTITUTION, institution__isnull=False)
            | Q(recipient_kind=RecipientKind.PROGRAMME, programme__isnull=False)
            | Q(recipient_kind=RecipientKind.TEAM, team__isnull=False)
            | Q(recipient_kind=RecipientKind.LEARNER, learner__isnull=False),
            name="%(app_label)s_%(class)s_kind_matches_recipient",
            violation_error_message=_("The kind of recipient does not match the recipient chosen."),
        ),
    ]


class Recipient(models.Model):
    """Exactly one of five recipients, and `recipient_kind` saying which (two check
    constraints hold this in the database). Shared by honours and nominations."""

    recipient_kind = models.CharField(_("kind of recipient"), max_length=12, choices=RecipientKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("region"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("institution"),
    )
    programme = models.ForeignKey(
        "community.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("brand programme"),
    )
    team = models.ForeignKey(
        "community.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("team"),
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("learner"),
    )

    class Meta:
        abstract = True
        constraints = _one_recipient_constraints()

    @property
    def recipient(self):
        return getattr(self, self.recipient_kind) if self.recipient_kind else None

    @property
    def recipient_place(self):
        """The region the recipient lies in (scope is decided here): a learner's home, an
        institution's or a team's region, a programme's town, a region itself."""
        recipient = self.recipient
        if recipient is None:
            return None
        return {
            RecipientKind.REGION: lambda: recipient,
            RecipientKind.INSTITUTION: lambda: recipient.region,
            RecipientKind.PROGRAMME: lambda: recipient.town,
            RecipientKind.TEAM: lambda: recipient.region,
            RecipientKind.LEARNER: lambda: recipient.home_region,
        }[self.recipient_kind]()

    @property
    def recipient_name(self) -> str:
        recipient = self.recipient
        if recipient is None:
            return ""
        return recipient.name if self.recipient_kind == RecipientKind.LEARNER else recipient.display_name

    @property
    def recipient_town(self):
        """The town the recipient lies in (a learner: their home town), or None at county level."""
        place = self.recipient_place
        if place is None or place.level == "county":
            return None
        return place if place.level == "town" else place.parent

    @property
    def recipient_url(self) -> str:
        """The recipient's public page, where one exists: a programme's or a team's page (the
        community app's, linked by path), a town's network page for a town, a village or an
        institution there. Learners and county-level recipients have none."""
        kind, recipient = self.recipient_kind, self.recipient
        if recipient is None or kind == RecipientKind.LEARNER:
            return ""
        if kind == RecipientKind.PROGRAMME:
            return f"/programmes/{recipient.slug}/"
        if kind == RecipientKind.TEAM:
            return f"/teams/{recipient.pk}/"
        # A hall's page is its venue's (the roll prefetches them as `public_venues`).
        halls = getattr(recipient, "public_venues", None) if kind == RecipientKind.INSTITUTION else None
        if halls and recipient.kind in HALL_KINDS:
            return f"/venues/{halls[0].pk}/"
        town = self.recipient_town
        return f"/network/{town.code}/" if town is not None else ""

    def set_recipient(self, kind: str, recipient) -> None:
        self.recipient_kind = kind
        for name in RECIPIENT_FIELDS:
            setattr(self, name, recipient if name == kind else None)


class HonorCall(BilingualTitle, models.Model):
    """A call for nominations for one honour: opened by admins of a county or town for their
    region, open for nominations from `opens_on` to `closes_on`, then closed for review (the
    admins may close it early) and finally awarded. Its honours are at its region's level."""

    title = models.CharField(_("title of the honour"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=240, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    awarding_body = models.CharField(_("awarded by"), max_length=200)
    awarding_body_en = models.CharField(_("awarded by (English)"), max_length=240, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="honour_calls", verbose_name=_("region")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opens_on = models.DateField(_("nominations open"))
    closes_on = models.DateField(_("nominations close"))
    status = models.CharField(_("status"), max_length=8, choices=CallStatus.choices, default=CallStatus.OPEN)
    # Stored as ",learner,team," (like an activity's audiences): one substring test per kind.
    accepts = models.CharField(_("accepts nominations of"), max_length=60, default=",learner,")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-opens_on", "-id"]
        verbose_name = _("call for nominations")
        verbose_name_plural = _("calls for nominations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="honour_call_days_ordered",
                violation_error_message=_("Nominations close on or after the day they open."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949, year__lte=2100),
                name="honour_call_year_plausible",
                violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=~Q(accepts__in=["", ","]),
                name="honour_call_accepts_a_kind",
                violation_error_message=_("A call accepts at least one kind of recipient."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} ({self.year})"

    @property
    def display_description(self) -> str:
        return in_reader_language(self.description, self.description_en)

    @property
    def display_awarding_body(self) -> str:
        return in_reader_language(self.awarding_body, self.awarding_body_en)

    @property
    def accepted_kinds(self) -> list[str]:
        return [kind for kind in self.accepts.strip(",").split(",") if kind]

    @property
    def accepted_kind_labels(self) -> list[str]:
        labels = dict(RecipientKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.accepted_kinds]

    @staticmethod
    def accepts_value(kinds) -> str:
        return "," + ",".join(kind for kind in RecipientKind.values if kind in set(kinds)) + ","

    def takes_nominations(self, today) -> bool:
        return self.status == CallStatus.OPEN and self.opens_on <= today <= self.closes_on

    def in_review(self, today) -> bool:
        """Closed for nominations (by an admin, or because the last day has passed), not yet awarded."""
        return self.status == CallStatus.CLOSED or (self.status == CallStatus.OPEN and today > self.closes_on)


class Nomination(Recipient):
    """One recipient put forward in a call by an admin whose scope holds them, with a
    statement. A learner's nomination carries `record`: a snapshot of their passport when
    nominated (hours, points, activities attended, this year and in all). At most one active
    nomination per call and recipient (withdrawn ones do not count)."""

    call = models.ForeignKey(HonorCall, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("call"))
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("nominated by")
    )
    statement = models.TextField(_("statement"))
    record = models.JSONField(_("learning record when nominated"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=NominationStatus.choices, default=NominationStatus.SUBMITTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call", "created_at", "id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            *_one_recipient_constraints(),
            *(
                models.UniqueConstraint(
                    fields=["call", name],
                    condition=Q(**{f"{name}__isnull": False}) & ~Q(status=NominationStatus.WITHDRAWN),
                    name=f"nomination_once_per_call_{name}",
                    violation_error_message=_("This recipient has already been nominated in this call."),
                    violation_error_code="already_nominated",
                )
                for name in RECIPIENT_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} · {self.call}"


class Review(models.Model):
    """One reviewer's score (1–100) and comment on a nomination; one per reviewer."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("nomination")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    score = models.PositiveSmallIntegerField(
        _("score (1–100)"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nomination", "created_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "reviewer"],
                name="review_once_per_reviewer",
                violation_error_message=_("You have already reviewed this nomination."),
                violation_error_code="already_reviewed",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="review_score_in_range",
                violation_error_message=_("A score runs from 1 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.nomination_id}: {self.score}"


class Honor(BilingualTitle, Recipient):
    """An honour held by one recipient: its title, level, year and who awarded it. Made by
    awarding a nomination (`nomination` then names it) or recorded directly by an admin
    for an honour received before (or outside) the platform. The same title is held at most
    once per year by a recipient."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=240, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEARS)
    awarding_body = models.CharField(_("awarded by"), max_length=200)
    awarding_body_en = models.CharField(_("awarded by (English)"), max_length=240, blank=True)
    citation = models.TextField(_("citation"), blank=True)
    citation_en = models.TextField(_("citation in English"), blank=True)
    nomination = models.OneToOneField(
        Nomination,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honour",
        verbose_name=_("from the nomination"),
    )
    awarded_at = models.DateTimeField(
        _("awarded at"),
        null=True,
        blank=True,
        help_text=_("Empty for an honour recorded afterwards: the year says when."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title", "id"]
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        indexes = [models.Index(fields=["year", "level"], name="honour_year_level_idx")]
        constraints = [
            *_one_recipient_constraints(),
            models.CheckConstraint(
                condition=Q(year__gte=1949, year__lte=2100),
                name="honour_year_plausible",
                violation_error_message=_("The year is out of range."),
            ),
            *(
                models.UniqueConstraint(
                    fields=["title", "year", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"honour_once_per_year_{name}",
                    violation_error_message=_("This recipient already holds this honour for this year."),
                    violation_error_code="duplicate",
                )
                for name in RECIPIENT_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} ({self.year}) · {self.recipient_name}"

    @property
    def display_awarding_body(self) -> str:
        return in_reader_language(self.awarding_body, self.awarding_body_en)

    @property
    def display_citation(self) -> str:
        return in_reader_language(self.citation, self.citation_en)
