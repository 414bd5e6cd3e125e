"""Writes for activities: the approval workflow and seat-safe registration.

Seat rules (DESIGN §4): seats are taken by one conditional UPDATE of the activity's counters
(`... WHERE seats_taken < capacity`), never by counting and then inserting; online
registrations, and a family member's for a relative they manage, may hold at most
`capacity - reserved_offline` seats (`Registration.counts_online`): the reserve is for staff
registering the people they serve; a freed seat goes, in the cancelling transaction, to the
first waitlisted learner whose registration may take it. Freeing a seat needs no lock. The
counters' check constraints make overbooking impossible even if a caller got this wrong.
"""

import time
from datetime import datetime, timedelta
from typing import Any

import nh3
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.choices import Role
from lifelong.accounts.models import RoleGrant, User
from lifelong.accounts.phone import normalize_contact_phone
from lifelong.campaigns.models import Campaign
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.pictures import cover_from_upload, save_with_cover_edit
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.community.models import Programme, Team
from lifelong.community.services import programme_refusal, team_refusal
from lifelong.institutions.models import Institution, Venue
from lifelong.institutions.services import session_bookings_release, session_bookings_sync
from lifelong.news import richtext
from lifelong.notifications.choices import NoticeKind
from lifelong.notifications.services import notify
from lifelong.regions.models import Region

from .choices import (
    ACTIVE_STATUSES,
    ActivityStatus,
    Audience,
    CampaignStatus,
    Category,
    RegistrationChannel,
    RegistrationStatus,
)
from .models import Activity, Registration, Session
from .selectors import waitlist_place
from .session_times import session_times_check

ACTIVITY_FIELDS = (
    "title",
    "title_en",
    "summary",
    "description",
    "description_en",
    "contact_phone",
    "cover",
    "category",
    "audiences",
    "venue",
    "capacity",
    "reserved_offline",
    "registration_opens",
    "registration_closes",
    "requires_approval",
    "waitlist",
    "offer_hours",
    "hours",
    "certificate",
    "completion_share",
    "min_age",
    "max_age",
    "residents_of",
    "campaign",
    "programme",
    "team",
)
# How far down the waitlist a freed seat looks for someone whose channel may take it.
PROMOTION_SCAN = 200
# Confirmed learners are reminded this long before each session.
REMINDER_LEAD = timedelta(hours=24)
# Organizers hear of an activity this long before registration closes if fewer than this share
# of its seats is taken, while there is still time to spread the word.
LOW_ENROLMENT_LEAD = timedelta(hours=48)
LOW_ENROLMENT_SHARE = 0.3
# session_update's default: leave the venue as it is.
KEEP_VENUE = object()


class RaceWindowForTests:
    """Test-only switch for the concurrency suite's control run: when `unguarded`, seats are
    decided by counting registrations and then inserting (the classic bug), with a pause in
    between, so the test can show that its clients really race. Never set outside tests."""

    unguarded = False
    pause_seconds = 0.05


# --- Who may do what ---------------------------------------------------------------------------


def may_manage_activities_of(actor: User, institution: Institution) -> bool:
    """Organizers and instructors of the institution, and admins whose subtree covers it."""
    own = {g.institution_id for g in policy.grants(actor) if g.role in ("organizer", "instructor")}
    return institution.pk in own or policy.covers(actor, institution.region)


def _require_manager(actor: User, activity: Activity) -> None:
    if not may_manage_activities_of(actor, activity.institution):
        raise NotFound()


# --- What an activity says about itself ------------------------------------------------------


