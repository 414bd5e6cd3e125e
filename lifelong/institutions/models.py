from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualName, in_reader_language

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
    transport_notes = models.CharField(_("how to get there"), max_length=300, blank=True)
    transport_notes_en = models.CharField(_("how to get there, in English"), max_length=300, blank=True)
    # WGS-84 coordinates, shown as numbers (they work offline) and turned into a map link.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    cover = models.ForeignKey(
        "common.Picture",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover picture"),
    )
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
    def display_transport_notes(self) -> str:
        return in_reader_language(self.transport_notes, self.transport_notes_en)

    @property
    def display_accessibility_notes(self) -> str:
        return in_reader_language(self.accessibility_notes, self.accessibility_notes_en)


class VenueBooking(models.Model):
    """A claim on a venue for the half-open interval [starts_at, ends_at): a booking ending at
    10:00 leaves the room free for one starting at 10:00.

    No two bookings of one venue overlap. On PostgreSQL the database guarantees it with an
    exclusion constraint over `tstzrange(starts_at, ends_at)` (created by migration 0003, on
    PostgreSQL only, since SQLite cannot hold one); everywhere the booking services lock the
    venue and check before inserting, inside one transaction (SQLite runs transactions as
    IMMEDIATE, so writers queue one after another).

    A booking made for a session (`session` set) follows that session: it moves with it and
    goes when the session loses its venue or its activity is cancelled.

    Cancelling deletes the row (the append-only audit log keeps who booked and who cancelled,
    with the slot): a cancelled booking then frees the slot with no status for the constraint,
    the lists or the session link to filter on, and the table holds only real claims.
    """

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("venue"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    purpose = models.CharField(_("purpose"), max_length=160)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("booked by")
    )
    session = models.OneToOneField(
        "activities.Session",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="booking",
        verbose_name=_("session"),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("venue booking")
        verbose_name_plural = _("venue bookings")
        indexes = [models.Index(fields=["venue", "starts_at"], name="venue_booking_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="venue_booking_ends_after_start",
                violation_error_message=_("A booking ends after it starts."),
            ),
            # venue_booking_no_overlap (EXCLUDE USING gist) lives in migration 0003: PostgreSQL only.
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.starts_at:%Y-%m-%d %H:%M} {self.purpose}"

    @property
    def display_purpose(self) -> str:
        """What the venue is booked for: the activity's title for a session's booking."""
        if self.session_id is not None:
            return self.session.activity.display_title
        return self.purpose
