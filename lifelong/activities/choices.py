from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    READING = "reading", _("Reading")
    CULTURE = "culture", _("Culture")
    ARTS = "arts", _("Arts")
    HEALTH = "health", _("Health")
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    VOCATIONAL = "vocational", _("Vocational skills")
    AGRICULTURE = "agriculture", _("Agriculture")
    CIVIC = "civic", _("Civic life")
    FAMILY = "family", _("Family")
    SPORTS = "sports", _("Sports")


class Audience(models.TextChoices):
    ELDERLY = "elderly", _("Older people")
    FARMERS = "farmers", _("Farmers")
    VETERANS = "veterans", _("Veterans")
    WORKERS = "workers", _("Workers")
    YOUTH = "youth", _("Young people")
    FAMILIES = "families", _("Families")
    ALL = "all", _("Everyone")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class CampaignStatus(models.TextChoices):
    """An activity's place in the campaign it was proposed for (blank: no campaign)."""

    PROPOSED = "proposed", _("Proposed for the campaign")
    ACCEPTED = "accepted", _("In the campaign programme")
    DECLINED = "declined", _("Not taken into the campaign")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Seat offered")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


# A learner has at most one registration in these states per activity (a database constraint).
ACTIVE_STATUSES = [
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.OFFERED,
]
# Registrations in these states hold a seat (an offered seat is kept for the learner).
SEAT_HOLDING_STATUSES = [RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]


class RegistrationChannel(models.TextChoices):
    ONLINE = "online", _("Online, by the learner")
    PROXY = "proxy", _("By family or staff")
    ONSITE = "onsite", _("At the venue")


class CheckinMethod(models.TextChoices):
    QR = "qr", _("QR code at the venue")
    STAFF = "staff", _("Checked in by staff")
    PAPER = "paper", _("Paper sign-in sheet")
