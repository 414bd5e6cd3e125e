"""Activities' part in merging two records of one person (see `lifelong.accounts.merging`)."""

from lifelong.accounts.merging import CREDENTIAL, Merge, MergeStep

from .choices import ACTIVE_STATUSES
from .models import Registration
from .services import registration_retire

# Stronger registrations win a clash; a waitlisted one nearer the front beats one further back.
REGISTRATION_STRENGTH = {"confirmed": 4, "offered": 3, "waitlisted": 2, "pending": 1}


def _is_stronger_registration(a: Registration, b: Registration) -> bool:
    rank_a, rank_b = REGISTRATION_STRENGTH.get(a.status, 0), REGISTRATION_STRENGTH.get(b.status, 0)
    if rank_a != rank_b:
        return rank_a > rank_b
    if a.waitlist_position is not None and b.waitlist_position is not None:
        return a.waitlist_position < b.waitlist_position
    return (a.created_at, a.pk) < (b.created_at, b.pk)


class RegistrationsMergeStep(MergeStep):
    link_rules = {
        # The secret address of a calendar feed: the kept record has (or makes) its own.
        "activities.calendarfeed.user": CREDENTIAL,
    }

    def settle(self, merge: Merge) -> dict[str, int]:
        """Where both records hold an active registration for one activity, cancel the weaker
        (freeing its seat for the waitlist, as a cancellation does) so both can sit on `keep`.
        The learner is not told: they keep the stronger one."""
        active = (
            Registration.objects.select_for_update(of=("self",))
            .filter(status__in=ACTIVE_STATUSES)
            .select_related("activity")
        )
        theirs = {r.activity_id: r for r in active.filter(learner=merge.remove)}
        if not theirs:
            return {}
        retired = 0
        for ours in active.filter(learner=merge.keep, activity_id__in=list(theirs)).order_by("activity_id"):
            other = theirs[ours.activity_id]
            loser = other if _is_stronger_registration(ours, other) else ours
            registration_retire(registration=loser, now=merge.now)
            retired += 1
        return {"activities.registration.learner": retired}