# Descriptions may hold what a news article may (lifelong.news.richtext) except pictures: the
# cover is the activity's picture, and an article image's address means nothing here.
_description_cleaner = nh3.Cleaner(
    tags=richtext.TAGS - {"img", "figure", "figcaption"},
    clean_content_tags=richtext.DROPPED_WITH_CONTENT,
    attributes={tag: names for tag, names in richtext.ATTRIBUTES.items() if tag != "img"},
    url_schemes=richtext.URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def _content_values(fields: dict[str, Any]) -> dict[str, Any]:
    """The description (both languages) as it may be shown (no script, no event handlers, no
    pictures), and the contact phone in its one stored form."""
    values = {}
    for name in ("description", "description_en"):
        if name in fields:
            values[name] = _description_cleaner.clean(fields[name] or "").strip()
    if "contact_phone" in fields:
        values["contact_phone"] = normalize_contact_phone(fields["contact_phone"])
    return values


# --- The approval workflow ---------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: User,
    institution: Institution,
    sessions: list[dict[str, Any]],
    cover_upload: UploadedFile | None = None,
    cover_alt: str = "",
    over_venue_capacity: bool = False,
    now: datetime | None = None,
    **fields: Any,
) -> Activity:
    """A draft activity with its sessions, each meeting the session time rules (see
    session_times; `now` is the clock they are read against, set back for demo history).
    Venues must belong to institutions the actor may see; the capacity fits the venues' seats
    unless an admin over the organizer allows more (`over_venue_capacity`, else 422
    `over_venue_capacity`); every value is validated before anything is written. The
    description is sanitised rich text; a `cover` Picture may be given, or an uploaded file
    (`cover_upload`) that becomes one (lifelong.common.pictures) in the same transaction. A
    draft books no rooms: submitting (or publishing) it does."""
    if not may_manage_activities_of(actor, institution):
        raise NotFound(field="institution")
    if not sessions:
        raise InvalidInput(_("An activity needs at least one session."), code="no_sessions", field="sessions")
    for spec in sessions:
        session_times_check(starts_at=spec["starts_at"], ends_at=spec["ends_at"], now=now or timezone.now())
    audiences = fields.get("audiences") or [Audience.ALL]
    if not set(audiences) <= set(Audience.values):
        raise InvalidInput(_("Unknown audience."), code="invalid", field="audiences")
    if fields.get("category") not in Category.values:
        raise InvalidInput(_("Unknown category."), code="invalid", field="category")
    for venue in [fields.get("venue"), *(s.get("venue") for s in sessions)]:
        _check_venue(actor, venue)
    _check_programme_and_team(actor, institution, fields.get("programme"), fields.get("team"))
    values = {name: fields[name] for name in ACTIVITY_FIELDS if name in fields}
    values.update(_content_values(values))
    activity = Activity(
        institution=institution, created_by=actor, **{**values, "audiences": Activity.audiences_value(audiences)}
    )
    if activity.campaign_id:
        activity.campaign_status = campaign_placement(actor, activity.campaign)
    full_clean_or_raise(activity)
    from .editing import venue_capacity_check  # editing builds on this module

    held_at = [activity.venue, *(s.get("venue") or activity.venue for s in sessions)]
    overridden = venue_capacity_check(
        actor=actor, activity=activity, venues=held_at, over_venue_capacity=over_venue_capacity
    )
    # The picture is made once everything else checked out; if a session is then refused, its
    # files go again with the rolled-back rows.
    with cover_from_upload(actor=actor, upload=cover_upload, alt=cover_alt) as cover:
        if cover is not None:
            activity.cover = cover
        activity.save()
        for spec in sessions:
            session = Session(
                activity=activity,
                starts_at=spec["starts_at"],
                ends_at=spec["ends_at"],
                venue=spec.get("venue") or activity.venue,
            )
            full_clean_or_raise(session)
            session.save()
    changes = {"title": activity.title, **({"over_venue_capacity": True} if overridden else {})}
    audit_record(actor=actor, action=AuditAction.CREATED, target=activity, changes=changes)
    return activity


CONTENT_FIELDS = ("summary", "description", "description_en", "contact_phone")


