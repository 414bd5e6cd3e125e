import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only record of who did what to which object, when and from where.

    Written only by `audit_record`; never updated or deleted (the model and its queryset
    refuse, and PostgreSQL triggers installed by migration refuse at the database too).
    `changes` holds field names and new values with personal data already masked.

    "From where": `ip_address` and `user_agent` are the request's, whichever service wrote the
    event (see `lifelong.common.services.audit_origin`); an event made outside a request has no
    address and names its origin in `user_agent` ("task:<path>", "command:<name>").
    `region` is the place the event belongs to, resolved when it is written (the target's region,
    else the actor's); the audit viewer shows each admin the events of their subtree. Events
    written before the field existed have none and only admins of the top of the tree see them.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True, default="")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    success = models.BooleanField(default=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


class Picture(models.Model):
    """A cover picture for an activity, programme, campaign or venue.

    The upload is checked by its bytes and re-encoded by Pillow into two JPEG sizes (`large`
    for the page, `small` for cards); the uploaded file itself is never stored or served, so
    nothing hidden in it (scripts, metadata, a location) reaches a reader. Served at
    `/pictures/<key>/<size>.jpg` with its width and height known, so pages reserve the space.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    large = models.FileField(upload_to="pictures/%Y/%m/", max_length=200)
    large_width = models.PositiveSmallIntegerField()
    large_height = models.PositiveSmallIntegerField()
    small = models.FileField(upload_to="pictures/%Y/%m/", max_length=200)
    small_width = models.PositiveSmallIntegerField()
    small_height = models.PositiveSmallIntegerField()
    alt = models.CharField(_("description of the picture"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("picture")
        verbose_name_plural = _("pictures")

    def __str__(self) -> str:
        return self.alt or str(self.key)

    @property
    def large_url(self) -> str:
        return f"/pictures/{self.key}/large.jpg"

    @property
    def small_url(self) -> str:
        return f"/pictures/{self.key}/small.jpg"
