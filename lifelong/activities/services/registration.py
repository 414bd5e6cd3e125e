"""Registering for an activity and what follows: cancelling, accepting an offer, staff approving
or rejecting. Seats are taken and freed as `seats` says."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, Forbidden, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import audit_record
from lifelong.notifications.services import notify

from .. import notices
from ..choices import ACTIVE_STATUSES, ActivityStatus, RegistrationChannel, RegistrationStatus
from ..models import Activity, Registration
from ..policy import may_manage_activities_of
from ..seats import (
    RaceWindowForTests,
    _looks_full,
    _next_waitlist_position,
    _place,
    _release_seat,
    _unguarded_seat_check,
)
from ..selectors import waitlist_place
from ..tasks import schedule_offer_expiry
from ..waitlist import _promote_from_waitlist
from .eligibility import _check_campaign_cap, eligibility_problem


def _by_family(actor: User, learner: User) -> bool:
    """The actor is the family member who manages the learner's account (see `_channel_for`)."""
    return actor.pk != learner.pk and learner.managed_by_id == actor.pk


def _channel_for(
    actor: User, learner: User, activity: Activity, requested: str | None, desk_phone: str | None = None
) -> str:
    """The channel a registration counts under, after checking the actor may register the
    learner: oneself online; a managed relative by proxy; staff by proxy or onsite for
    learners whose home is in their scope. The activity's own staff take walk-ins from
    elsewhere onsite only when the person gave their full mobile number at the desk
    (`desk_phone`), so that no organizer can register, or learn about, people by id."""
    if actor.pk == learner.pk:
        return RegistrationChannel.ONLINE
    if _by_family(actor, learner):
        return RegistrationChannel.PROXY
    channel = (
        requested if requested in (RegistrationChannel.PROXY, RegistrationChannel.ONSITE) else RegistrationChannel.PROXY
    )
    if policy.covers(actor, learner.home_region):
        return channel
    if (
        channel == RegistrationChannel.ONSITE
        and desk_phone
        and learner.phone == desk_phone
        and may_manage_activities_of(actor, activity.institution)
    ):
        return channel
    raise NotFound(field="learner")


