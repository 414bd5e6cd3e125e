from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import NoticeKind


class Notification(models.Model):
    """One notice to one person, shown in the app and sent by SMS and email.

    The text is rendered once, in the recipient's language, when the notice is made, so the
    in-app list and the SMS say the same thing. `dedupe_key` names the event: a task that runs
    twice (a retry, a reminder re-scheduled) finds its notice already there and sends nothing.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
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
