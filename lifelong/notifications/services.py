"""Making and delivering notices.

Services that change a registration or an activity call `notify` inside their transaction;
the notice is made and sent by the task worker after the commit, so a rolled-back change
tells nobody and the registration rush pays for one queued task, not for an SMS gateway.
"""

import logging
from datetime import datetime

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.errors import NotFound
from lifelong.common.links import public_url
from lifelong.common.sms import send_sms

from .messages import render
from .models import Notification

logger = logging.getLogger(__name__)


def notify(kind: str, *, activity_id: int | None, subject_ids: list[int], event: str, **params) -> None:
    """After the current transaction commits, tell each subject (a learner, or staff) about
    `event`, a key naming what happened (the same event never notifies anyone twice). Team
    notices have no activity (`activity_id=None`) and name their team in `params`."""
    if not subject_ids:
        return
    from .tasks import deliver_notices  # tasks import this module

    subjects = list(subject_ids)
    transaction.on_commit(
        lambda: deliver_notices.enqueue(
            kind=kind, activity_id=activity_id, subject_ids=subjects, event=event, params=params
        )
    )


def deliver(*, kind: str, activity_id: int, subject_ids: list[int], event: str, params: dict) -> list[Notification]:
    """Make the notices of one event and send each new one by SMS and email. A managed profile
    (no phone, cannot sign in) is told through the family member who manages it."""
    from lifelong.activities.models import Activity, Session

    sessions = Prefetch("sessions", queryset=Session.objects.select_related("venue").order_by("starts_at"))
    activity = None
    if activity_id is not None:
        activity = Activity.objects.select_related("venue").prefetch_related(sessions).filter(pk=activity_id).first()
        if activity is None:
            return []
    about = _notice_subject(kind, activity, params)
    made = []
    for subject in User.objects.filter(pk__in=subject_ids, is_active=True).select_related("managed_by"):
        recipient = subject.managed_by if subject.is_managed_profile and subject.managed_by else subject
        with translation.override(recipient.message_language):
            text, link = render(
                kind,
                activity=activity,
                params=params,
                for_name=subject.name if recipient != subject else "",
                relative_id=subject.pk if recipient != subject else None,
            )
            notice = _make(recipient, kind, activity, text, link, f"{event}:{subject.pk}")
            if notice is not None:
                _send(notice, title=_display_name(about))
                made.append(notice)
    return made


def _notice_subject(kind: str, activity, params: dict):
    """What a notice is about (activity, team, article or honour call), read once per event: an
    SMS gateway's notice template names it, the text does not fit there (see `_send`)."""
    from .messages import ARTICLE_KINDS, HONOUR_KINDS, TEAM_KINDS

    if activity is not None:
        return activity
    if kind in TEAM_KINDS:
        from lifelong.community.models import Team  # community's services import this app

        return Team.objects.filter(pk=params.get("team_id")).first()
    if kind in ARTICLE_KINDS:
        from lifelong.news.models import Article  # news' services import this app

        return Article.objects.filter(pk=params.get("article_id")).first()
    if kind in HONOUR_KINDS:
        from lifelong.honours.models import Nomination  # honours' services import this app

        nomination = Nomination.objects.select_related("call").filter(pk=params.get("nomination_id")).first()
        return nomination.call if nomination else None
    return None


def _display_name(about) -> str:
    """Its name in the language active now (the recipient's)."""
    if about is None:
        return ""
    return str(getattr(about, "display_title", None) or getattr(about, "display_name", None) or about)


def _make(recipient: User, kind: str, activity, text: str, link: str, key: str) -> Notification | None:
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient, kind=kind, activity=activity, text=text, link=link, dedupe_key=key[:120]
            )
    except IntegrityError:  # this event already made its notice: a retried or repeated task
        return None


def _send(notice: Notification, *, title: str = "") -> None:
    """SMS when the recipient has a phone, email when they gave an address. A gateway failure is
    logged (and recorded as a failed SmsMessage, listed in the admin) and leaves the in-app
    notice in place; it never undoes the change that caused it.

    A gateway sends the approved template of the notice's kind with two short parameters, the
    kind's name and `title` (the activity, team, article or honour it is about), cut to the
    provider's limit: the provider refuses a notification variable over 35 characters, and an
    organizer's message alone may run to 300. The SMS then says what happened and about what,
    and sends the reader to the app, where the full text is; the email carries it whole. The
    file and console backends write the full text."""
    recipient = notice.recipient
    brand = _("[Lifelong]")
    sent = {}
    if recipient.phone:
        kind = str(notice.get_kind_display())
        try:
            send_sms(
                recipient.phone,
                brand + notice.text,
                template=f"notice.{notice.kind}",
                params={"kind": kind, "title": title or kind},
                notification_id=notice.pk,
            )
            sent["sms_sent_at"] = timezone.now()
        except Exception as error:  # the error text may hold the number: log its kind only
            logger.error("SMS for notice %s failed: %s %s", notice.pk, type(error).__name__, getattr(error, "code", ""))
    if recipient.email:
        try:
            send_mail(
                subject=brand + notice.get_kind_display(),
                message=f"{notice.text}\n\n{public_url(notice.link)}",
                from_email=None,
                recipient_list=[recipient.email],
            )
            sent["email_sent_at"] = timezone.now()
        except Exception as error:  # the error text may hold the address: log its kind only
            logger.error("Email for notice %s failed: %s", notice.pk, type(error).__name__)
    if sent:
        Notification.objects.filter(pk=notice.pk).update(**sent)


def notices_mark_read(*, actor: User, notice_id: int | None = None, now: datetime | None = None) -> int:
    """Mark one of the actor's notices read (404 for anyone else's), or all of them."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notice_id is not None:
        if not Notification.objects.filter(recipient=actor, pk=notice_id).exists():
            raise NotFound()
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=now or timezone.now())
