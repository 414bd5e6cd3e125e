"""Who may publish learning resources, and for which institutions (the scope rule registered
with `lifelong.accounts.policy` from this app's `AppConfig.ready()`)."""

from django.db.models import Q, QuerySet

from lifelong.accounts import policy
from lifelong.accounts.choices import Role
from lifelong.accounts.models import User
from lifelong.accounts.policy import Action
from lifelong.institutions.models import Institution


def _publishers_q(actor: User | None, institution: str) -> Q:
    """`may_share_resources_of` as a query on the institution at `institution` (a lookup
    prefix ending in "__", or "" for Institution itself)."""
    return (
        policy.subtree_q(actor, f"{institution}region__path")
        | Q(**{f"{institution}pk__in": policy.own_institution_ids(actor)})
        | policy.role_subtree_q(actor, Role.EDITOR, f"{institution}region__path")
    )


def resource_scope(actor: User | None, action: Action) -> Q:
    """The same people as `may_share_resources_of`, for both seeing and changing (the public
    library is a selector of its own)."""
    return _publishers_q(actor, "institution__")


def may_share_resources_of(actor: User | None, institution: Institution) -> bool:
    """May the actor publish learning resources for the institution? Its organizers and
    instructors, editors of a region covering it, and admins whose subtree covers it."""
    if institution.pk in policy.own_institution_ids(actor) or policy.covers(actor, institution.region):
        return True
    return policy.holds_role_over(actor, Role.EDITOR, institution.region)


def resource_publishing_institutions(actor: User | None) -> QuerySet[Institution]:
    """The institutions `may_share_resources_of` allows, as a query (form choices, scope)."""
    return Institution.objects.filter(_publishers_q(actor, ""))
