"""Who may manage an activity: the one test the activity services (and other apps) share."""

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.errors import NotFound
from lifelong.institutions.models import Institution

from ..models import Activity


def may_manage_activities_of(actor: User, institution: Institution) -> bool:
    """Organizers and instructors of the institution, and admins whose subtree covers it."""
    own = {g.institution_id for g in policy.grants(actor) if g.role in ("organizer", "instructor")}
    return institution.pk in own or policy.covers(actor, institution.region)


def _require_manager(actor: User, activity: Activity) -> None:
    if not may_manage_activities_of(actor, activity.institution):
        raise NotFound()
