"""Reads for activities: the public catalogue, one activity, rosters and a learner's own list."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.accounts.phone import normalize_phone
from lifelong.common.errors import InvalidInput
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

from .choices import ActivityStatus, CampaignStatus, RegistrationStatus
from .models import Activity, Registration, Session
from .policy import manageable_institutions, may_manage_activities_of

if TYPE_CHECKING:  # campaigns sits above activities: for type hints only
    from lifelong.campaigns.models import Campaign


def _with_listing_data(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("institution__region", "campaign").annotate(starts_at=Min("sessions__starts_at"))


# The catalogue's two lists: activities still to come (some session has not ended yet) and
# those that are over. `?when=` on the catalogue page and the API.
WHEN_COMING = "coming"
WHEN_PAST = "past"


def sessions_not_ended(*, now: datetime) -> QuerySet[Session]:
    """The sessions of the outer activity that have not ended at `now`: an activity is
    *coming* while one exists (a course whose first week is over is still coming)."""
    return Session.objects.filter(activity=OuterRef("pk"), ends_at__gt=now)


def with_card_data(activities: QuerySet[Activity], *, now: datetime | None = None) -> QuerySet[Activity]:
    """What an activity card (activities/_card.html) shows, in the list's one query: the
    cover, the venue and its town, the number of sessions, and three times — `starts_at` (the first session),
    `next_starts_at` (the first session not yet ended; None once the activity is over) and
    `last_ends_at`. The catalogue and the home page (through activity_catalogue) use it; a
    list elsewhere that shows activities/_card.html must use it too, or each card queries."""
    now = now or timezone.now()
    return activities.select_related(
        "institution__region__parent", "campaign", "cover", "venue__institution__region__parent"
    ).annotate(
        starts_at=Min("sessions__starts_at"),
        next_starts_at=Min("sessions__starts_at", filter=Q(sessions__ends_at__gt=now)),
        last_ends_at=Max("sessions__ends_at"),
        session_count=Count("sessions", distinct=True),
    )


def activity_catalogue(
    *,
    q: str = "",
    region: Region | None = None,
    category: str | None = None,
    audience: str | None = None,
    available: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    near: Region | None = None,
    campaign: "Campaign | None" = None,
    when: str = WHEN_COMING,
    now: datetime | None = None,
) -> QuerySet[Activity]:
    """Published activities. By default those still to come, soonest first (by the next
    session that has not ended); `when="past"` gives the ones that are over, the latest
    first. `q` matches titles and summaries as a substring, so short Chinese words such as
    太极 or 读书 work. An activity is *at* its venue's place (the organizer's when no venue is
    set): `region` keeps that place's subtree, and `near` (a learner's home village) puts
    activities in that village first, then its town, then the rest of the county.
    `date_from`/`date_to` keep activities with a session on those days (county time);
    `available` keeps only what a learner can register for online right now: still to come,
    inside the registration window, and with a seat open to online registration."""
    now = now or timezone.now()
    activities = Activity.objects.filter(status=ActivityStatus.PUBLISHED).annotate(
        place_path=Coalesce("venue__institution__region__path", "institution__region__path")
    )
    coming = Exists(sessions_not_ended(now=now))
    activities = activities.filter(~coming if when == WHEN_PAST else coming)
    if q:
        activities = activities.filter(Q(title__icontains=q) | Q(title_en__icontains=q) | Q(summary__icontains=q))
    if region is not None:
        activities = activities.filter(place_path__startswith=region.path)
    if category:
        activities = activities.filter(category=category)
    if campaign is not None:
        activities = activities.filter(campaign=campaign, campaign_status=CampaignStatus.ACCEPTED)
    if audience:
        activities = activities.filter(audiences__contains=f",{audience},")
    if available:
        # The same seats registration_create would give an online learner (seats._take_seat).
        activities = activities.filter(
            coming,
            registration_opens__lte=now,
            registration_closes__gt=now,
            seats_taken__lt=F("capacity"),
            seats_taken_online__lt=F("capacity") - F("reserved_offline"),
        )
    if date_from or date_to:
        activities = activities.filter(Exists(_sessions_on(date_from, date_to)))
    if when == WHEN_PAST:
        return with_card_data(activities, now=now).order_by(F("last_ends_at").desc(nulls_last=True), "-id")
    order = ["next_starts_at", "id"]
    if near is not None:
        activities = activities.annotate(distance=_distance_from(near))
        order = ["distance", *order]
    return with_card_data(activities, now=now).order_by(*order)


def _sessions_on(date_from: date | None, date_to: date | None) -> QuerySet[Session]:
    """The catalogue row's sessions held on the days from `date_from` to `date_to` (county time)."""
    sessions = Session.objects.filter(activity=OuterRef("pk"))
    if date_from:
        sessions = sessions.filter(ends_at__gte=_day_start(date_from))
    if date_to:
        sessions = sessions.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    return sessions


