"""Telling people about what happened, and marking what they have read.

Services that change a registration or an activity call `notify` inside their transaction;
the notice is made and sent by the task worker after the commit (lifelong.notifications.delivery),
so a rolled-back change tells nobody and the registration rush pays for one queued task, not for
an SMS gateway.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from lifelong.common.errors import NotFound

from . import registry
from .models import Notification
from .registry import NoticeKind
from .tasks import deliver_notices

if TYPE_CHECKING:
    from lifelong.accounts.models import User


def notify(kind: NoticeKind | str, *, activity_id: int | None, subject_ids: list[int], event: str, **params) -> None:
    """After the current transaction commits, tell each subject (a learner, or staff) about
    `event`, a key naming what happened (the same event never notifies anyone twice). Notices
    about no activity (a team's, an article's) have `activity_id=None` and name what they are
    about in `params`. A kind no app registered is refused here, in the caller's transaction
    (ValueError), not later in the worker."""
    code = registry.get(kind).code
    if not subject_ids:
        return
    subjects = list(subject_ids)
    # robust: a notice that cannot be queued is logged, and never keeps the commit's other
    # callbacks (a seat offer's expiry, the next notice) from running.
    transaction.on_commit(
        lambda: deliver_notices.enqueue(
            kind=code, activity_id=activity_id, subject_ids=subjects, event=event, params=params
        ),
        robust=True,
    )


def notices_mark_read(*, actor: "User", notice_id: int | None = None, now: datetime | None = None) -> int:
    """Mark one of the actor's notices read (404 for anyone else's), or all of them."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notice_id is not None:
        if not Notification.objects.filter(recipient=actor, pk=notice_id).exists():
            raise NotFound()
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=now or timezone.now())
