from django.db import models
from django.utils.translation import gettext_lazy as _


class RecipientKind(models.TextChoices):
    """Who an honour (or a nomination) is for: one of five kinds of recipient."""

    REGION = "region", _("Region")
    INSTITUTION = "institution", _("Institution")
    PROGRAMME = "programme", _("Brand programme")
    TEAM = "team", _("Team")
    LEARNER = "learner", _("Learner")


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open for nominations")
    CLOSED = "closed", _("Closed: under review")
    AWARDED = "awarded", _("Awarded")


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


# The recipient field that goes with each kind (the field names equal the kind values).
RECIPIENT_FIELDS = [kind.value for kind in RecipientKind]
# Review scores run from 1 (weak) to 100 (outstanding).
SCORE_MIN, SCORE_MAX = 1, 100
