"""Reads for notices: always the actor's own."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Notification

if TYPE_CHECKING:
    from lifelong.accounts.models import User


def notices_for(*, actor: "User") -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).order_by("-created_at", "-id")


def unread_count(*, actor: "User") -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
