"""The learning passport: an append-only ledger of learning, the running balance kept beside it,
completions, and signed certificates."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.activities.choices import Category
from lifelong.common.i18n import BilingualTitle

from .choices import CertificateStatus, ImportKind, ImportStatus, RecordSource


class LearningRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Learning records are append-only; correct them with a reversing entry.")

    def delete(self):
        raise TypeError("Learning records are append-only; correct them with a reversing entry.")


class LearningRecord(BilingualTitle, models.Model):
    """One entry of a learner's ledger: hours and points earned (or, for a reversing entry,
    taken back) on a date, and where they came from.

    Entries are never edited or deleted (the model refuses, and PostgreSQL triggers refuse at
    the database): a correction is a new entry that `reverses` the wrong one, so the history of
    what was counted, and when it was corrected, stays readable. One attendance writes at most
    one entry, and an entry is reversed at most once (unique constraints).
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_records", verbose_name=_("learner")
    )
    source = models.CharField(_("source"), max_length=12, choices=RecordSource.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    points = models.IntegerField(_("points"))
    learned_on = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    title = models.CharField(_("what was learned"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_records"
    )
    attendance = models.OneToOneField(
        "activities.Attendance", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_record"
    )
    # A studied learning resource (source "resource"); its ResourceStudy makes it once only.
    resource = models.ForeignKey(
        "resources.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="learning_records"
    )
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    # For imported records: who issued the record and its id there. Together they are unique
    # (among the records themselves; a reversal of one carries neither), which is what makes
    # re-running an import change nothing.
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    external_id = models.CharField(_("id at the issuer"), max_length=100, blank=True)
    # The learner's home region when the entry was written, so statistics by place do not move
    # when someone moves house, and need no join through the learner.
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LearningRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-learned_on", "-id"]
        verbose_name = _("learning record")
        verbose_name_plural = _("learning records")
        indexes = [
            models.Index(fields=["learner", "learned_on"], name="record_learner_date_idx"),
            models.Index(fields=["learned_on", "region"], name="record_date_region_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "external_id"],
                condition=Q(source=RecordSource.EXTERNAL, reverses__isnull=True),
                name="record_external_once",
                violation_error_message=_("This record has already been imported."),
            ),
            models.CheckConstraint(
                condition=~Q(source=RecordSource.EXTERNAL) | ~Q(external_id="") | Q(reverses__isnull=False),
                name="record_external_has_id",
                violation_error_message=_("An imported record needs the issuer's id."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.learned_on} · {self.hours} h"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Learning records are append-only; correct them with a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Learning records are append-only; correct them with a reversing entry.")


class PassportBalance(models.Model):
    """A learner's running totals, changed only by relative UPDATEs in the same transaction as
    the ledger entry they count, so they always equal the sum of the entries."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="passport_balance"
    )
    hours = models.DecimalField(max_digits=9, decimal_places=1, default=0)
    points = models.BigIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("passport balance")
        verbose_name_plural = _("passport balances")

    def __str__(self) -> str:
        return f"{self.learner}: {self.hours} h, {self.points} points"


class Completion(models.Model):
    """A learner completed an activity: they attended its required share of sessions. When a
    correction takes them back below the share, the completion is withdrawn (and its
    certificate revoked); attending enough again completes the activity anew."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="completions")
    sessions_attended = models.PositiveIntegerField()
    sessions_total = models.PositiveIntegerField()
    completed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_at", "-id"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "activity"],
                condition=Q(withdrawn_at__isnull=True),
                name="completion_once_per_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} ✓ {self.activity}"


class SigningKey(models.Model):
    """An Ed25519 key that signs certificates. The newest key that is not retired signs; every
    key, retired or not, stays published so that certificates it signed keep verifying. The
    private half is stored encrypted with a key derived from SECRET_KEY (see `signing`)."""

    key_id = models.CharField(max_length=32, unique=True)
    public_key = models.CharField(max_length=64)  # base64 of the 32 raw bytes
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return self.key_id


class Certificate(BilingualTitle, models.Model):
    """A signed statement that a learner completed something. `payload` is the canonical JSON
    that was signed (holder, what, hours, date, serial, key); the verify page and the offline
    command check `signature` over it, so a changed row or a forged file does not verify."""

    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    completion = models.OneToOneField(
        Completion, null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    title = models.CharField(_("what was completed"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    institution_name = models.CharField(_("issued by"), max_length=120)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    issued_on = models.DateField(_("issued on"))
    payload = models.TextField()
    signature = models.CharField(max_length=128)
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="certificates")
    status = models.CharField(
        _("status"), max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.serial


# A running import whose last batch committed longer ago than this has lost its worker.
STALLED_AFTER = timedelta(minutes=10)


class RecordImport(models.Model):
    """One imported file, of learning records (from another institution or the credit bank)
    or of residents (a village roster). The task worker, or `manage.py import_learning_records`
    / `import_learners`, imports it in batches, each batch one transaction that also moves the
    counters and `checkpoint_line` here; bad rows are listed in `problems` with their line
    number and the reason. Both kinds share this job, its progress bar and its report."""

    kind = models.CharField(_("kind"), max_length=8, choices=ImportKind.choices, default=ImportKind.RECORDS)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    # Learning records only: who issued them (part of each record's identity).
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    # The importer's admin region: records are imported only for learners living inside it,
    # residents only into villages inside it, and admins over it see the import.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # Empty for an operator's `manage.py import_learners` run without `--as`.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Records: new records; residents: new learners.
    imported = models.PositiveIntegerField(default=0)
    # Records: already in the ledger; residents: already known, nothing to add.
    already_there = models.PositiveIntegerField(default=0)
    # Residents only: known learners whose empty birth year or home village the file filled.
    updated = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    # The first PROBLEMS_KEPT bad rows as [line, reason]; `bad_rows` counts them all.
    problems = models.JSONField(default=list, blank=True)
    # Residents: the file's last line whose batch committed. A run that stopped resumes after
    # it; the batch that was in flight rolled back whole, so nothing is lost or doubled.
    checkpoint_line = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # Moved by every committed batch: a run whose heartbeat stopped (its worker died) may be
    # started again, and a live one may not.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_learners(self) -> bool:
        return self.kind == ImportKind.LEARNERS

    @property
    def percent(self) -> int:
        return min(int(self.rows_done * 100 / self.rows_total), 100) if self.rows_total else 0

    def may_run_again(self, now) -> bool:
        """A failed import, or one whose worker stopped moving it (see STALLED_AFTER)."""
        if self.status == ImportStatus.FAILED:
            return True
        if self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            last_sign = self.heartbeat_at or self.created_at
            return now - last_sign > STALLED_AFTER
        return False
