from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    REGISTRATION_CONFIRMED = "confirmed", _("Registration confirmed")
    REGISTRATION_PENDING = "pending", _("Registration waiting for approval")
    WAITLISTED = "waitlisted", _("Placed on the waitlist")
    SEAT_OFFERED = "offered", _("A seat is offered")
    PROMOTED = "promoted", _("Moved up from the waitlist")
    OFFER_LAPSED = "offer_lapsed", _("Seat offer expired")
    REGISTRATION_REJECTED = "rejected", _("Registration not approved")
    REGISTRATION_CANCELLED = "reg_cancelled", _("Registration cancelled")
    REMINDER = "reminder", _("Reminder the day before")
    SESSION_CHANGED = "changed", _("Session changed")
    ACTIVITY_CANCELLED = "act_cancelled", _("Activity cancelled")
    ACTIVITY_PUBLISHED = "published", _("Activity published")
    ACTIVITY_REJECTED = "act_rejected", _("Activity rejected")
    LOW_ENROLMENT = "low_enrolment", _("Low enrolment")
    CERTIFICATE_ISSUED = "certificate", _("Certificate issued")
    CERTIFICATE_REVOKED = "cert_revoked", _("Certificate revoked")
    TEAM_JOIN_REQUESTED = "team_request", _("Someone asks to join your team")
    TEAM_JOIN_APPROVED = "team_approved", _("Team request approved")
    TEAM_JOIN_DECLINED = "team_declined", _("Team request declined")
    HONOUR_AWARDED = "honour_awarded", _("Honour awarded")
    NOMINATION_AWARDED = "nom_awarded", _("Nomination successful")
    NOMINATION_NOT_AWARDED = "nom_not_awarded", _("Nomination not chosen")
    ARTICLE_RETURNED = "article_returned", _("Article sent back")
    ARTICLE_PUBLISHED = "article_pub", _("Article published")
