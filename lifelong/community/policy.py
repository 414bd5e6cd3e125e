"""Who may see and act on brand programmes and teams (the scope rules registered with
`lifelong.accounts.policy` from this app's `AppConfig.ready()`), and who sees a team's members."""

from django.db.models import Q

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.accounts.policy import Action

from .models import Team


def programme_scope(actor: User | None, action: Action) -> Q:
    """Admins whose subtree covers the programme's town."""
    return policy.subtree_q(actor, "town__path")


def team_scope(actor: User | None, action: Action) -> Q:
    """Admins whose subtree covers the team's region."""
    return policy.subtree_q(actor, "region__path")


def may_see_members(actor: User | None, team: Team) -> bool:
    """Who is in a team is personal data: its leader and the staff whose scope covers it see it."""
    if actor is None or not actor.is_authenticated:
        return False
    return team.leader_id == actor.pk or policy.covers(actor, team.region)
