"""Reading the rollup tables: one region's subtree for one period, and the twelve trend months."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr

from lifelong.activities.choices import Audience, Category
from lifelong.common.quantities import tenths
from lifelong.regions.choices import RegionLevel
from lifelong.regions.models import Region
from lifelong.regions.selectors import over_or_under_q

from ..models import ActivityRollup, Dimension, LearnerRollup, PeriodKind, RollupRun
from .periods import Period
from .results import BreakdownRow, Dashboard, Figures, RegionRow, TrendRow, UnmetDemandRow, with_town

HUNDREDTH = Decimal("0.01")

LEARNER_FIGURES = ("registered_learners", "active_learners", "learning_hours")
ACTIVITY_FIGURES = (
    "activities",
    "sessions",
    "attendances",
    "expected_attendances",
    "registrations",
    "waitlisted",
    "rejected",
    "learning_hours",
    "villages_with_activity",
)


def _group_key(rows_path: str, length: int | None):
    """The key that groups rollup rows by the dashboard's child regions: the first `length`
    characters of the row's path, which is the child's path (codes have a fixed length per
    level, DESIGN §3), or the dashboard region's own path for rows of the region itself."""
    return Substr(rows_path, 1, length) if length else F(rows_path)


def _dashboard(region: Region, period: Period, *, top_path: str) -> Dashboard:
    subtree = list(Region.objects.filter(over_or_under_q(region.path)).order_by("path"))
    ancestors = [r for r in subtree if region.path.startswith(r.path) and r.path.startswith(top_path)]
    by_pk = {r.pk: r for r in subtree}

    def town_of(place: Region) -> str:
        """The town of a village or community ('' for the county and towns)."""
        if place.level != RegionLevel.VILLAGE or place.parent_id not in by_pk:
            return ""
        return by_pk[place.parent_id].display_name

    subtree = [r for r in subtree if r.path.startswith(region.path)]
    children = [r for r in subtree if r.parent_id == region.pk]
    parents = {r.parent_id for r in subtree}
    lengths = {len(c.path) for c in children}
    key_length = lengths.pop() if len(lengths) == 1 else None
    groups = {c.path: c for c in children}

    def group_of(path: str) -> str:
        """The child path a grouped key belongs to ('' for the region itself)."""
        if path in groups:
            return path
        # Only when child codes differ in length (never in valid data): find the child by prefix.
        return next((p for p in groups if path.startswith(p)), "")

    in_period = Q(period_kind=period.kind, period_start=period.start, region_path__startswith=region.path)
    learner_sums: dict[str, dict] = defaultdict(lambda: dict.fromkeys(LEARNER_FIGURES, 0))
    for row in (
        LearnerRollup.objects.filter(in_period)
        .annotate(group=_group_key("region_path", key_length))
        .values("group")
        .annotate(**{name: Sum(name) for name in LEARNER_FIGURES})
    ):
        target = learner_sums[group_of(row["group"])]
        for name in LEARNER_FIGURES:
            target[name] += row[name] or 0

    # (group, dimension, key) → sums; the "all" rows make the figures, the others the breakdowns.
    activity_sums: dict[tuple[str, str, str], dict] = defaultdict(lambda: dict.fromkeys(ACTIVITY_FIGURES, 0))
    for row in (
        ActivityRollup.objects.filter(in_period)
        .annotate(group=_group_key("region_path", key_length))
        .values("group", "dimension", "key")
        .annotate(**{name: Sum(name) for name in ACTIVITY_FIGURES})
    ):
        target = activity_sums[(group_of(row["group"]), row["dimension"], row["key"])]
        for name in ACTIVITY_FIGURES:
            target[name] += row[name] or 0

    trend = _trend(region, period)
    run = RollupRun.objects.filter(period_kind=period.kind, period_start=period.start).first()

    def villages_in(path: str) -> int:
        return sum(1 for r in subtree if r.level == RegionLevel.VILLAGE and r.path.startswith(path))

    def figures_of(place: Region, group_paths: list[str]) -> Figures:
        learners = _summed([learner_sums[g] for g in group_paths if g in learner_sums], LEARNER_FIGURES)
        activity = _summed(
            [activity_sums[k] for k in activity_sums if k[0] in group_paths and k[1] == Dimension.ALL],
            ACTIVITY_FIGURES,
        )
        return _figures(place.population, villages_in(place.path), learners, activity)

    everything = ["", *groups]
    by_category = _breakdown(activity_sums, Dimension.CATEGORY, Category)
    by_audience = _breakdown(activity_sums, Dimension.AUDIENCE, Audience)
    unmet = []
    for (group, dimension, key), sums in activity_sums.items():
        if dimension != Dimension.CATEGORY or not (sums["waitlisted"] or sums["rejected"]):
            continue
        place = groups.get(group, region)
        unmet.append(
            UnmetDemandRow(
                region_code=place.code,
                region_name=with_town(place.display_name, town_of(place)),
                category=key,
                category_label=_label(Category, key),
                waitlisted=sums["waitlisted"],
                rejected=sums["rejected"],
                own_level=group not in groups,
            )
        )
    unmet.sort(key=lambda u: (-(u.waitlisted + u.rejected), -u.waitlisted, u.region_code, u.category))
    return Dashboard(
        region=region,
        period=period,
        built_at=run.built_at if run else None,
        figures=figures_of(region, everything),
        by_category=by_category,
        by_audience=by_audience,
        children=[
            RegionRow(
                code=child.code,
                name=child.display_name,
                level=child.level,
                figures=figures_of(child, [child.path]),
                has_children=child.pk in parents,
                town=town_of(child),
            )
            for child in children
        ],
        unmet_demand=unmet,
        trend=trend,
        breadcrumb=ancestors,
        region_name=with_town(region.display_name, town_of(region)),
    )