def _distance_from(near: Region) -> Case:
    """0 for an activity in `near` (a learner's home village), 1 in its town, 2 elsewhere."""
    town_path = near.path if near.parent_id is None else near.path.rsplit("/", 2)[0] + "/"
    return Case(
        When(place_path__startswith=near.path, then=Value(0)),
        When(place_path__startswith=town_path, then=Value(1)),
        default=Value(2),
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def manageable_institution_ids(actor: User) -> QuerySet[Institution]:
    """Institutions whose activities the actor may manage: their own, and those in their subtree
    (`activities.policy.manages_q`), as a subquery of ids."""
    return manageable_institutions(actor).values("pk")


def activity_visible(*, actor: User | None, activity_id: int) -> Activity | None:
    """A published activity, or any activity the actor manages (drafts included), with what
    its page shows: cover, venue with address and town, eligibility rules, sessions with
    their venues."""
    visible = Q(status=ActivityStatus.PUBLISHED)
    if actor is not None and actor.is_authenticated:
        visible |= Q(institution_id__in=manageable_institution_ids(actor))
    sessions = Prefetch(
        "sessions",
        queryset=Session.objects.select_related("venue__institution__region__parent").order_by("starts_at", "id"),
    )
    return (
        _with_listing_data(Activity.objects.filter(visible, pk=activity_id))
        .select_related(
            "programme",
            "team",
            "cover",
            "residents_of__parent",
            "institution__region__parent",
            "venue__institution__region__parent",
        )
        .prefetch_related(sessions)
        .first()
    )


def next_session_for(*, learner: User, now: datetime | None = None) -> Session | None:
    """The learner's next session that has not ended, of an activity they hold a seat for:
    what the home page greets them with."""
    now = now or timezone.now()
    return (
        Session.objects.filter(
            ends_at__gt=now,
            activity__status=ActivityStatus.PUBLISHED,
            activity__registrations__learner=learner,
            activity__registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED],
        )
        .select_related("activity", "venue__institution__region__parent")
        .order_by("starts_at", "id")
        .first()
    )


def activity_managed(*, actor: User, activity_id: int) -> Activity | None:
    return (
        policy.restrict(actor, policy.Action.CHANGE, Activity.objects.filter(pk=activity_id))
        .select_related("institution__region", "campaign")
        .first()
    )


def roster(*, actor: User, activity: Activity) -> QuerySet[Registration]:
    """Registrations of an activity the actor manages, waitlist in FIFO order after the rest
    (each waitlisted one with its place in the queue now, `waitlist_place`)."""
    return with_waitlist_place(
        Registration.objects.filter(activity=activity)
        .select_related("learner__home_region__parent")
        .order_by(F("waitlist_position").asc(nulls_first=True), "created_at", "id")
    )


