"""Who may see and correct learning records, certificates and record imports (the scope rules
registered with `lifelong.accounts.policy` from this app's `AppConfig.ready()`)."""

from django.db.models import Q

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.accounts.policy import Action
from lifelong.activities.policy import may_manage_activities_of

from .models import Certificate, LearningRecord


def learning_record_scope(actor: User | None, action: Action) -> Q:
    """Admins over the learner's home."""
    return policy.subtree_q(actor, "learner__home_region__path")


def certificate_scope(actor: User | None, action: Action) -> Q:
    """Admins over the institution that ran the activity, or over the holder's home."""
    return policy.subtree_q(actor, "activity__institution__region__path") | policy.subtree_q(
        actor, "learner__home_region__path"
    )


def record_import_scope(actor: User | None, action: Action) -> Q:
    """Admins over the region the import was made for."""
    return policy.subtree_q(actor, "region__path")


def may_administer_certificate(actor: User, certificate: Certificate) -> bool:
    """May the actor revoke (or otherwise act on) the certificate? `certificate_scope`."""
    return policy.can(actor, Action.CHANGE, certificate)


def may_correct(actor: User, record: LearningRecord) -> bool:
    """The activity's staff, or an admin over the learner's home, may correct an entry."""
    if record.activity_id and may_manage_activities_of(actor, record.activity.institution):
        return True
    return policy.covers(actor, record.learner.home_region)