@transaction.atomic
def activity_content_update(
    *,
    actor: User,
    activity: Activity,
    cover_upload: UploadedFile | None = None,
    cover_alt: str | None = None,
    cover_clear: bool = False,
    **fields: Any,
) -> Activity:
    """Change what an activity says about itself (summary, description, contact phone, cover)
    in any status: none of it changes a seat, a session or an approval. Only the fields given
    are changed; a new cover upload replaces the cover (the old picture stays stored, as it
    may be another's), `cover_clear` removes it."""
    current = (
        Activity.objects.select_for_update(of=("self",), no_key=True)
        .select_related("institution__region", "cover")
        .get(pk=activity.pk)
    )
    _require_manager(actor, current)
    values = {name: fields[name] for name in CONTENT_FIELDS if name in fields}
    values.update(_content_values(values))
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, values[name])
    full_clean_or_raise(current)
    changed = save_with_cover_edit(
        actor=actor, target=current, changed_fields=changed, upload=cover_upload, alt=cover_alt, clear=cover_clear
    )
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=current,
            summary="activity content changed",
            changes={name: str(getattr(current, name) or "")[:80] for name in changed if name != "contact_phone"},
        )
    return current


def campaign_placement(actor: User, campaign: Campaign) -> CampaignStatus:
    """A proposal waits for an admin of the campaign's host region; theirs join at once. Once
    a campaign is over only its admins add activities (recording a past year's programme)."""
    if policy.covers(actor, campaign.host_region):
        return CampaignStatus.ACCEPTED
    if campaign.ends_on < timezone.localdate():
        raise Conflict(_("This campaign is over; it takes no more proposals."), code="campaign_over", field="campaign")
    return CampaignStatus.PROPOSED


def _check_programme_and_team(
    actor: User, institution: Institution, programme: Programme | None, team: Team | None
) -> None:
    """A programme's activities are run in its town (or by its own institution); a team's by
    an institution whose region covers it, or by its leader (lifelong.community.services)."""
    problem = (programme and programme_refusal(programme=programme, institution=institution)) or (
        team and team_refusal(actor=actor, team=team, institution=institution)
    )
    if problem:
        raise problem


def _check_venue(actor: User, venue: Venue | None) -> None:
    if venue is not None and not policy.restrict(actor, policy.Action.VIEW, Venue.objects.filter(pk=venue.pk)):
        raise NotFound(field="venue")


def _book_rooms(actor: User, activity: Activity) -> None:
    """Sessions held at a venue book it once the activity is submitted (or published straight
    from a draft); a clash refuses the step with `venue_booked`, naming the booking in the way."""
    sessions = list(activity.sessions.select_related("activity"))
    session_bookings_sync(actor=actor, sessions=sessions)


def _transition(activity: Activity, to: ActivityStatus, allowed_from: set[str], **extra: Any) -> Activity:
    # NO KEY UPDATE: rows that merely point at the activity (a check-in's ledger entry, a
    # completion) may still be written meanwhile, so a cancel and a check-in never deadlock.
    current = (
        Activity.objects.select_for_update(of=("self",), no_key=True)
        .select_related("institution__region")
        .get(pk=activity.pk)
    )
    if current.status not in allowed_from:
        raise Conflict(
            _("The activity cannot go from “%(from)s” to “%(to)s”.")
            % {"from": current.get_status_display(), "to": to.label},
            code="invalid_transition",
        )
    current.status = to
    for name, value in extra.items():
        setattr(current, name, value)
    current.save(update_fields=["status", *extra])
    return current


@transaction.atomic
def activity_submit(*, actor: User, activity: Activity) -> Activity:
    _require_manager(actor, activity)
    submitted = _transition(
        activity, ActivityStatus.SUBMITTED, {ActivityStatus.DRAFT, ActivityStatus.REJECTED}, rejection_reason=""
    )
    _book_rooms(actor, submitted)
    audit_record(actor=actor, action=AuditAction.UPDATED, target=submitted, summary="submitted")
    return submitted


@transaction.atomic
def activity_publish(*, actor: User, activity: Activity) -> Activity:
    """Admins whose subtree covers the organizer publish submitted activities, and may publish
    drafts directly."""
    if not policy.covers(actor, activity.institution.region):
        raise NotFound()
    published = _transition(activity, ActivityStatus.PUBLISHED, {ActivityStatus.SUBMITTED, ActivityStatus.DRAFT})
    _book_rooms(actor, published)  # a draft's first; a submitted one's are already held
    audit_record(actor=actor, action=AuditAction.UPDATED, target=published, summary="published")
    notify(
        NoticeKind.ACTIVITY_PUBLISHED,
        activity_id=published.pk,
        subject_ids=[published.created_by_id],
        event=f"published:{published.pk}",
    )
    for session in published.sessions.all():
        _schedule_reminder(session)
    _schedule_low_enrolment_check(published)
    return published


