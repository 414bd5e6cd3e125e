from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import registry


class Notification(models.Model):
    """One notice to one person, shown in the app and sent by SMS and email.

    The text is rendered once, in the recipient's language, when the notice is made, so the
    in-app list and the SMS say the same thing. `dedupe_key` names the event: a task that runs
    twice (a retry, a reminder re-scheduled) finds its notice already there and sends nothing.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    # A code registered by the app that sends the notice (see registry): no choices here, so a
    # new kind needs no migration.
    kind = models.CharField(_("kind"), max_length=registry.CODE_MAX_LENGTH)
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"))
    link = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.kind}"

    @property
    def kind_label(self) -> str:
        """What kind of notice it is, in the active language (its kind's registered label)."""
        return registry.label(self.kind)

    @property
    def kind_icon(self) -> str:
        return registry.icon(self.kind)


class SmsStatus(models.TextChoices):
    # Kept beside its model rather than in choices.py: only SmsMessage uses it.
    UNKNOWN = "unknown", _("Outcome unknown")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Not delivered")


class SmsMessage(models.Model):
    """One text message handed to a real SMS provider, and what became of it.

    The gateway backend writes the row before it asks the provider (status `unknown`: if the
    process dies mid-request nobody can say whether it went out), then records the provider's
    answer (`sent` with its `biz_id`, or `failed` with the provider's error code); the
    provider's delivery receipt later makes it `delivered` or `failed`. The number is kept
    only as a keyed hash (to find "the messages sent to this number" without storing it) and
    in masked form (DESIGN §8); `out_id` is our random reference, sent to the provider as
    OutId and echoed in its receipts.
    """

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_messages"
    )
    provider = models.CharField(_("provider"), max_length=16)
    # `code`, `notice` or a notice kind's own `notice.<kind>` (see lifelong.notifications.sms.TEMPLATES).
    template = models.CharField(_("template"), max_length=32)
    phone_digest = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=16)
    out_id = models.CharField(max_length=32, unique=True)
    biz_id = models.CharField(max_length=64, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=SmsStatus.choices, default=SmsStatus.UNKNOWN)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=SmsStatus.values), name="sms_message_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.phone_masked} · {self.template} · {self.status}"
