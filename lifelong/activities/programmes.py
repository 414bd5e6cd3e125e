"""The activities a brand programme or a learning team shows on its page (provided to
lifelong.community.records from ActivitiesConfig.ready())."""

from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from lifelong.community.models import Programme, Team
from lifelong.community.records import ActivityLists

from .choices import ActivityStatus
from .models import Activity

# The activities a programme or team shows and counts: published ones and completed ones.
# Drafts, proposals awaiting approval, rejected and cancelled activities are not its record.
SHOWN_STATUSES = [ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED]


def shown_activities(**owner) -> QuerySet[Activity]:
    return Activity.objects.filter(status__in=SHOWN_STATUSES, **owner)


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


def activity_lists(*, programme: Programme | None = None, team: Team | None = None) -> ActivityLists:
    """The (upcoming, past) activities of a programme or of a team."""
    owner = {"programme": programme} if programme is not None else {"team": team}
    return activities_split(shown_activities(**owner))
