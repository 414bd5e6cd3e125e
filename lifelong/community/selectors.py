"""Reads for brand programmes and learning teams: public lists and pages, and the console's
scoped lists (what their activities achieved: lifelong.community.records). Personal data (who
is in a team) only through `team_members`."""

from django.db.models import Count, Q, QuerySet

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.regions.models import Region
from lifelong.regions.selectors import over_or_under_q

from .choices import ACTIVE_MEMBERSHIP_STATUSES, MembershipStatus
from .models import Programme, Team, TeamMembership
from .policy import may_see_members

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


def programme_staff_list(*, actor: User) -> QuerySet[Programme]:
    """The console list: programmes whose town lies in the actor's admin subtree."""
    return policy.restrict(actor, policy.Action.CHANGE, Programme.objects.all()).select_related("town", "institution")


def programme_managed(*, actor: User, programme_id: int) -> Programme | None:
    return programme_staff_list(actor=actor).filter(pk=programme_id).first()


def _anchor_paths(actor: User) -> list[str]:
    """Where the actor runs activities: their admin regions and their own institutions' regions."""
    return [g.scope_region.path for g in policy.grants(actor)]


def programmes_for_activity_form(*, actor: User, managed_institutions: QuerySet) -> QuerySet[Programme]:
    """Programmes an activity form offers the actor: those whose town contains, or lies in,
    a place where the actor runs activities, and those run by an institution the actor
    manages (`managed_institutions`, a subquery of their ids, as the activities app counts
    them). The service checks the exact rule against the chosen institution."""
    programmes = Programme.objects.select_related("town").order_by("town__path", "name")
    if policy.is_superuser(actor):
        return programmes
    query = Q(institution_id__in=managed_institutions)
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
