"""Reads for campaigns: the public page's campaign, its live counters, its programme by day and
by town, the proposals waiting for a decision, and the figures of the post-week report."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.choices import ACTIVE_STATUSES, ActivityStatus, CampaignStatus
from lifelong.activities.models import Activity, Attendance, Registration, Session
from lifelong.common.quantities import tenths
from lifelong.institutions.models import Venue
from lifelong.passport.models import LearningRecord
from lifelong.passport.verification import mask_name
from lifelong.regions.models import Region

from .models import Campaign

# Activities that are part of the programme the public sees: accepted into it, and published.
PROGRAMME_STATUSES = [ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED]
# How many entries each highlight of the report lists.
HIGHLIGHTS = 5


def in_programme(path: str = "") -> Q:
    """The filter for activities in a campaign's programme, reached from a model by `path`."""
    return Q(**{f"{path}campaign_status": CampaignStatus.ACCEPTED, f"{path}status__in": PROGRAMME_STATUSES})


def campaign_get(*, slug: str) -> Campaign | None:
    return Campaign.objects.select_related("host_region", "cover").filter(slug=slug).first()


def campaign_list() -> QuerySet[Campaign]:
    """Every campaign, the latest first (campaigns are public)."""
    return Campaign.objects.select_related("host_region").order_by("-starts_on", "id")


def campaign_current(*, today: date | None = None) -> Campaign | None:
    """The campaign the home page features: the one running, else the next one to come."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(ends_on__gte=today).order_by("starts_on", "id").first()


def campaign_by_slug(slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug).first()


def campaigns_open_for_proposals(*, today: date | None = None) -> QuerySet[Campaign]:
    """Campaigns an organizer may still propose an activity for: those not yet over."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(ends_on__gte=today).order_by("starts_on", "id")


def campaign_staff_list(*, actor: User) -> QuerySet[Campaign]:
    """Campaigns whose host region lies in the actor's admin scope, with their open proposals
    counted in the same query."""
    return (
        policy.restrict(actor, policy.Action.CHANGE, Campaign.objects.all())
        .select_related("host_region")
        .annotate(proposals=Count("activities", filter=Q(activities__campaign_status=CampaignStatus.PROPOSED)))
        .order_by("-starts_on", "id")
    )


def campaign_staff_get(*, actor: User, pk: int) -> Campaign | None:
    return campaign_staff_list(actor=actor).filter(pk=pk).first()


def campaign_activities(*, campaign: Campaign, status: str | None = None) -> QuerySet[Activity]:
    """The activities proposed for a campaign (all of them, or those in one place), for its
    admins to decide on."""
    activities = Activity.objects.filter(campaign=campaign).select_related("institution__region", "venue")
    if status:
        activities = activities.filter(campaign_status=status)
    return activities.annotate(first_session=Min("sessions__starts_at")).order_by(
        "campaign_status", "first_session", "id"
    )


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
        "hours": {"value": tenths(hours), "target": campaign.target_hours},
    }


def campaign_sessions(*, campaign: Campaign) -> QuerySet[Session]:
    """Every session of the campaign programme, with its activity, venue and place, in time order."""
    return (
        Session.objects.filter(in_programme("activity__"), activity__campaign=campaign)
        .select_related("activity__institution__region", "venue__institution__region", "activity__venue")
        .order_by("starts_at", "id")
    )


def town_of_path(path: str | None) -> str:
    """The code of the town a region path lies in ("" for the county itself): the second step
    of the materialized path."""
    steps = (path or "").strip("/").split("/")
    return steps[1] if len(steps) > 1 else ""


def town_of(region: Region) -> str:
    return town_of_path(region.path)


@dataclass
class Programme:
    """The campaign programme, by day (Asia/Shanghai) and by town, and the venues it uses."""

    days: list[tuple[date, list[Session]]]
    towns: list[tuple[Region | None, list[Session]]]
    venues: list[Venue] = field(default_factory=list)