@transaction.atomic
def activity_reject(*, actor: User, activity: Activity, reason: str) -> Activity:
    if not policy.covers(actor, activity.institution.region):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the activity is rejected."), code="reason_required", field="reason")
    rejected = _transition(activity, ActivityStatus.REJECTED, {ActivityStatus.SUBMITTED}, rejection_reason=reason[:300])
    session_bookings_release(actor=actor, activity=rejected)  # held again when submitted again
    audit_record(actor=actor, action=AuditAction.UPDATED, target=rejected, summary="rejected")
    notify(
        NoticeKind.ACTIVITY_REJECTED,
        activity_id=rejected.pk,
        subject_ids=[rejected.created_by_id],
        event=f"rejected:{rejected.pk}:{timezone.now().isoformat()}",
        reason=rejected.rejection_reason,
    )
    return rejected


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity) -> Activity:
    """Cancel an activity and every active registration on it."""
    _require_manager(actor, activity)
    cancelled = _transition(
        activity, ActivityStatus.CANCELLED, {ActivityStatus.DRAFT, ActivityStatus.SUBMITTED, ActivityStatus.PUBLISHED}
    )
    active = Registration.objects.filter(activity=cancelled, status__in=ACTIVE_STATUSES)
    registered = list(active.values_list("learner_id", flat=True))
    active.update(
        status=RegistrationStatus.CANCELLED, waitlist_position=None, offer_expires_at=None, updated_at=timezone.now()
    )
    Activity.objects.filter(pk=cancelled.pk).update(seats_taken=0, seats_taken_online=0)
    session_bookings_release(actor=actor, activity=cancelled)  # its venues are free again
    audit_record(actor=actor, action=AuditAction.UPDATED, target=cancelled, summary="cancelled")
    notify(
        NoticeKind.ACTIVITY_CANCELLED,
        activity_id=cancelled.pk,
        subject_ids=registered,
        event=f"cancelled:{cancelled.pk}",
    )
    return cancelled


# --- Reminders and alerts, run by the task worker at their time -------------------------------


def _schedule_reminder(session: Session) -> None:
    from .tasks import session_reminders

    session_id, starts_at = session.pk, session.starts_at
    transaction.on_commit(
        lambda: session_reminders.using(run_after=starts_at - REMINDER_LEAD).enqueue(session_id, starts_at.isoformat())
    )


def session_remind(*, session_id: int, starts_at: str, now: datetime | None = None) -> int:
    """Remind the confirmed learners of a session that starts within REMINDER_LEAD. Does
    nothing when the session has moved since (its new time has its own reminder), when the
    activity is no longer published, or when called early or late. Returns how many were told."""
    now = now or timezone.now()
    session = Session.objects.select_related("activity").filter(pk=session_id).first()
    if session is None or session.starts_at.isoformat() != starts_at:
        return 0
    if session.activity.status != ActivityStatus.PUBLISHED or not (
        session.starts_at - REMINDER_LEAD <= now < session.starts_at
    ):
        return 0
    learners = list(
        Registration.objects.filter(activity_id=session.activity_id, status=RegistrationStatus.CONFIRMED).values_list(
            "learner_id", flat=True
        )
    )
    notify(
        NoticeKind.REMINDER,
        activity_id=session.activity_id,
        subject_ids=learners,
        event=f"reminder:{session.pk}:{starts_at}",
        session_id=session.pk,
    )
    return len(learners)


def _schedule_low_enrolment_check(activity: Activity) -> None:
    from .tasks import low_enrolment_check

    run_after = activity.registration_closes - LOW_ENROLMENT_LEAD
    if run_after <= timezone.now():
        return  # published too close to the deadline for an alert to help
    activity_id = activity.pk
    transaction.on_commit(lambda: low_enrolment_check.using(run_after=run_after).enqueue(activity_id))


