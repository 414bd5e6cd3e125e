"""Reads for the unmet-demand page: the activities behind one row of the dashboard's "Where to
add sessions" table (one region's subtree × one category × one period), so an admin can open
them and copy one as a new session. (For the organizers who cannot open that page, the same
demand on their own activities is `lifelong.activities.selectors.still_waiting`.)

Unlike `selectors` (the dashboard itself, which reads only the rollup tables to stay fast), this
page counts the raw registrations, but only after someone chose a row: one grouped query over
the period's registrations of the region's activities of the category, then one for those
activities. The counts use the very definitions the rollups use (`services`): registrations
made in the period that joined the waitlist (`was_waitlisted`, kept after a promotion or a
cancellation) and those refused by the organizer, so the page's totals match the dashboard row
once the rollups are current.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.choices import Category, RegistrationStatus
from lifelong.activities.models import Activity, Registration
from lifelong.activities.policy import may_manage_activities_of
from lifelong.activities.selectors import waiting_counts
from lifelong.common.errors import NotFound
from lifelong.regions.choices import RegionLevel
from lifelong.regions.models import Region

from .selectors import Period, with_town

# The page lists at most this many activities (the most demanded); the total says how many more.
SHOWN = 100


@dataclass(frozen=True)
class UnmetActivityRow:
    """One activity with registrations that went unmet in the period."""

    activity: Activity  # with institution__region and `starts_at` (its first session)
    waitlisted: int  # registrations made in the period that found no seat and joined the waitlist
    rejected: int  # registrations made in the period that the organizer refused
    still_waiting: int  # of all its registrations, those on the waitlist or offered a seat now
    next_starts_at: datetime | None  # its first session not yet begun (None: all have begun)
    may_copy: bool  # the actor may copy it as a new draft (the copy's own permission check)

    @property
    def unmet(self) -> int:
        return self.waitlisted + self.rejected


@dataclass(frozen=True)
class UnmetDemand:
    region: Region
    region_name: str  # with its town for a village ("通元镇 · 丰义村")
    dashboard_code: str  # the dashboard the row was on: the region's parent's, or its own
    own_level: bool  # only the region's own institutions, not those of the regions below it
    category: str
    category_label: str
    period: Period
    rows: list[UnmetActivityRow]  # the most demanded first (at most `limit` of them)
    activities: int  # how many activities in all had unmet registrations
    waitlisted: int  # totals over all of them (the dashboard row's figures)
    rejected: int

    @property
    def unmet(self) -> int:
        return self.waitlisted + self.rejected


def unmet_scope(*, actor: User, region_code: str, category: str) -> Region:
    """The region, if one of the actor's admin roles covers it (a superuser: any) and
    `category` is a category. Unknown regions, regions outside the actor's scope and actors who
    administer nothing are all NotFound, as on the dashboard, so scope never reveals what exists."""
    if not policy.is_superuser(actor) and not policy.admin_regions(actor):
        raise NotFound(field="region")
    region = Region.objects.filter(code=str(region_code)).select_related("parent").first()
    if region is None or not policy.covers(actor, region):
        raise NotFound(field="region")
    if category not in Category.values:
        raise NotFound(field="category")
    return region


def unmet_demand_activities(
    *,
    actor: User,
    region_code: str,
    category: str,
    period: Period,
    own_level: bool = False,
    now: datetime | None = None,
    limit: int | None = SHOWN,
) -> UnmetDemand:
    """The activities of `category` organized in `region_code`'s subtree (with `own_level`, by
    the region's own institutions only: the dashboard's row for the region itself) that had
    waitlisted or refused registrations made in `period`, most unmet first, then the one whose
    next session comes soonest (one still to come before one that has begun), then the newest.

    Admins whose scope covers the region only (NotFound otherwise, and for a category that is
    not one). `may_copy` on each row is the check the copy itself makes, so the page offers the
    copy exactly where it would be allowed. `rows` holds the first `limit` (None: all; the API
    pages through them)."""
    region = unmet_scope(actor=actor, region_code=region_code, category=category)
    now = now or timezone.now()
    where = (
        Q(activity__institution__region=region)
        if own_level
        else Q(activity__institution__region__path__startswith=region.path)
    )
    counts = _turned_away(where, category, period)
    activities = _activities_with_next_session(list(counts), now)
    waiting = waiting_counts(counts)
    rows = [
        UnmetActivityRow(
            activity=activity,
            waitlisted=counts[pk]["waitlisted"],
            rejected=counts[pk]["rejected"],
            still_waiting=waiting.get(pk, 0),
            next_starts_at=activity.next_starts_at,
            may_copy=may_manage_activities_of(actor, activity.institution),
        )
        for pk, activity in activities.items()
    ]
    far = datetime.max.replace(tzinfo=timezone.get_default_timezone())
    rows.sort(key=lambda r: (-r.unmet, -r.waitlisted, r.next_starts_at or far, -r.activity.pk))
    # The row of a child region sits on its parent's dashboard (when the actor may open it).
    parent = region.parent
    on_parent = not own_level and parent is not None and policy.covers(actor, parent)
    town = region.parent.display_name if region.level == RegionLevel.VILLAGE and region.parent else ""
    return UnmetDemand(
        region=region,
        region_name=with_town(region.display_name, town),
        dashboard_code=parent.code if on_parent else region.code,
        own_level=own_level,
        category=category,
        category_label=str(Category(category).label),
        period=period,
        rows=rows if limit is None else rows[:limit],
        activities=len(rows),
        waitlisted=sum(r.waitlisted for r in rows),
        rejected=sum(r.rejected for r in rows),
    )


def _turned_away(where: Q, category: str, period: Period) -> dict[int, dict]:
    """Per activity of `category` (within `where`) that turned people away in `period`: its
    registrations made then that were waitlisted, and that were rejected."""
    start_at, end_at = period.bounds()
    return {
        row["activity_id"]: row
        for row in Registration.objects.filter(
            where, activity__category=category, created_at__gte=start_at, created_at__lt=end_at
        )
        .values("activity_id")
        .annotate(
            waitlisted=Count("id", filter=Q(was_waitlisted=True)),
            rejected=Count("id", filter=Q(status=RegistrationStatus.REJECTED)),
        )
        .filter(Q(waitlisted__gt=0) | Q(rejected__gt=0))
        .order_by()
    }


def _activities_with_next_session(activity_ids: list[int], now: datetime) -> dict[int, Activity]:
    return {
        activity.pk: activity
        for activity in Activity.objects.filter(pk__in=activity_ids)
        .select_related("institution__region")
        .annotate(
            starts_at=Min("sessions__starts_at"),
            next_starts_at=Min("sessions__starts_at", filter=Q(sessions__starts_at__gt=now)),
        )
    }