def campaign_programme(*, campaign: Campaign) -> Programme:
    """One query for the sessions, one for the towns they lie in."""
    sessions = list(campaign_sessions(campaign=campaign))
    days: dict[date, list[Session]] = defaultdict(list)
    by_town: dict[str, list[Session]] = defaultdict(list)
    venues: dict[int, Venue] = {}
    for session in sessions:
        days[timezone.localdate(session.starts_at)].append(session)
        venue = session.venue or session.activity.venue
        place = venue.institution.region if venue else session.activity.institution.region
        by_town[town_of(place)].append(session)
        if venue is not None:
            venues.setdefault(venue.pk, venue)
    towns = {t.code: t for t in Region.objects.filter(code__in=[c for c in by_town if c])}
    ordered = sorted(by_town.items(), key=lambda item: item[0] or "0")  # the county's own sites first
    return Programme(
        days=sorted(days.items()),
        towns=[(towns.get(code), town_sessions) for code, town_sessions in ordered],
        venues=sorted(venues.values(), key=lambda v: (v.institution.region.path, v.name)),
    )


# --- The post-week report ----------------------------------------------------------------------


@dataclass
class _CampaignFacts:
    """What the post-week report is computed from: the programme's activities and, per
    activity, its active registrations, attendances and learning hours."""

    activities: list[Activity]
    registrations: dict[int, int]
    attendance: dict[int, int]
    hours: dict[int, Decimal]
    learners: int  # distinct learners who attended
    top_learners: list[dict]
    towns: dict[str, Region]  # the towns the activities and the top learners are in, by code


def campaign_figures(*, campaign: Campaign) -> dict:
    """The figures of the post-week report, from the raw records: totals against targets, by
    town, audience and category, and the highlights worth an honour. JSON-ready (hours as
    strings with one decimal), so the report can be kept as it was generated. Seven queries
    whatever the campaign's size."""
    facts = _campaign_facts(campaign)
    by_town, by_audience, by_category = _grouped(facts)
    town_rows = _town_rows(by_town, facts.towns)
    counters = {  # the live counters, added up from the per-activity figures
        "activities": {"value": len(facts.activities), "target": campaign.target_activities},
        "registrations": {"value": sum(facts.registrations.values()), "target": campaign.target_registrations},
        "attendance": {"value": sum(facts.attendance.values()), "target": campaign.target_attendance},
        "hours": {"value": tenths(sum(facts.hours.values())), "target": campaign.target_hours},
    }
    return {
        "totals": {
            **{key: {"value": str(f["value"]), "target": f["target"]} for key, f in counters.items()},
            "learners": facts.learners,
            "sessions": sum(a.session_count for a in facts.activities),
            "towns": len({town_of(a.institution.region) for a in facts.activities} - {""}),
        },
        "by_town": town_rows,
        "by_audience": _ranked_rows(by_audience),  # labelled by the page, in the reader's language
        "by_category": _ranked_rows(by_category),
        "highlights": _highlights(facts, town_rows, counters),
    }


def _campaign_facts(campaign: Campaign) -> _CampaignFacts:
    """The report's seven queries."""
    activities = list(
        Activity.objects.filter(in_programme(), campaign=campaign)
        .select_related("institution__region")
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("id")
    )
    ids = [a.pk for a in activities]
    registrations = dict(
        Registration.objects.filter(activity_id__in=ids, status__in=ACTIVE_STATUSES)
        .values_list("activity_id")
        .annotate(n=Count("id"))
    )
    attendance = dict(
        Attendance.objects.filter(session__activity_id__in=ids)
        .values_list("session__activity_id")
        .annotate(n=Count("id"))
    )
    records = LearningRecord.objects.filter(activity_id__in=ids)
    hours = {a: tenths(h) for a, h in records.values_list("activity_id").annotate(h=Sum("hours"))}
    learners = Attendance.objects.filter(session__activity_id__in=ids).values("learner_id").distinct().count()
    top_learners = list(
        records.values("learner_id", "learner__name", "learner__home_region__path")
        .annotate(h=Sum("hours"))
        .filter(h__gt=0)
        .order_by("-h", "learner_id")[:HIGHLIGHTS]
    )
    town_codes = {town_of(a.institution.region) for a in activities}
    town_codes |= {town_of_path(t["learner__home_region__path"]) for t in top_learners}
    towns = {r.code: r for r in Region.objects.filter(code__in=town_codes - {""})}
    return _CampaignFacts(activities, registrations, attendance, hours, learners, top_learners, towns)