def low_enrolment_alert(*, activity_id: int, now: datetime | None = None) -> bool:
    """Tell the organizers when, LOW_ENROLMENT_LEAD before registration closes, fewer than
    LOW_ENROLMENT_SHARE of the seats are taken. True when an alert went out."""
    now = now or timezone.now()
    activity = Activity.objects.filter(pk=activity_id, status=ActivityStatus.PUBLISHED).first()
    if activity is None or not (
        activity.registration_closes - LOW_ENROLMENT_LEAD <= now < activity.registration_closes
    ):
        return False
    if activity.seats_taken >= activity.capacity * LOW_ENROLMENT_SHARE:
        return False
    organizers = set(
        RoleGrant.objects.filter(institution_id=activity.institution_id, role=Role.ORGANIZER).values_list(
            "user_id", flat=True
        )
    )
    notify(
        NoticeKind.LOW_ENROLMENT,
        activity_id=activity.pk,
        subject_ids=sorted(organizers | {activity.created_by_id}),
        event=f"low:{activity.pk}",
    )
    return True


# --- Registration --------------------------------------------------------------------------------


def _take_seat(activity_id: int, *, online: bool) -> bool:
    """Take one seat with a single conditional UPDATE; False when none is open to the channel."""
    seats = Activity.objects.filter(pk=activity_id, seats_taken__lt=F("capacity"))
    if online:
        seats = seats.filter(seats_taken_online__lt=F("capacity") - F("reserved_offline"))
        return seats.update(seats_taken=F("seats_taken") + 1, seats_taken_online=F("seats_taken_online") + 1) == 1
    return seats.update(seats_taken=F("seats_taken") + 1) == 1


def _release_seat(activity_id: int, *, online: bool) -> None:
    changes = {"seats_taken": F("seats_taken") - 1}
    if online:
        changes["seats_taken_online"] = F("seats_taken_online") - 1
    Activity.objects.filter(pk=activity_id).update(**changes)


def _next_waitlist_position(activity_id: int) -> int:
    Activity.objects.filter(pk=activity_id).update(waitlist_last_position=F("waitlist_last_position") + 1)
    return Activity.objects.values_list("waitlist_last_position", flat=True).get(pk=activity_id)


def _unguarded_seat_check(activity: Activity) -> bool:
    """The race the concurrency suite's control run must be able to see (see RaceWindowForTests)."""
    held = Registration.objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED).count()
    time.sleep(RaceWindowForTests.pause_seconds)
    return held < activity.capacity


def _age_in(year: int, learner: User) -> int | None:
    return None if learner.birth_year is None else year - learner.birth_year


def eligibility_problem(activity: Activity, learner: User) -> InvalidInput | None:
    """Why `learner` may not join `activity` (age range, residence), or None."""
    if activity.min_age is not None or activity.max_age is not None:
        first = activity.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
        age = _age_in((first or timezone.now()).year, learner)
        if age is None:
            return InvalidInput(
                _("This activity has an age limit; the learner's birth year is missing."), code="birth_year_unknown"
            )
        if (activity.min_age is not None and age < activity.min_age) or (
            activity.max_age is not None and age > activity.max_age
        ):
            return InvalidInput(_("The learner's age is outside this activity's age range."), code="ineligible_age")
    if activity.residents_of_id is not None:
        home: Region | None = learner.home_region
        if home is None or not activity.residents_of.contains(home):
            return InvalidInput(
                _("This activity is only for residents of %(region)s.")
                % {"region": activity.residents_of.display_name},
                code="ineligible_residence",
            )
        return _residence_unconfirmed(learner, home)
    return None


