"""Reads for brand programmes and learning teams: public lists and pages, their figures, and
the console's scoped lists. Personal data (who is in a team) only through `team_members`."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.choices import ActivityStatus, RegistrationStatus
from lifelong.activities.models import Activity, Attendance, Registration
from lifelong.activities.selectors import manageable_institution_ids
from lifelong.common.quantities import tenths
from lifelong.passport.models import LearningRecord
from lifelong.regions.models import Region
from lifelong.regions.selectors import over_or_under_q

from .choices import ACTIVE_MEMBERSHIP_STATUSES, MembershipStatus
from .models import Programme, Team, TeamMembership
from .policy import may_see_members

# The activities a programme or team shows and counts: published ones and completed ones.
# Drafts, proposals awaiting approval, rejected and cancelled activities are not its record.
SHOWN_STATUSES = [ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED]


# --- Brand programmes -------------------------------------------------------------------------


def programme_public_list(*, region: Region | None = None, level: str | None = None) -> QuerySet[Programme]:
    """Every brand programme, by town; `region` keeps programmes whose town lies in its subtree."""
    programmes = Programme.objects.select_related("town", "institution", "cover")
    if region is not None:
        programmes = programmes.filter(town__path__startswith=region.path)
    if level:
        programmes = programmes.filter(level=level)
    return programmes.order_by("town__path", "name", "id")


def programme_get(*, slug: str) -> Programme | None:
    return Programme.objects.select_related("town", "institution__region", "cover").filter(slug=slug).first()


def _shown_activities(**owner) -> QuerySet[Activity]:
    return Activity.objects.filter(status__in=SHOWN_STATUSES, **owner)


@dataclass(frozen=True)
class Figures:
    """What a programme's activities achieved, counted from the raw records."""

    activities: int
    people_served: int
    attendance: int
    hours: Decimal


def programme_figures(*, programme: Programme) -> Figures:
    """Four aggregate queries over the programme's published and completed activities:

    - `activities`: how many there are;
    - `people_served`: distinct learners who hold a confirmed registration on one of them or
      were checked in at one of their sessions (a learner who attended and later cancelled
      was still served; a pending, waitlisted, offered, cancelled-unattended or rejected
      registration alone does not count);
    - `attendance`: check-ins at their sessions;
    - `hours`: the sum of the learning-record hours written for them (reversing entries
      included, so a correction lowers it).
    """
    shown = {"status__in": SHOWN_STATUSES}
    confirmed = Registration.objects.filter(
        activity__programme=programme,
        **{f"activity__{k}": v for k, v in shown.items()},
        status=RegistrationStatus.CONFIRMED,
    )
    attendances = Attendance.objects.filter(
        session__activity__programme=programme, **{f"session__activity__{k}": v for k, v in shown.items()}
    )
    # UNION (not UNION ALL) keeps each learner once; the parts must carry no ORDER BY.
    served = confirmed.order_by().values("learner_id").union(attendances.order_by().values("learner_id"))
    hours = LearningRecord.objects.filter(
        activity__programme=programme, **{f"activity__{k}": v for k, v in shown.items()}
    ).aggregate(total=Sum("hours"))["total"]
    return Figures(
        activities=_shown_activities(programme=programme).count(),
        people_served=served.count(),
        attendance=attendances.count(),
        hours=tenths(hours),
    )


def activities_split(activities: QuerySet[Activity]) -> tuple[list[Activity], list[Activity]]:
    """(upcoming, past) in one query, as the catalogue splits them (activities.selectors):
    upcoming ones still have a session not ended, soonest first by that session
    (`next_starts_at`, what their row shows: a course whose first week is over is listed by
    its next one), past ones have all ended (latest first)."""
    now = timezone.now()
    rows = list(
        activities.select_related("institution__region")
        .annotate(
            starts_at=Min("sessions__starts_at"),
            next_starts_at=Min("sessions__starts_at", filter=Q(sessions__ends_at__gt=now)),
            ends_at=Max("sessions__ends_at"),
        )
        .order_by("starts_at", "id")
    )
    upcoming = [a for a in rows if a.next_starts_at is not None]
    upcoming.sort(key=lambda a: (a.next_starts_at, a.pk))
    past = [a for a in rows if a.next_starts_at is None]
    past.sort(key=lambda a: (a.starts_at or now, a.pk), reverse=True)
    return upcoming, past


def programme_activities(*, programme: Programme) -> tuple[list[Activity], list[Activity]]:
    return activities_split(_shown_activities(programme=programme))


