"""Who manages an activity (the scope rule registered for Activity with
`lifelong.accounts.policy` from this app's `AppConfig.ready()`).

The one rule: the organizers and instructors of the activity's institution, and the admins
whose subtree covers that institution, manage its activities (edit, roster, sessions, desk,
check-in). `manages_q` writes it as a query; `may_manage_activities_of` is the same two parts
read from the actor's cached grants, so a single check costs no query.
"""

from django.db.models import Q, QuerySet

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.accounts.policy import Action
from lifelong.institutions.models import Institution


def manages_q(actor: User | None, institution: str = "") -> Q:
    """The institutions whose activities the actor manages, as a query on the institution at
    `institution` (a lookup prefix ending in "__", or "" for Institution itself): their own
    (`own_institution_ids`) and those in their admin subtree (`subtree_q`, true of every row
    for a superuser)."""
    return Q(**{f"{institution}pk__in": policy.own_institution_ids(actor)}) | policy.subtree_q(
        actor, f"{institution}region__path"
    )


def activity_scope(actor: User | None, action: Action) -> Q:
    """Activities the actor manages, whatever the action (the public see published ones
    through the catalogue's own selectors)."""
    return manages_q(actor, "institution__")


def manageable_institutions(actor: User | None) -> QuerySet[Institution]:
    """The institutions whose activities the actor manages (`manages_q`)."""
    return Institution.objects.filter(manages_q(actor))


def may_manage_activities_of(actor: User | None, institution: Institution) -> bool:
    """`manages_q` for one institution: organizers and instructors of the institution, and
    admins whose subtree covers it."""
    return institution.pk in policy.own_institution_ids(actor) or policy.covers(actor, institution.region)