def _residence_unconfirmed(learner: User, home: Region) -> InvalidInput | None:
    """A relative a family member added counts as a resident once village staff confirmed
    their home (lifelong.accounts.residence); the words tell the family whom to ask."""
    status = learner.residence_status
    if status in ("not_needed", "confirmed"):
        return None
    values = {"name": learner.name, "village": home.display_name}
    if status == "declined":
        text = _(
            "Village staff could not confirm that %(name)s lives in %(village)s, so activities for its residents "
            "do not accept them. If they do live there, please ask the teaching point of %(village)s (village staff) "
            "to confirm it."
        )
    else:
        text = _(
            "Village staff have not yet confirmed that %(name)s lives in %(village)s. Please ask the teaching point "
            "of %(village)s (village staff) to confirm it, then register again."
        )
    return InvalidInput(text % values, code="residence_unconfirmed")


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
    if learner.managed_by_id == actor.pk:
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
    channel = _channel_for(actor, learner, current, channel, desk_phone)
    # A relative registered by the family member who manages them: proxy on the record (who
    # did it), online seats only (the reserve is for the people staff serve), and the family's
    # registrations together under a campaign's cap. Same test, same order as _channel_for.
    by_family = actor.pk != learner.pk and learner.managed_by_id == actor.pk
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

    if current.requires_approval:
        registration.status = RegistrationStatus.PENDING
    elif RaceWindowForTests.unguarded:
        registration.status = (
            RegistrationStatus.CONFIRMED if _unguarded_seat_check(current) else RegistrationStatus.WAITLISTED
        )
        if registration.status == RegistrationStatus.WAITLISTED:
            registration.waitlist_position = _next_waitlist_position(current.pk)
            registration.was_waitlisted = True
    else:
        _place(registration, current)
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


def _tell_placement(registration: Registration) -> None:
    kind = {
        RegistrationStatus.CONFIRMED: NoticeKind.REGISTRATION_CONFIRMED,
        RegistrationStatus.PENDING: NoticeKind.REGISTRATION_PENDING,
        RegistrationStatus.WAITLISTED: NoticeKind.WAITLISTED,
    }[registration.status]
    notify(
        kind,
        activity_id=registration.activity_id,
        subject_ids=[registration.learner_id],
        event=f"{kind}:{registration.pk}",
        position=waitlist_place(registration) or "",  # the place in the queue now, not the ticket
    )


def _looks_full(activity: Activity, registration: Registration) -> bool:
    return (activity.online_seats_left if registration.counts_online else activity.seats_left) <= 0


def _check_campaign_cap(activity: Activity, learner: User, *, family_member: User | None = None) -> None:
    """At most `registration_cap` active registrations in a campaign's programme (proposals
    not yet accepted are outside it).

    Counted per learner, except when `family_member` registers a relative they manage: then
    the family's registrations are counted together, the family member's own and those of
    every relative they manage (whoever made them), and that total must stay under the cap.
    A family member may add relatives of their own making, so counting each relative alone
    would let one person hold the cap once per invented relative; counted together, what one
    account can hold through its relatives is one cap's worth. The family member's own
    registration is counted like anyone's (their own registrations only): what staff or the
    relatives themselves register does not stop them learning, and staff registering a
    relative count that relative's registrations only, as for any villager.

    The rows counted over are locked first (the learner's; for a family, the family member's
    and the relative's, in id order so that no two requests wait on each other in a circle),
    so parallel requests for one learner or one family are counted one after the other, while
    other learners are not held up."""
    in_programme = activity.campaign_id and activity.campaign_status == CampaignStatus.ACCEPTED
    cap = activity.campaign.registration_cap if in_programme else None
    if cap is None:
        return
    locked = [learner.pk] if family_member is None else sorted({family_member.pk, learner.pk})
    list(User.objects.select_for_update().filter(pk__in=locked).order_by("pk").values_list("pk", flat=True))
    if family_member is None:
        whose = Q(learner=learner)
    else:
        whose = Q(learner=family_member) | Q(learner__managed_by=family_member)
    held = Registration.objects.filter(
        whose,
        activity__campaign_id=activity.campaign_id,
        activity__campaign_status=CampaignStatus.ACCEPTED,
        status__in=ACTIVE_STATUSES,
    ).count()
    if held >= cap:
        if family_member is not None:
            raise Conflict(
                _(
                    "Your family already holds %(n)d registrations in this campaign (yours and your relatives'), "
                    "the most allowed."
                )
                % {"n": cap},
                code="campaign_cap",
            )
        raise Conflict(
            _("The learner already holds %(n)d registrations in this campaign, the most allowed.") % {"n": cap},
            code="campaign_cap",
        )


