from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualTitle, in_reader_language

from .choices import (
    ACTIVE_STATUSES,
    ActivityStatus,
    CampaignStatus,
    Category,
    CheckinMethod,
    RegistrationChannel,
    RegistrationStatus,
)


class Activity(BilingualTitle, models.Model):
    """A course, lecture, class or event that learners register for.

    Seats are counted on the row itself: `seats_taken` (every seat held, any channel) and
    `seats_taken_online` (those held by online registrations, which may use at most
    `capacity - reserved_offline`). Services change them only by conditional UPDATEs, and the
    check constraints below make overbooking impossible even for a buggy caller.
    """

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="activities", verbose_name=_("organizer")
    )
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=160, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Organizer-written rich text (sanitised on save by the services, like article bodies).
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    # Who to call about this activity; the organizer institution's number when empty.
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    cover = models.ForeignKey(
        "common.Picture",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover picture"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # Stored as ",elderly,farmers," so that "for farmers" is one indexed-friendly substring
    # test on every database (SQLite has no JSON containment); read it through `audience_list`.
    audiences = models.CharField(_("audiences"), max_length=100, default=",all,")
    venue = models.ForeignKey(
        "institutions.Venue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("venue"),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    reserved_offline = models.PositiveIntegerField(_("seats reserved for offline registration"), default=0)
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    requires_approval = models.BooleanField(_("registrations need approval"), default=False)
    waitlist = models.BooleanField(_("waitlist"), default=True)
    offer_hours = models.PositiveSmallIntegerField(_("hours to accept a waitlist offer"), default=24)
    # Hours each attended session earns; 0 means the session's own length.
    hours = models.DecimalField(_("learning hours per session"), max_digits=5, decimal_places=1, default=0)
    certificate = models.BooleanField(_("certificate on completion"), default=False)
    completion_share = models.PositiveSmallIntegerField(
        _("share of sessions to attend for completion (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    residents_of = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("only for residents of"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("campaign"),
    )
    # Joining a campaign is a proposal until an admin whose scope covers the campaign's host
    # region accepts it into the programme (an admin's own proposal is accepted at once).
    campaign_status = models.CharField(
        _("place in the campaign"), max_length=10, choices=CampaignStatus.choices, blank=True
    )
    programme = models.ForeignKey(
        "community.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("brand programme"),
    )
    team = models.ForeignKey(
        "community.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("learning team"),
    )
    status = models.CharField(_("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    seats_taken_online = models.PositiveIntegerField(default=0, editable=False)
    # The last waitlist position handed out; positions only grow, so the order is FIFO.
    waitlist_last_position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["registration_opens", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["status", "registration_closes"], name="activity_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(campaign__isnull=True) & Q(campaign_status=""))
                | (Q(campaign__isnull=False) & ~Q(campaign_status="")),
                name="activity_campaign_status_with_campaign",
                violation_error_message=_("An activity has a place in a campaign exactly when it is proposed for one."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="activity_capacity_positive",
                violation_error_message=_("An activity has at least one seat."),
            ),
            models.CheckConstraint(
                condition=Q(reserved_offline__lte=F("capacity")),
                name="activity_reserve_within_capacity",
                violation_error_message=_("The offline reserve cannot exceed the capacity."),
            ),
            models.CheckConstraint(
                condition=Q(registration_closes__gt=F("registration_opens")),
                name="activity_window_ordered",
                violation_error_message=_("Registration must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")),
                name="activity_never_overbooked",
                violation_error_message=_("The activity is full."),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken_online__lte=F("capacity") - F("reserved_offline"))
                & Q(seats_taken_online__lte=F("seats_taken")),
                name="activity_online_within_share",
                violation_error_message=_("No online seats are left."),
            ),
            models.CheckConstraint(
                condition=Q(completion_share__gte=1, completion_share__lte=100),
                name="activity_completion_share_percent",
                violation_error_message=_("The completion share is a percentage from 1 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="activity_age_range_ordered",
                violation_error_message=_("The minimum age cannot exceed the maximum age."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_description(self) -> str:
        """The sanitised rich-text description in the reader's language."""
        return in_reader_language(self.description, self.description_en)

    @property
    def audience_list(self) -> list[str]:
        return [a for a in self.audiences.split(",") if a]

    @staticmethod
    def audiences_value(audiences: list[str]) -> str:
        return "," + ",".join(sorted(set(audiences))) + ","

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    @property
    def online_seats_left(self) -> int:
        return min(self.capacity - self.reserved_offline - self.seats_taken_online, self.seats_left)


class Session(models.Model):
    """One occurrence of an activity. No venue means online, or venue to be announced."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey(
        "institutions.Venue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("venue"),
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    """A learner's place on an activity: pending, confirmed, waitlisted (FIFO by
    `waitlist_position`), offered until `offer_expires_at`, cancelled or rejected."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="registrations")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=RegistrationChannel.choices)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # Set when the registration joins the waitlist and never cleared (the position is, on
    # promotion): the dashboards' unmet demand counts every registration that found no seat.
    # Written in the same INSERT or UPDATE that places it, so it costs no extra write.
    was_waitlisted = models.BooleanField(_("was on the waitlist"), default=False, db_default=False)
    # Registered by the family member who manages the learner. The channel says proxy, as for
    # staff, but the seat is an online one (`counts_online`): the offline reserve is for the
    # people staff serve, and a family member's relatives are no proof of that. Kept on the row
    # so that freeing the seat gives back the same kind it took.
    by_family = models.BooleanField(_("registered by family"), default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["activity", "status", "waitlist_position"], name="registration_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "learner"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="registration_one_active_per_learner",
                violation_error_message=_("This learner is already registered for this activity."),
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(status=RegistrationStatus.WAITLISTED, waitlist_position__isnull=False)
                | ~Q(status=RegistrationStatus.WAITLISTED),
                name="registration_waitlisted_has_position",
                violation_error_message=_("A waitlisted registration has a position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.activity} · {self.status}"

    @property
    def holds_seat(self) -> bool:
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)

    @property
    def counts_online(self) -> bool:
        """Holds (or waits for) one of the `capacity - reserved_offline` online seats: the
        learner's own registration, and a family member's for a relative they manage."""
        return self.channel == RegistrationChannel.ONLINE or self.by_family


class Attendance(models.Model):
    """A learner's check-in at one session: once per session (a database constraint).
    Check-in data says where a person was, so it is personal data of the sensitive kind."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances")
    method = models.CharField(_("method"), max_length=8, choices=CheckinMethod.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "learner"],
                name="attendance_once_per_session",
                violation_error_message=_("This learner is already checked in."),
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} @ {self.session}"


class CalendarFeed(models.Model):
    """A learner's private calendar address: whoever has the token sees their sessions, so it
    is long and random, shown only to them, and replaced (the old one dies) when they ask."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
