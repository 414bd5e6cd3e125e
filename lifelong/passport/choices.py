from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecordSource(models.TextChoices):
    ATTENDANCE = "attendance", _("Attendance")
    RESOURCE = "resource", _("Learning resource")
    EXTERNAL = "external", _("Imported record")
    ADJUSTMENT = "adjustment", _("Adjustment")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportKind(models.TextChoices):
    RECORDS = "records", _("Learning records")
    LEARNERS = "learners", pgettext_lazy("import kind", "Residents")