def _trend(region: Region, period: Period) -> list[TrendRow]:
    """Three grouped queries over the month rollups of the twelve trend months; a month never
    built counts as zero and says so (`built`), and "refresh now" builds it."""
    months = period.trend_months()
    in_months = Q(
        period_kind=PeriodKind.MONTH,
        period_start__in=[m.start for m in months],
        region_path__startswith=region.path,
    )
    learners = {
        row["period_start"]: row
        for row in LearnerRollup.objects.filter(in_months)
        .values("period_start")
        .annotate(active=Sum("active_learners"), hours=Sum("learning_hours"))
    }
    activities = {
        row["period_start"]: row
        for row in ActivityRollup.objects.filter(in_months, dimension=Dimension.ALL)
        .values("period_start")
        .annotate(attendances=Sum("attendances"), registrations=Sum("registrations"))
    }
    built = set(
        RollupRun.objects.filter(period_kind=PeriodKind.MONTH, period_start__in=[m.start for m in months]).values_list(
            "period_start", flat=True
        )
    )
    rows = []
    for month in months:
        learner, activity = learners.get(month.start, {}), activities.get(month.start, {})
        rows.append(
            TrendRow(
                month=month.label,
                active_learners=learner.get("active") or 0,
                learning_hours=tenths(learner.get("hours")),
                attendances=activity.get("attendances") or 0,
                registrations=activity.get("registrations") or 0,
                built=month.start in built,
            )
        )
    return rows


def _summed(parts: list[dict], names: tuple[str, ...]) -> dict:
    total = dict.fromkeys(names, 0)
    for part in parts:
        for name in names:
            total[name] += part[name]
    return total


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(population: int, villages: int, learners: dict, activity: dict) -> Figures:
    hours = tenths(learners["learning_hours"])
    return Figures(
        population=population,
        registered_learners=learners["registered_learners"],
        active_learners=learners["active_learners"],
        participation_rate=_ratio(learners["active_learners"], population),
        learning_hours=hours,
        hours_per_head=(hours / population).quantize(HUNDREDTH) if population else None,
        activities=activity["activities"],
        sessions=activity["sessions"],
        attendances=activity["attendances"],
        expected_attendances=activity["expected_attendances"],
        attendance_rate=_ratio(activity["attendances"], activity["expected_attendances"]),
        villages=villages,
        villages_with_activity=activity["villages_with_activity"],
        coverage=_ratio(activity["villages_with_activity"], villages),
        registrations=activity["registrations"],
        waitlisted=activity["waitlisted"],
        rejected=activity["rejected"],
    )


def _label(choices, key: str) -> str:
    try:
        return str(choices(key).label)
    except ValueError:  # a key no longer among the choices still shows, by its code
        return key


def _breakdown(activity_sums: dict, dimension: str, choices) -> list[BreakdownRow]:
    """One row per choice (zeros included, in the choices' order, so charts keep their
    shape from period to period), then any key no longer among the choices."""
    totals: dict[str, dict] = {}
    for (_group, dim, key), sums in activity_sums.items():
        if dim == dimension:
            totals[key] = _summed([totals[key], sums] if key in totals else [sums], ACTIVITY_FIGURES)
    keys = list(choices.values) + sorted(k for k in totals if k not in choices.values)
    rows = []
    for key in keys:
        sums = totals.get(key) or dict.fromkeys(ACTIVITY_FIGURES, 0)
        rows.append(
            BreakdownRow(
                key=key,
                label=_label(choices, key),
                activities=sums["activities"],
                registrations=sums["registrations"],
                attendances=sums["attendances"],
                learning_hours=tenths(sums["learning_hours"]),
                waitlisted=sums["waitlisted"],
                rejected=sums["rejected"],
            )
        )
    return rows
