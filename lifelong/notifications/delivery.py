"""Delivering notices, run by the task worker after the commit that queued them (see
services.notify): each notice is made in the recipient's language by its kind's registered
`render` and sent by SMS and email."""

import logging
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifelong.common.links import public_url

from . import registry
from .models import Notification
from .registry import render
from .sms import send_sms

if TYPE_CHECKING:
    from lifelong.accounts.models import User

logger = logging.getLogger(__name__)


def deliver(
    *, kind: str, activity_id: int | None, subject_ids: list[int], event: str, params: dict
) -> list[Notification]:
    """Make the notices of one event and send each new one by SMS and email. A managed profile
    (no phone, cannot sign in) is told through the family member who manages it. What the
    notice is about is read once, by its kind's `load`; an event about something that is gone
    (an activity, a team, an article, a nomination) tells nobody."""
    notice_kind = registry.get(kind)
    about = notice_kind.load(activity_id=activity_id, params=params) if notice_kind.load else None
    if notice_kind.load and about is None:
        return []
    made = []
    people = get_user_model().objects.filter(pk__in=subject_ids, is_active=True).select_related("managed_by")
    for subject in people:
        recipient = subject.managed_by if subject.is_managed_profile and subject.managed_by else subject
        with translation.override(recipient.message_language):
            text, link = render(
                notice_kind.code,
                about=about,
                params=params,
                for_name=subject.name if recipient != subject else "",
                relative_id=subject.pk if recipient != subject else None,
            )
            notice = _make(recipient, notice_kind.code, activity_id, text, link, f"{event}:{subject.pk}")
            if notice is not None:
                _send(notice, title=notice_kind.title_of(about))
                made.append(notice)
    return made


def _make(recipient: "User", kind: str, activity_id: int | None, text: str, link: str, key: str) -> Notification | None:
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient=recipient, kind=kind, activity_id=activity_id, text=text, link=link, dedupe_key=key[:120]
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
        kind = notice.kind_label
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
                subject=brand + notice.kind_label,
                message=f"{notice.text}\n\n{public_url(notice.link)}",
                from_email=None,
                recipient_list=[recipient.email],
            )
            sent["email_sent_at"] = timezone.now()
        except Exception as error:  # the error text may hold the address: log its kind only
            logger.error("Email for notice %s failed: %s", notice.pk, type(error).__name__)
    if sent:
        Notification.objects.filter(pk=notice.pk).update(**sent)