def _place(registration: Registration, activity: Activity) -> None:
    """Give the registration a seat, or a place on the waitlist, or refuse with `full`."""
    if _take_seat(activity.pk, online=registration.counts_online):
        registration.status = RegistrationStatus.CONFIRMED
    elif activity.waitlist:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlist_position = _next_waitlist_position(activity.pk)
        registration.was_waitlisted = True
    else:
        raise Conflict(_("This activity is full."), code="full")


def _promote_from_waitlist(activity: Activity, *, now: datetime) -> Registration | None:
    """Hand a freed seat to the first waitlisted learner whose channel may take it: confirmed
    at once when the activity gives no time to accept, otherwise offered until a deadline."""
    queue = Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).order_by(
        "waitlist_position"
    )
    if connection.features.has_select_for_update_skip_locked:
        # Two cancellations at once must not promote the same learner twice.
        queue = queue.select_for_update(skip_locked=True)
    for candidate in queue[:PROMOTION_SCAN]:
        if not _take_seat(activity.pk, online=candidate.counts_online):
            if candidate.counts_online:
                continue  # only an offline-reserved seat is free; someone further down may take it
            return None
        candidate.waitlist_position = None
        if activity.offer_hours == 0:
            candidate.status = RegistrationStatus.CONFIRMED
            candidate.save(update_fields=["status", "waitlist_position", "updated_at"])
            notify(
                NoticeKind.PROMOTED,
                activity_id=activity.pk,
                subject_ids=[candidate.learner_id],
                event=f"promoted:{candidate.pk}",
            )
        else:
            candidate.status = RegistrationStatus.OFFERED
            candidate.offer_expires_at = now + timedelta(hours=activity.offer_hours)
            candidate.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
            _schedule_offer_expiry(candidate)
            notify(
                NoticeKind.SEAT_OFFERED,
                activity_id=activity.pk,
                subject_ids=[candidate.learner_id],
                event=f"offered:{candidate.pk}",
                deadline=format_date(timezone.localtime(candidate.offer_expires_at), "Y-m-d H:i"),
            )
        return candidate
    return None


def _schedule_offer_expiry(registration: Registration) -> None:
    from .tasks import waitlist_offer_expire  # the task calls back into this module

    registration_id, run_after = registration.pk, registration.offer_expires_at
    transaction.on_commit(lambda: waitlist_offer_expire.using(run_after=run_after).enqueue(registration_id))


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
        _promote_from_waitlist(registration.activity, now=now)


@transaction.atomic
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
        NoticeKind.REGISTRATION_CANCELLED,
        activity_id=current.activity_id,
        subject_ids=[current.learner_id],
        event=f"reg_cancelled:{current.pk}",
        by=who,
        was=was_waiting,
    )
    return current


@transaction.atomic
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
def waitlist_offer_lapse(*, registration_id: int, now: datetime | None = None) -> Registration | None:
    """An offer not accepted in time: the seat passes to the next in line. Safe to run twice
    or early (it then does nothing)."""
    now = now or timezone.now()
    current = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity")
        .filter(pk=registration_id, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .first()
    )
    if current is None:
        return None
    current.status = RegistrationStatus.CANCELLED
    current.offer_expires_at = None
    current.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _release_seat(current.activity_id, online=current.counts_online)
    notify(
        NoticeKind.OFFER_LAPSED,
        activity_id=current.activity_id,
        subject_ids=[current.learner_id],
        event=f"offer_lapsed:{current.pk}",
    )
    return _promote_from_waitlist(current.activity, now=now)


@transaction.atomic
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
        NoticeKind.REGISTRATION_REJECTED,
        activity_id=current.activity_id,
        subject_ids=[current.learner_id],
        event=f"rejected:{current.pk}",
    )
    return current


# Edits after creation live in their own module (this one is long enough). They are part of the
# same service layer, so callers keep reaching them here; looked up on use, because `editing`
# builds on this module and either may be imported first.
EDITING_SERVICES = ("activity_update", "activity_copy", "session_update")


def __getattr__(name: str) -> Any:
    if name in EDITING_SERVICES:
        from . import editing

        return getattr(editing, name)
    raise AttributeError(name)
