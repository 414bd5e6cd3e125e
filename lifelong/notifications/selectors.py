"""Reads for notices: always the actor's own."""

from django.db.models import QuerySet

from lifelong.accounts.models import User

from .models import Notification


def notices_for(*, actor: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=actor).order_by("-created_at", "-id")


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
