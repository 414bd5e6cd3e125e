"""The activity services' refusal of anyone who does not manage the activity (the rule is
`lifelong.activities.policy`'s)."""

from lifelong.accounts.models import User
from lifelong.common.errors import NotFound

from ..models import Activity
from ..policy import may_manage_activities_of


def _require_manager(actor: User, activity: Activity) -> None:
    if not may_manage_activities_of(actor, activity.institution):
        raise NotFound()
