"""Working with the people of one activity: organizers write to them, and export the roster.

Messages: `activity_message_send` tells the registered learners (and, when asked, those still
waiting) of an activity something in the organizer's own words, by app notice, SMS and email
(`lifelong.notifications.services.notify`; a managed profile is told through the family member
who manages it). Each send is one audit event holding the text, its length and how many people
were told; those append-only events are also the ledger the rate limit counts, so the limit
cannot be reset by deleting anything.

Roster export: every registration still in play (confirmed, offered, waiting for approval,
waitlisted with its place) as CSV or XLSX, phones masked unless the actor administers the
learner's home village, where staff call villagers anyway. Every export is audited.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, DomainError, InvalidInput, NotFound
from lifelong.common.exports import Column, Table
from lifelong.common.locking import short_lock_wait
from lifelong.common.masking import mask_phone
from lifelong.common.models import AuditEvent
from lifelong.common.services import audit_record
from lifelong.notifications.services import notify

from . import notices
from .choices import RegistrationStatus
from .models import Activity, Attendance, Registration
from .policy import may_manage_activities_of
from .selectors import with_waitlist_place

# An SMS carries about 70 Chinese characters a part; 300 keeps a message to a few parts and
# makes the organizer say one thing, not send a newsletter.
MESSAGE_MAX_LENGTH = 300
# At most this many messages per activity in a rolling day, and one per quiet interval: a
# learner's phone is not a notice board, and a second press of "Send" must not text everyone twice.
MESSAGES_PER_DAY = 3
MESSAGE_INTERVAL = timedelta(minutes=10)
MESSAGE_SUMMARY = "organizer message sent"
ROSTER_EXPORT_SUMMARY = "roster exported"

# Who "registered" means: everyone holding a seat (an offered seat is kept for its learner).
REGISTERED_STATUSES = [RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED]
# Those still waiting: on the waitlist, or for the organizer's approval.
WAITING_STATUSES = [RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING]
# The roster file lists every registration still in play, seat holders first.
EXPORTED_STATUSES = [*REGISTERED_STATUSES, RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED]


class TooManyMessages(DomainError):
    """429: the activity's message allowance is used up for now; `detail` says until when."""

    status = 429
    code = "too_many_messages"


def _require_manager(actor: User, activity: Activity) -> None:
    if not may_manage_activities_of(actor, activity.institution):
        raise NotFound()


# --- Messages --------------------------------------------------------------------------------


def _sent_messages(activity: Activity) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=Activity._meta.label_lower,
        object_id=str(activity.pk),
        action=AuditAction.CREATED,
        summary=MESSAGE_SUMMARY,
    )


def messages_sent(*, activity: Activity, limit: int = 10) -> list[AuditEvent]:
    """The activity's latest messages, newest first (the caller has checked the actor manages it)."""
    return list(_sent_messages(activity).select_related("actor")[:limit])


def message_allowance(*, activity: Activity, now: datetime | None = None) -> datetime | None:
    """When the next message may be sent: None when it may be sent now."""
    now = now or timezone.now()
    recent = list(
        _sent_messages(activity).filter(occurred_at__gt=now - timedelta(days=1)).values_list("occurred_at", flat=True)
    )  # newest first (the model's ordering)
    waits = []
    if recent and recent[0] > now - MESSAGE_INTERVAL:
        waits.append(recent[0] + MESSAGE_INTERVAL)
    if len(recent) >= MESSAGES_PER_DAY:
        waits.append(recent[MESSAGES_PER_DAY - 1] + timedelta(days=1))
    return max(waits) if waits else None


def message_recipients(*, activity: Activity, include_waitlisted: bool) -> list[int]:
    """The learners a message reaches: seat holders, and those waiting when asked (ids, once each)."""
    statuses = REGISTERED_STATUSES + (WAITING_STATUSES if include_waitlisted else [])
    return list(
        Registration.objects.filter(activity=activity, status__in=statuses, learner__is_active=True)
        .order_by("learner_id")
        .values_list("learner_id", flat=True)
        .distinct()
    )


