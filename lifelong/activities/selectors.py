"""Reads for activities: the public catalogue, one activity, rosters and a learner's own list."""

from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
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
from lifelong.campaigns.models import Campaign
from lifelong.common.errors import InvalidInput
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

from .choices import ActivityStatus, CampaignStatus, RegistrationStatus
from .models import Activity, Registration, Session


def _with_listing_data(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("institution__region", "campaign").annotate(starts_at=Min("sessions__starts_at"))


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
    campaign: Campaign | None = None,
) -> QuerySet[Activity]:
    """Published activities, soonest first. `q` matches titles and summaries as a substring,
    so short Chinese words such as 太极 or 读书 work. An activity is *at* its venue's place
    (the organizer's when no venue is set): `region` keeps that place's subtree, and `near`
    (a learner's home village) puts activities in that village first, then its town.
    `date_from`/`date_to` keep activities with a session on those days (county time);
    `available` keeps only activities with seats left."""
    activities = Activity.objects.filter(status=ActivityStatus.PUBLISHED).annotate(
        place_path=Coalesce("venue__institution__region__path", "institution__region__path")
    )
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
        activities = activities.filter(seats_taken__lt=F("capacity"))
    if date_from or date_to:
        sessions = Session.objects.filter(activity=OuterRef("pk"))
        if date_from:
            sessions = sessions.filter(ends_at__gte=_day_start(date_from))
        if date_to:
            sessions = sessions.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
        activities = activities.filter(Exists(sessions))
    order = ["starts_at", "id"]
    if near is not None:
        town_path = near.path if near.parent_id is None else near.path.rsplit("/", 2)[0] + "/"
        activities = activities.annotate(
            distance=Case(
                When(place_path__startswith=near.path, then=Value(0)),
                When(place_path__startswith=town_path, then=Value(1)),
                default=Value(2),
            )
        )
        order = ["distance", *order]
    return _with_listing_data(activities).order_by(*order)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def manageable_institution_ids(actor: User) -> QuerySet[Institution]:
    """Institutions whose activities the actor may manage: their own, and those in their subtree."""
    own = [g.institution_id for g in policy.grants(actor) if g.role in ("organizer", "instructor")]
    in_subtree = policy.restrict(actor, policy.Action.CHANGE, Institution.objects.all())
    return Institution.objects.filter(Q(pk__in=own) | Q(pk__in=in_subtree.values("pk"))).values("pk")


def activity_visible(*, actor: User | None, activity_id: int) -> Activity | None:
    """A published activity, or any activity the actor manages (drafts included)."""
    visible = Q(status=ActivityStatus.PUBLISHED)
    if actor is not None and actor.is_authenticated:
        visible |= Q(institution_id__in=manageable_institution_ids(actor))
    sessions = Prefetch("sessions", queryset=Session.objects.select_related("venue").order_by("starts_at"))
    return (
        _with_listing_data(Activity.objects.filter(visible, pk=activity_id))
        .select_related("programme", "team")
        .prefetch_related(sessions)
        .first()
    )


def activity_managed(*, actor: User, activity_id: int) -> Activity | None:
    return (
        Activity.objects.filter(pk=activity_id, institution_id__in=manageable_institution_ids(actor))
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


def activities_managed(*, actor: User, status: str | None = None) -> QuerySet[Activity]:
    """The console list: activities of institutions the actor manages, and, for admins,
    activities submitted for approval anywhere in their subtree."""
    mine = Q(institution_id__in=manageable_institution_ids(actor))
    activities = Activity.objects.filter(mine)
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
