"""Community's part in merging two records of one person (see `lifelong.accounts.merging`)."""

from lifelong.accounts.merging import Merge, MergeStep

from .choices import ACTIVE_MEMBERSHIP_STATUSES, MembershipStatus
from .models import TeamMembership

MEMBERSHIP_STRENGTH = {"member": 2, "requested": 1}


class MembershipsMergeStep(MergeStep):
    def settle(self, merge: Merge) -> dict[str, int]:
        """Where both records are in one team (or asked to join), end the weaker membership."""
        active = TeamMembership.objects.select_for_update().filter(status__in=ACTIVE_MEMBERSHIP_STATUSES)
        theirs = {m.team_id: m for m in active.filter(user=merge.remove)}
        retired = 0
        for ours in active.filter(user=merge.keep, team_id__in=list(theirs)).order_by("team_id"):
            other = theirs[ours.team_id]
            if MEMBERSHIP_STRENGTH[ours.status] != MEMBERSHIP_STRENGTH[other.status]:
                loser = other if MEMBERSHIP_STRENGTH[ours.status] > MEMBERSHIP_STRENGTH[other.status] else ours
            else:
                loser = other if (ours.requested_at, ours.pk) <= (other.requested_at, other.pk) else ours
            loser.status = MembershipStatus.LEFT
            loser.decided_at = merge.now
            loser.save(update_fields=["status", "decided_at"])
            retired += 1
        return {"community.teammembership.user": retired}
