"""Reading the rollup tables: one region's subtree for one period, and the twelve trend months."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr

from lifelong.activities.choices import Audience, Category
from lifelong.common.quantities import tenths
from lifelong.regions.choices import RegionLevel
from lifelong.regions.models import Region
from lifelong.regions.selectors import over_or_under_q

from ..models import PER_ACTIVITY_FIGURES, ActivityRollup, Dimension, LearnerRollup, PeriodKind, RollupRun
from .periods import Period
from .results import BreakdownRow, Dashboard, Figures, RegionRow, TrendRow, UnmetDemandRow, with_town

HUNDREDTH = Decimal("0.01")

LEARNER_FIGURES = ("registered_learners", "active_learners", "learning_hours")
ACTIVITY_FIGURES = ("activities", *PER_ACTIVITY_FIGURES, "villages_with_activity")


def _group_key(rows_path: str, length: int | None):
    """The key that groups rollup rows by the dashboard's child regions: the first `length`
    characters of the row's path, which is the child's path (codes have a fixed length per
    level, DESIGN §3), or the dashboard region's own path for rows of the region itself."""
    return Substr(rows_path, 1, length) if length else F(rows_path)


@dataclass
class _Tree:
    """The dashboard's region as its figures are grouped: its subtree, its children (a group
    each, by path), the breadcrumb, and which town a village is in."""

    region: Region
    subtree: list[Region]  # the region and every region under it
    ancestors: list[Region]  # the breadcrumb: from the actor's top region down to this one
    by_pk: dict[int, Region]  # the subtree and the region's ancestors
    children: list[Region]
    groups: dict[str, Region]  # the children by path
    parents: set[int]  # the regions that have children
    key_length: int | None  # the children's path length, when they share one

    @classmethod
    def of(cls, region: Region, top_path: str) -> "_Tree":
        around = list(Region.objects.filter(over_or_under_q(region.path)).order_by("path"))
        subtree = [r for r in around if r.path.startswith(region.path)]
        children = [r for r in subtree if r.parent_id == region.pk]
        lengths = {len(c.path) for c in children}
        return cls(
            region=region,
            subtree=subtree,
            ancestors=[r for r in around if region.path.startswith(r.path) and r.path.startswith(top_path)],
            by_pk={r.pk: r for r in around},
            children=children,
            groups={c.path: c for c in children},
            parents={r.parent_id for r in subtree},
            key_length=lengths.pop() if len(lengths) == 1 else None,
        )

    def town_of(self, place: Region) -> str:
        """The town of a village or community ('' for the county and towns)."""
        if place.level != RegionLevel.VILLAGE or place.parent_id not in self.by_pk:
            return ""
        return self.by_pk[place.parent_id].display_name

    def group_of(self, path: str) -> str:
        """The child path a grouped key belongs to ('' for the region itself)."""
        if path in self.groups:
            return path
        # Only when child codes differ in length (never in valid data): find the child by prefix.
        return next((p for p in self.groups if path.startswith(p)), "")

    def villages_in(self, path: str) -> int:
        return sum(1 for r in self.subtree if r.level == RegionLevel.VILLAGE and r.path.startswith(path))


def _dashboard(region: Region, period: Period, *, top_path: str) -> Dashboard:
    tree = _Tree.of(region, top_path)
    in_period = Q(period_kind=period.kind, period_start=period.start, region_path__startswith=region.path)
    learner_sums = _learner_sums(in_period, tree)
    activity_sums = _activity_sums(in_period, tree)
    trend = _trend(region, period)
    run = RollupRun.objects.filter(period_kind=period.kind, period_start=period.start).first()

    def figures_of(place: Region, group_paths: list[str]) -> Figures:
        learners = _summed([learner_sums[g] for g in group_paths if g in learner_sums], LEARNER_FIGURES)
        activity = _summed(
            [activity_sums[k] for k in activity_sums if k[0] in group_paths and k[1] == Dimension.ALL],
            ACTIVITY_FIGURES,
        )
        return _figures(place.population, tree.villages_in(place.path), learners, activity)

    return Dashboard(
        region=region,
        period=period,
        built_at=run.built_at if run else None,
        figures=figures_of(region, ["", *tree.groups]),
        by_category=_breakdown(activity_sums, Dimension.CATEGORY, Category),
        by_audience=_breakdown(activity_sums, Dimension.AUDIENCE, Audience),
        children=[
            RegionRow(
                code=child.code,
                name=child.display_name,
                level=child.level,
                figures=figures_of(child, [child.path]),
                has_children=child.pk in tree.parents,
                town=tree.town_of(child),
            )
            for child in tree.children
        ],
        unmet_demand=_unmet_demand(activity_sums, tree),
        trend=trend,
        breadcrumb=tree.ancestors,
        region_name=with_town(region.display_name, tree.town_of(region)),
    )


def _learner_sums(in_period: Q, tree: _Tree) -> dict[str, dict]:
    """The learner figures of the period, summed by child group in one query."""
    sums: dict[str, dict] = defaultdict(lambda: dict.fromkeys(LEARNER_FIGURES, 0))
    for row in (
        LearnerRollup.objects.filter(in_period)
        .annotate(group=_group_key("region_path", tree.key_length))
        .values("group")
        .annotate(**{name: Sum(name) for name in LEARNER_FIGURES})
    ):
        target = sums[tree.group_of(row["group"])]
        for name in LEARNER_FIGURES:
            target[name] += row[name] or 0
    return sums


def _activity_sums(in_period: Q, tree: _Tree) -> dict[tuple[str, str, str], dict]:
    """(group, dimension, key) → sums, in one query; the "all" rows make the figures, the others
    the breakdowns."""
    sums: dict[tuple[str, str, str], dict] = defaultdict(lambda: dict.fromkeys(ACTIVITY_FIGURES, 0))
    for row in (
        ActivityRollup.objects.filter(in_period)
        .annotate(group=_group_key("region_path", tree.key_length))
        .values("group", "dimension", "key")
        .annotate(**{name: Sum(name) for name in ACTIVITY_FIGURES})
    ):
        target = sums[(tree.group_of(row["group"]), row["dimension"], row["key"])]
        for name in ACTIVITY_FIGURES:
            target[name] += row[name] or 0
    return sums


def _unmet_demand(activity_sums: dict[tuple[str, str, str], dict], tree: _Tree) -> list[UnmetDemandRow]:
    """Categories people were turned away from (waitlisted or rejected), by child region, the
    most turned away first."""
    unmet = []
    for (group, dimension, key), sums in activity_sums.items():
        if dimension != Dimension.CATEGORY or not (sums["waitlisted"] or sums["rejected"]):
            continue
        place = tree.groups.get(group, tree.region)
        unmet.append(
            UnmetDemandRow(
                region_code=place.code,
                region_name=with_town(place.display_name, tree.town_of(place)),
                category=key,
                category_label=_label(Category, key),
                waitlisted=sums["waitlisted"],
                rejected=sums["rejected"],
                own_level=group not in tree.groups,
            )
        )
    unmet.sort(key=lambda u: (-(u.waitlisted + u.rejected), -u.waitlisted, u.region_code, u.category))
    return unmet


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