def _figures_row() -> dict:
    return {"activities": 0, "registrations": 0, "attendance": 0, "hours": Decimal(0)}


def _grouped(facts: _CampaignFacts) -> tuple[dict[str, dict], dict[str, dict], dict[str, dict]]:
    """The activities' figures added up by town, by audience and by category."""
    by_town: dict[str, dict] = defaultdict(_figures_row)
    by_audience: dict[str, dict] = defaultdict(_figures_row)
    by_category: dict[str, dict] = defaultdict(_figures_row)
    for activity in facts.activities:
        figures = (
            1,
            facts.registrations.get(activity.pk, 0),
            facts.attendance.get(activity.pk, 0),
            facts.hours.get(activity.pk, 0),
        )
        groups = [by_town[town_of(activity.institution.region)], by_category[activity.category]]
        groups += [by_audience[audience] for audience in activity.audience_list]
        for group in groups:
            for key, value in zip(("activities", "registrations", "attendance", "hours"), figures, strict=True):
                group[key] += value
    return by_town, by_audience, by_category


def _ranked_rows(groups: dict[str, dict], label_of=lambda key: {}) -> list[dict]:
    out = [{"key": key, **label_of(key), **_json_row(figures)} for key, figures in groups.items()]
    return sorted(out, key=lambda r: (-Decimal(r["hours"]), -r["attendance"], r["key"]))


def _town_label(towns: dict[str, Region], code: str) -> dict:
    town = towns.get(code)
    return {"name": town.name, "name_en": town.name_en} if town else {"name": "", "name_en": ""}


def _town_rows(by_town: dict[str, dict], towns: dict[str, Region]) -> list[dict]:
    """The towns' rows, named, with their learning hours per thousand residents."""
    town_rows = _ranked_rows(by_town, lambda code: _town_label(towns, code))
    for town_row in town_rows:
        town = towns.get(town_row["key"])
        per_thousand = Decimal(town_row["hours"]) * 1000 / town.population if town and town.population else None
        town_row["hours_per_thousand"] = str(tenths(per_thousand)) if per_thousand is not None else None
    return town_rows


def _highlights(facts: _CampaignFacts, town_rows: list[dict], counters: dict) -> dict:
    """What is worth an honour: the most attended activities, the learners with the most hours,
    the best town, the targets met."""
    attendance = facts.attendance
    most_attended = sorted(facts.activities, key=lambda a: (-attendance.get(a.pk, 0), a.pk))[:HIGHLIGHTS]
    return {
        "most_attended": [
            {
                "activity": a.pk,
                "title": a.title,
                "title_en": a.title_en,
                "attendance": attendance.get(a.pk, 0),
                "registrations": facts.registrations.get(a.pk, 0),
            }
            for a in most_attended
            if attendance.get(a.pk, 0)
        ],
        # Learning-star candidates: the report is public, so only a masked name and the town.
        "top_learners": [
            {
                "name": mask_name(t["learner__name"]),
                "town": _town_label(facts.towns, town_of_path(t["learner__home_region__path"])),
                "hours": str(tenths(t["h"])),
            }
            for t in facts.top_learners
        ],
        "best_town": max(
            (r for r in town_rows if r.get("hours_per_thousand")),
            key=lambda r: Decimal(r["hours_per_thousand"]),
            default=None,
        ),
        "targets_met": [
            key for key, f in counters.items() if f["target"] is not None and Decimal(f["value"]) >= f["target"]
        ],
    }


def _json_row(figures: dict) -> dict:
    return {**figures, "hours": str(tenths(figures["hours"]))}