@transaction.atomic
@short_lock_wait()
def registration_create(
    *,
    actor: User,
    activity: Activity,
    learner: User,
    channel: str | None = None,
    desk_phone: str | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register `learner` for `activity`: confirmed when a seat open to the channel is free,
    else waitlisted FIFO (when the waitlist is on), or pending when the activity needs
    approval (a pending registration holds no seat). Refusals are domain errors with codes:
    `not_open`, `registration_closed`, `ineligible_*`, `full` (409), `already_registered` (409).
    """
    now = now or timezone.now()
    current = _published(actor, activity)
    channel = _channel_for(actor, learner, current, channel, desk_phone)
    # A relative registered by the family member who manages them: proxy on the record (who
    # did it), online seats only (the reserve is for the people staff serve), and the family's
    # registrations together under a campaign's cap.
    by_family = _by_family(actor, learner)
    registration = Registration(
        activity=current, learner=learner, channel=channel, registered_by=actor, by_family=by_family
    )
    if not current.registration_opens <= now < current.registration_closes:
        raise Conflict(_("Registration for this activity is closed."), code="registration_closed")
    if Registration.objects.filter(activity=current, learner=learner, status__in=ACTIVE_STATUSES).exists():
        raise Conflict(_("The learner is already registered for this activity."), code="already_registered")
    if not current.waitlist and not current.requires_approval and _looks_full(current, registration):
        # The rush's most common answer, given before any costlier check. It only reads the
        # counters; the conditional UPDATE in _place stays the guard.
        raise Conflict(_("This activity is full."), code="full")
    problem = eligibility_problem(current, learner)
    if problem is not None:
        raise problem
    _check_campaign_cap(current, learner, family_member=actor if by_family else None)
    _decide_place(registration, current)
    try:
        # No savepoint of its own: the Conflict leaves this function's atomic block, which
        # undoes the seat taken above along with the failed insert.
        registration.save()
    except IntegrityError as error:  # a parallel request for the same learner won the race
        raise Conflict(_("The learner is already registered for this activity."), code="already_registered") from error
    if actor.pk != learner.pk:  # staff and family acting for someone else are on the record
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            target=registration,
            summary=f"registered for someone else ({channel})",
            changes={"learner": learner.pk, "status": registration.status},
        )
    _tell_placement(registration)
    return registration


def _published(actor: User, activity: Activity) -> Activity:
    """The activity, read afresh, if it is open for registration: 404 for an unknown one, or an
    unpublished one the actor does not manage; 409 `not_open` for its managers."""
    try:
        # get() runs without ORDER BY, and only the campaign comes along: on the hottest path
        # building the SQL costs more than running it. The rarer relations load when needed.
        current = Activity.objects.select_related("campaign").get(pk=activity.pk)
    except Activity.DoesNotExist:
        raise NotFound() from None
    if current.status != ActivityStatus.PUBLISHED:
        if not may_manage_activities_of(actor, current.institution):
            raise NotFound()  # an unpublished activity is invisible to everyone else
        raise Conflict(_("This activity is not open for registration."), code="not_open")
    return current


def _decide_place(registration: Registration, activity: Activity) -> None:
    """Pending when the activity needs approval (no seat held); else a seat, or the waitlist,
    or `full` (see _place)."""
    if activity.requires_approval:
        registration.status = RegistrationStatus.PENDING
    elif RaceWindowForTests.unguarded:
        registration.status = (
            RegistrationStatus.CONFIRMED if _unguarded_seat_check(activity) else RegistrationStatus.WAITLISTED
        )
        if registration.status == RegistrationStatus.WAITLISTED:
            registration.waitlist_position = _next_waitlist_position(activity.pk)
            registration.was_waitlisted = True
    else:
        _place(registration, activity)


def _tell_placement(registration: Registration) -> None:
    kind = {
        RegistrationStatus.CONFIRMED: notices.REGISTRATION_CONFIRMED,
        RegistrationStatus.PENDING: notices.REGISTRATION_PENDING,
        RegistrationStatus.WAITLISTED: notices.WAITLISTED,
    }[registration.status]
    notify(
        kind,
        activity_id=registration.activity_id,
        subject_ids=[registration.learner_id],
        event=f"{kind}:{registration.pk}",
        position=waitlist_place(registration) or "",  # the place in the queue now, not the ticket
    )


def _may_act_on(actor: User, registration: Registration) -> str:
    """'learner' for the learner or the relative managing them, 'staff' for staff in scope;
    anyone else gets 404."""
    learner = registration.learner
    if actor.pk in (learner.pk, learner.managed_by_id):
        return "learner"
    if policy.covers(actor, learner.home_region) or may_manage_activities_of(actor, registration.activity.institution):
        return "staff"
    raise NotFound()


def registration_retire(*, registration: Registration, now: datetime) -> None:
    """Cancel a registration the caller has locked (select_for_update) in its transaction: it
    leaves the waitlist, and a seat it held is freed and handed to the waitlist in that same
    transaction. Who may do it, the audit and telling the learner are the caller's: a learner
    merge retires the weaker of two registrations without a notice (they keep the other)."""
    held_seat, online = registration.holds_seat, registration.counts_online
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlist_position = None
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
    if held_seat:
        _release_seat(registration.activity_id, online=online)
        schedule_offer_expiry(_promote_from_waitlist(registration.activity, now=now))


@transaction.atomic
@short_lock_wait()
def registration_cancel(*, actor: User, registration: Registration, now: datetime | None = None) -> Registration:
    """Cancel (or leave the waitlist). Learners may until registration closes, staff any time.
    A freed seat goes to the waitlist in this same transaction. The learner (or the relative
    managing them) is told either way, so the notices and the SMS say what happened."""
    now = now or timezone.now()
    current = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__institution__region", "learner__home_region")
        .get(pk=registration.pk)
    )
    who = _may_act_on(actor, current)
    if current.status not in ACTIVE_STATUSES:
        raise Conflict(_("This registration is no longer active."), code="not_active")
    if who == "learner" and now >= current.activity.registration_closes and current.holds_seat:
        raise Conflict(_("It is too late to cancel; please call the organizer."), code="cancel_closed")
    was_waiting = current.status
    registration_retire(registration=current, now=now)
    if who == "staff":
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=current,
            summary="registration cancelled by staff",
            changes={"learner": current.learner_id},
        )
    # One notice kind, worded by who cancelled and whether the learner was only waiting.
    notify(
        notices.REGISTRATION_CANCELLED,
        activity_id=current.activity_id,
        subject_ids=[current.learner_id],
        event=f"reg_cancelled:{current.pk}",
        by=who,
        was=was_waiting,
    )
    return current


@transaction.atomic
@short_lock_wait()
def registration_offer_accept(*, actor: User, registration: Registration, now: datetime | None = None) -> Registration:
    now = now or timezone.now()
    current = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__institution__region", "learner__home_region")
        .get(pk=registration.pk)
    )
    if _may_act_on(actor, current) != "learner":
        raise Forbidden(_("Only the learner or their family can accept an offer."), code="not_own")
    if current.status != RegistrationStatus.OFFERED:
        raise Conflict(_("There is no open offer on this registration."), code="not_offered")
    if current.offer_expires_at is not None and now >= current.offer_expires_at:
        raise Conflict(_("The offer has expired."), code="offer_expired")
    current.status = RegistrationStatus.CONFIRMED
    current.offer_expires_at = None
    current.save(update_fields=["status", "offer_expires_at", "updated_at"])
    return current


@transaction.atomic
@short_lock_wait()
def registration_approve(*, actor: User, registration: Registration) -> Registration:
    """Staff approve a pending registration: it takes a seat atomically or joins the waitlist."""
    current = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__institution__region", "learner__home_region")
        .get(pk=registration.pk)
    )
    if not may_manage_activities_of(actor, current.activity.institution):
        raise NotFound()
    if current.status != RegistrationStatus.PENDING:
        raise Conflict(_("Only pending registrations can be approved."), code="not_pending")
    _place(current, current.activity)
    current.save(update_fields=["status", "waitlist_position", "was_waitlisted", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATED, target=current, summary=f"registration approved: {current.status}"
    )
    _tell_placement(current)
    return current


@transaction.atomic
@short_lock_wait()
def registration_reject(*, actor: User, registration: Registration) -> Registration:
    current = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__institution__region")
        .get(pk=registration.pk)
    )
    if not may_manage_activities_of(actor, current.activity.institution):
        raise NotFound()
    if current.status != RegistrationStatus.PENDING:
        raise Conflict(_("Only pending registrations can be rejected."), code="not_pending")
    current.status = RegistrationStatus.REJECTED
    current.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATED, target=current, summary="registration rejected")
    notify(
        notices.REGISTRATION_REJECTED,
        activity_id=current.activity_id,
        subject_ids=[current.learner_id],
        event=f"rejected:{current.pk}",
    )
    return current
