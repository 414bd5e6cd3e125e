"""Reads for campaigns: the public page's campaign, its live counters and its programme."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from lifelong.activities.choices import ACTIVE_STATUSES, ActivityStatus, CampaignStatus
from lifelong.activities.models import Activity, Attendance, Registration, Session
from lifelong.passport.models import LearningRecord

from .models import Campaign

# Activities that are part of the programme the public sees: accepted into it, and published.
PROGRAMME_STATUSES = [ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED]


def in_programme(path: str = "") -> Q:
    """The filter for activities in a campaign's programme, reached from a model by `path`."""
    return Q(**{f"{path}campaign_status": CampaignStatus.ACCEPTED, f"{path}status__in": PROGRAMME_STATUSES})


def campaign_get(*, slug: str) -> Campaign | None:
    return Campaign.objects.select_related("host_region").filter(slug=slug).first()


def campaign_current(*, today: date | None = None) -> Campaign | None:
    """The campaign the home page features: the one running, else the next one to come."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(ends_on__gte=today).order_by("starts_on", "id").first()


def campaign_counters(*, campaign: Campaign) -> dict[str, dict[str, int | Decimal | None]]:
    """Live figures against the campaign's targets, counted from the raw records (four indexed
    aggregate queries; the dashboards' rollups take over at county scale)."""
    activities = Activity.objects.filter(in_programme(), campaign=campaign)
    registrations = Registration.objects.filter(
        in_programme("activity__"),
        activity__campaign=campaign,
        status__in=ACTIVE_STATUSES,  # signed up and not cancelled or refused
    )
    attendance = Attendance.objects.filter(in_programme("session__activity__"), session__activity__campaign=campaign)
    hours = LearningRecord.objects.filter(in_programme("activity__"), activity__campaign=campaign).aggregate(
        total=Sum("hours")
    )["total"]
    return {
        "activities": {"value": activities.count(), "target": campaign.target_activities},
        "registrations": {"value": registrations.count(), "target": campaign.target_registrations},
        "attendance": {"value": attendance.count(), "target": campaign.target_attendance},
        "hours": {
            "value": Decimal(str(hours or 0)).quantize(Decimal("0.1")),
            "target": campaign.target_hours,
        },
    }


def campaign_programme(*, campaign: Campaign) -> list[tuple[date, list[Session]]]:
    """The programme by day (Asia/Shanghai): every session of the campaign's published
    activities, with its activity, venue and town, in time order."""
    sessions = (
        Session.objects.filter(in_programme("activity__"), activity__campaign=campaign)
        .select_related("activity__institution__region", "venue__institution__region", "activity__venue")
        .order_by("starts_at", "id")
    )
    days: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        days[timezone.localdate(session.starts_at)].append(session)
    return sorted(days.items())