def programme_staff_list(*, actor: User) -> QuerySet[Programme]:
    """The console list: programmes whose town lies in the actor's admin subtree."""
    return policy.restrict(actor, policy.Action.CHANGE, Programme.objects.all()).select_related("town", "institution")


def programme_managed(*, actor: User, programme_id: int) -> Programme | None:
    return programme_staff_list(actor=actor).filter(pk=programme_id).first()


def _anchor_paths(actor: User) -> list[str]:
    """Where the actor runs activities: their admin regions and their own institutions' regions."""
    return [g.scope_region.path for g in policy.grants(actor)]


def programmes_for_activity_form(*, actor: User) -> QuerySet[Programme]:
    """Programmes an activity form offers the actor: those whose town contains, or lies in,
    a place where the actor runs activities, and those run by an institution the actor
    manages. The service checks the exact rule against the chosen institution."""
    programmes = Programme.objects.select_related("town").order_by("town__path", "name")
    if policy.is_superuser(actor):
        return programmes
    query = Q(institution_id__in=manageable_institution_ids(actor))
    for path in _anchor_paths(actor):
        query |= over_or_under_q(path, "town__path")
    return programmes.filter(query)


# --- Teams ------------------------------------------------------------------------------------


def _with_member_count(teams: QuerySet[Team]) -> QuerySet[Team]:
    return teams.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.MEMBER), distinct=True)
    )


def team_public_list(*, region: Region | None = None, kind: str | None = None) -> QuerySet[Team]:
    """Active teams, by place; `region` keeps teams in its subtree."""
    teams = Team.objects.filter(is_active=True).select_related("region", "leader")
    if region is not None:
        teams = teams.filter(region__path__startswith=region.path)
    if kind:
        teams = teams.filter(kind=kind)
    return _with_member_count(teams).order_by("region__path", "name", "id")


def team_visible(*, actor: User | None, team_id: int) -> Team | None:
    """An active team, or an inactive one for its leader and the staff in scope."""
    visible = Q(is_active=True)
    if actor is not None and actor.is_authenticated:
        visible |= Q(leader=actor) | Q(pk__in=policy.restrict(actor, policy.Action.VIEW, Team.objects.all()))
    teams = Team.objects.filter(visible, pk=team_id).select_related("region", "institution", "leader")
    return _with_member_count(teams).first()


def team_members(*, actor: User | None, team: Team) -> QuerySet[TeamMembership]:
    """The team's active memberships (members, then requests waiting), or none at all for
    anyone who may not see them."""
    if not may_see_members(actor, team):
        return TeamMembership.objects.none()
    return (
        TeamMembership.objects.filter(team=team, status__in=ACTIVE_MEMBERSHIP_STATUSES)
        .select_related("user")
        .order_by("status", "requested_at", "id")  # members ("member" < "requested"), then requests
    )


def membership_of(*, actor: User | None, team: Team) -> TeamMembership | None:
    """The actor's own active membership or request, if any."""
    if actor is None or not actor.is_authenticated:
        return None
    return TeamMembership.objects.filter(team=team, user=actor, status__in=ACTIVE_MEMBERSHIP_STATUSES).first()


def membership_for_decision(*, actor: User, membership_id: int) -> TeamMembership | None:
    """A membership whose team the actor leads or covers as staff; None (404) otherwise."""
    membership = TeamMembership.objects.select_related("team__region", "user").filter(pk=membership_id).first()
    if membership is None or not may_see_members(actor, membership.team):
        return None
    return membership


def team_activities(*, team: Team) -> tuple[list[Activity], list[Activity]]:
    return activities_split(_shown_activities(team=team))


def team_staff_list(*, actor: User) -> QuerySet[Team]:
    """The console list: teams in the actor's admin subtree, inactive ones included."""
    teams = policy.restrict(actor, policy.Action.CHANGE, Team.objects.all()).select_related("region", "leader")
    return _with_member_count(teams).order_by("region__path", "name", "id")


def team_managed(*, actor: User, team_id: int) -> Team | None:
    return team_staff_list(actor=actor).filter(pk=team_id).first()


def teams_for_activity_form(*, actor: User) -> QuerySet[Team]:
    """Teams an activity form offers the actor: active teams in the subtree of a place where
    the actor runs activities, and the teams the actor leads."""
    teams = Team.objects.filter(is_active=True).select_related("region").order_by("region__path", "name")
    if policy.is_superuser(actor):
        return teams
    query = Q(leader=actor)
    for path in _anchor_paths(actor):
        query |= Q(region__path__startswith=path)
    return teams.filter(query)