def roster_counts(*, activity: Activity) -> dict[str, int]:
    """How many of an activity's registrations are in each state (one query), for the manage
    page's overview; states nobody is in count 0."""
    counts = {status: 0 for status in RegistrationStatus.values}
    rows = Registration.objects.filter(activity=activity).values("status").annotate(n=Count("id")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def approval_queue(*, activity: Activity, limit: int = 200) -> QuerySet[Registration]:
    """Registrations of an activity waiting for the organizer's approval, oldest first (the
    caller has checked that the actor manages the activity)."""
    return (
        Registration.objects.filter(activity=activity, status=RegistrationStatus.PENDING)
        .select_related("learner__home_region")
        .order_by("created_at", "id")[:limit]
    )


def registration_for_actor(*, actor: User, registration_id: int) -> Registration | None:
    """A registration the actor may act on: their own or a managed relative's, or one on an
    activity they manage, or of a learner whose home is in their admin scope."""
    mine = Q(learner=actor) | Q(learner__managed_by=actor)
    staff = Q(activity__institution_id__in=manageable_institution_ids(actor)) | Q(
        learner__in=policy.restrict(actor, policy.Action.VIEW, User.objects.all()).values("pk")
    )
    return (
        Registration.objects.filter(mine | staff, pk=registration_id)
        .select_related("activity__institution__region", "learner__home_region")
        .first()
    )


def my_registrations(*, actor: User) -> QuerySet[Registration]:
    """The actor's and their managed relatives' registrations, newest first, each waitlisted
    one with its place in the queue now (`waitlist_place`)."""
    return with_waitlist_place(
        Registration.objects.filter(Q(learner=actor) | Q(learner__managed_by=actor))
        .select_related("activity", "learner")
        .order_by("-created_at", "-id")
    )


MY_REGISTRATIONS_SHOWN = 50


def my_registrations_with_times(*, actor: User, now: datetime | None = None) -> tuple[list, list]:
    """The /me/ page's registrations (the actor's and their relatives', cancelled and rejected
    ones left out) split into those still to come and those whose sessions are all over.
    Each carries `next_starts_at` (its next session not yet ended) and `last_starts_at` (its
    last session), read by two subqueries in the same single query: a date block per card
    without a query per card."""
    now = now or timezone.now()
    sessions = Session.objects.filter(activity_id=OuterRef("activity_id")).order_by()
    registrations = (
        my_registrations(actor=actor)
        .exclude(status__in=["cancelled", "rejected"])
        .annotate(
            next_starts_at=Subquery(sessions.filter(ends_at__gt=now).order_by("starts_at").values("starts_at")[:1]),
            last_starts_at=Subquery(sessions.order_by("-starts_at").values("starts_at")[:1]),
        )
    )[:MY_REGISTRATIONS_SHOWN]
    coming, past = [], []
    for registration in registrations:
        (coming if registration.next_starts_at else past).append(registration)
    # Soonest first for what is coming; the newest first for what is over.
    coming.sort(key=lambda r: r.next_starts_at)
    past.sort(key=lambda r: r.last_starts_at or r.created_at, reverse=True)
    return coming, past


def activities_managed(*, actor: User, status: str | None = None) -> QuerySet[Activity]:
    """The console list: activities of institutions the actor manages, and, for admins,
    activities submitted for approval anywhere in their subtree."""
    activities = policy.restrict(actor, policy.Action.CHANGE, Activity.objects.all())
    if status:
        activities = activities.filter(status=status)
    return _with_listing_data(activities).order_by("-created_at", "-id")


def awaiting_approval(*, actor: User) -> QuerySet[Activity]:
    """Submitted activities an admin whose subtree covers the organizer may publish or reject."""
    if not policy.is_admin(actor):
        return Activity.objects.none()
    covered = policy.restrict(actor, policy.Action.CHANGE, Institution.objects.all()).values("pk")
    return _with_listing_data(
        Activity.objects.filter(status=ActivityStatus.SUBMITTED, institution_id__in=covered)
    ).order_by("created_at", "id")


def waiting_counts(activity_ids: Iterable[int]) -> dict[int, int]:
    """Per activity, how many people are on its waitlist or offered a seat now, whenever they
    registered: the people a new session would seat first. Activities nobody waits for are left
    out. One query."""
    return dict(
        Registration.objects.filter(
            activity_id__in=list(activity_ids),
            status__in=[RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED],
        )
        .values_list("activity_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def still_waiting(*, actor: User, activities: Iterable[Activity]) -> dict[int, int]:
    """The unmet demand of an organizer's own activities, for the console's activity list and
    page (the dashboard's unmet-demand page is for admins only): `waiting_counts` of the
    activities the actor manages (its institution's organizers and instructors, admins over it:
    the copy's own permission); the others are left out. One query, whatever the number of
    activities (their institution and its region already loaded)."""
    managed = [a.pk for a in activities if may_manage_activities_of(actor, a.institution)]
    return waiting_counts(managed) if managed else {}


def session_public(*, session_id: int) -> Session | None:
    return (
        Session.objects.filter(pk=session_id, activity__status=ActivityStatus.PUBLISHED)
        .select_related("activity", "venue")
        .first()
    )


def session_managed(*, actor: User, session_id: int) -> Session | None:
    return (
        Session.objects.filter(pk=session_id, activity__institution_id__in=manageable_institution_ids(actor))
        .select_related("activity__institution__region", "venue", "activity__venue")
        .first()
    )


def checked_in_learner_ids(*, session: Session) -> set[int]:
    return set(session.attendances.values_list("learner_id", flat=True))


def sign_in_sheet(*, session: Session) -> QuerySet[Registration]:
    """Everyone confirmed for the session's activity, in name order for a paper sheet."""
    return (
        Registration.objects.filter(activity_id=session.activity_id, status="confirmed")
        .select_related("learner__home_region__parent")
        .order_by("learner__home_region__path", "learner__name", "id")
    )


def learner_lookup(*, actor: User, query: str) -> tuple[list[User], str | None]:
    """Learners staff may register at the desk, and the full mobile number when that is what
    was typed. A name searches only the actor's admin scope; a full number finds anyone (the
    person is standing there and said it), and the page then shows only a masked name."""
    try:
        phone = normalize_phone(query)
    except InvalidInput:
        phone = None
    if phone:
        found = User.objects.filter(phone=phone, is_active=True)
    else:
        found = policy.restrict(actor, policy.Action.VIEW, User.objects.all()).filter(name__icontains=query.strip())
    return list(found.select_related("home_region__parent").order_by("name", "id")[:20]), phone


# --- Waitlist places ------------------------------------------------------------------------------
# `Registration.waitlist_position` is the FIFO ticket handed out when someone joins the
# waitlist: it orders the queue and never changes, so after people ahead are promoted or leave
# it reads 3 for someone who is now second. Learners are shown their place in the queue now.


def with_waitlist_place(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate `waitlist_place` on each registration: for a waitlisted one, its place in the
    queue now (1 = the next to be offered a seat), that is how many of the activity's waitlisted
    registrations hold a lower ticket, plus one; None otherwise. One correlated count per row in
    the same query (the queue index covers it), so a list pays no extra query."""
    ahead = (
        Registration.objects.filter(
            activity_id=OuterRef("activity_id"),
            status=RegistrationStatus.WAITLISTED,
            waitlist_position__lt=OuterRef("waitlist_position"),
        )
        .order_by()
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.annotate(
        waitlist_place=Case(
            When(
                status=RegistrationStatus.WAITLISTED,
                waitlist_position__isnull=False,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + Value(1),
            ),
            default=Value(None),
            output_field=IntegerField(),
        )
    )


def waitlist_place(registration: Registration) -> int | None:
    """The registration's place in its activity's waitlist now (1, 2, 3 …), or None when it is
    not waiting. Uses the `with_waitlist_place` annotation when the registration has it, else
    counts (one query, only for a waitlisted registration)."""
    if "waitlist_place" in registration.__dict__:
        return registration.__dict__["waitlist_place"]
    if registration.status != RegistrationStatus.WAITLISTED or registration.waitlist_position is None:
        return None
    ahead = Registration.objects.filter(
        activity_id=registration.activity_id,
        status=RegistrationStatus.WAITLISTED,
        waitlist_position__lt=registration.waitlist_position,
    ).count()
    return ahead + 1