def clean_message_text(text: str) -> str:
    """The message as sent: trimmed, 1 to MESSAGE_MAX_LENGTH characters, else InvalidInput."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput(_("Write the message."), code="invalid", field="text")
    if len(cleaned) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            _("The message is too long: at most %(max)s characters, it has %(n)s.")
            % {"max": MESSAGE_MAX_LENGTH, "n": len(cleaned)},
            code="invalid",
            field="text",
        )
    return cleaned


@dataclass(frozen=True)
class MessageSent:
    recipients: int
    sent_at: datetime


@transaction.atomic
@short_lock_wait()
def activity_message_send(
    *,
    actor: User,
    activity: Activity,
    text: str,
    include_waitlisted: bool,
    request=None,
    now: datetime | None = None,
) -> MessageSent:
    """Send the organizer's `text` to the activity's registered learners (and those waiting
    when `include_waitlisted`), after the commit, by the task worker.

    Who: the activity's organizers and instructors and admins over it; anyone else 404.
    Refusals, each changing nothing: empty or over-long text 422 `invalid`; nobody to tell 409
    `no_recipients`; the allowance used up 429 `too_many_messages`. The activity's row is locked
    while the allowance is counted and the send recorded, so two presses send one message."""
    _require_manager(actor, activity)
    cleaned = clean_message_text(text)
    _lock_message_allowance(activity, now=now or timezone.now())
    recipients = message_recipients(activity=activity, include_waitlisted=include_waitlisted)
    if not recipients:
        raise Conflict(
            _("Nobody is registered yet: there is no one to send the message to."),
            code="no_recipients",
        )
    # The text goes into the audit log on purpose: it is what the organizer told the public
    # about their activity, holds no one's personal data, and a complaint needs its exact words.
    event = audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=activity,
        summary=MESSAGE_SUMMARY,
        changes={
            "text": cleaned,
            "length": len(cleaned),
            "recipients": len(recipients),
            "include_waitlisted": include_waitlisted,
        },
        request=request,
    )
    notify(
        notices.ORGANIZER_MESSAGE,
        activity_id=activity.pk,
        subject_ids=recipients,
        event=f"organizer_msg:{event.pk}",
        text=cleaned,
        sender=actor.name,
    )
    return MessageSent(recipients=len(recipients), sent_at=event.occurred_at)


def _lock_message_allowance(activity: Activity, *, now: datetime) -> None:
    """Lock the activity's row, then refuse (429 `too_many_messages`) when its allowance is used
    up. The lock serializes sends of one activity (PostgreSQL; SQLite's write transaction already
    does), so the allowance cannot be read by two sends at once."""
    Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk").first()
    next_allowed = message_allowance(activity=activity, now=now)
    if next_allowed is not None:
        raise TooManyMessages(
            _(
                "This activity's messages are used up for now (one every 10 minutes, %(n)s a day). "
                "Try again after %(when)s."
            )
            % {"n": MESSAGES_PER_DAY, "when": format_date(timezone.localtime(next_allowed), "Y-m-d H:i")}
        )


# --- Roster export ---------------------------------------------------------------------------


def sees_full_phone(actor: User, learner: User) -> bool:
    """The one rule for unmasked phones in rosters: admins whose region covers the learner's
    home (village and town staff phone their residents; the policy's scope for learners)."""
    return learner.home_region is not None and policy.covers(actor, learner.home_region)


def roster_export_registrations(*, actor: User, activity: Activity) -> QuerySet[Registration]:
    """The registrations in the file: seat holders and those waiting for approval in the order
    they registered, then the waitlist in FIFO order; each with its waitlist place and sessions attended (one query)."""
    _require_manager(actor, activity)
    attended = (
        Attendance.objects.filter(learner_id=OuterRef("learner_id"), session__activity_id=OuterRef("activity_id"))
        .order_by()
        .values("learner_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return with_waitlist_place(
        Registration.objects.filter(activity=activity, status__in=EXPORTED_STATUSES)
        .select_related("learner__home_region__parent")
        .annotate(sessions_attended=Coalesce(Subquery(attended, output_field=IntegerField()), 0))
    ).order_by(F("waitlist_position").asc(nulls_first=True), "created_at", "id")


def _status_of(registration: Registration) -> str:
    label = registration.get_status_display()
    place = getattr(registration, "waitlist_place", None)
    return f"{label} #{place}" if place else label


def roster_table(*, actor: User, activity: Activity) -> Table:
    """The roster as a table for `lifelong.common.exports`' writers (text cells made safe
    against spreadsheet formulas there)."""
    rows = list(roster_export_registrations(actor=actor, activity=activity))
    columns = [
        Column(gettext_lazy("Name"), lambda r: r.learner.name),
        Column(
            gettext_lazy("Mobile number"),
            lambda r: (
                (r.learner.phone if sees_full_phone(actor, r.learner) else mask_phone(r.learner.phone))
                if r.learner.phone
                else ""
            ),
        ),
        Column(
            gettext_lazy("Home village or community"),
            lambda r: r.learner.home_region.display_name if r.learner.home_region else "",
        ),
        Column(gettext_lazy("Status"), _status_of),
        Column(gettext_lazy("Waitlist place"), lambda r: getattr(r, "waitlist_place", None)),
        Column(gettext_lazy("Registered through"), lambda r: r.get_channel_display()),
        Column(gettext_lazy("Registered at"), lambda r: format_date(timezone.localtime(r.created_at), "Y-m-d H:i")),
        Column(gettext_lazy("Sessions attended"), lambda r: r.sessions_attended),
    ]
    return Table("roster", columns, rows)


def roster_export_record(*, actor: User, activity: Activity, table: Table, file_format: str, request=None) -> None:
    """Audit one roster export: who took whose data, how much, and whether phones were in full."""
    full_phones = sum(1 for r in table.rows if r.learner.phone and sees_full_phone(actor, r.learner))
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=activity,
        summary=ROSTER_EXPORT_SUMMARY,
        changes={"format": file_format, "rows": len(table.rows), "full_phones": full_phones},
        request=request,
    )
