"""Reads for the dashboards: one region's subtree, one period, from the rollup tables only.

`dashboard_for` and `open_data` read the rollups (see `models`) and the regions, never the raw
registrations, attendances or ledger entries, and run a fixed number of queries whatever the
county's size (pinned by a test): the actor's grants, the region, its ancestors and subtree,
one grouped sum over each rollup table for the period, one for each over the twelve trend
months, and the period's last build. They do not build anything: a period whose rollups were
never built reads as zeros with `built_at` None, and the task worker (`tasks`) or
`manage.py dashboards_refresh` builds them. Names and labels come in the active language.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.choices import Audience, Category
from lifelong.common.errors import InvalidInput, NotFound
from lifelong.regions.choices import RegionLevel
from lifelong.regions.models import Region

from .models import ActivityRollup, Dimension, LearnerRollup, PeriodKind, RollupRun

# Years a period may name: wide enough for records imported from long ago, narrow enough that
# every period's end is a valid date.
MIN_YEAR, MAX_YEAR = 1900, 2999
TREND_MONTHS = 12
HUNDREDTH = Decimal("0.01")

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")
# A period as the API reads it and its document says (a client generated from the document sends
# nothing else): one of the three forms above with ASCII digits, nothing around it, in MIN_YEAR to
# MAX_YEAR. The pages' forms are lenient (spaces around are dropped).
PERIOD_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})(-(0[1-9]|1[0-2])|-[Qq][1-4])?$"
_EXACT_PERIOD = re.compile(PERIOD_PATTERN, re.ASCII)
_MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A month, a quarter or a year (county time). Parsed from "2026-11", "2026-Q4" or "2026";
    anything else raises InvalidInput(code="invalid_period", field="period")."""

    kind: str  # "month" | "quarter" | "year"
    start: date  # first day

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS_IN:
            raise ValueError(f"Unknown period kind {self.kind!r}")
        aligned = self.start.day == 1 and (self.start.month - 1) % _MONTHS_IN[self.kind] == 0
        if not aligned:
            raise ValueError(f"{self.start} does not begin a {self.kind}")

    @property
    def end(self) -> date:
        """The first day after the period."""
        return _add_months(self.start, _MONTHS_IN[self.kind])

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def __str__(self) -> str:
        return self.label

    def months(self) -> list["Period"]:
        """The months of the period, in order (a month's is itself)."""
        return [Period(PeriodKind.MONTH, _add_months(self.start, n)) for n in range(_MONTHS_IN[self.kind])]

    def trend_months(self) -> list["Period"]:
        """The twelve months ending with the period's last month, oldest first."""
        last = _add_months(self.end, -1)
        return [Period(PeriodKind.MONTH, _add_months(last, n - TREND_MONTHS + 1)) for n in range(TREND_MONTHS)]

    def previous(self) -> "Period":
        return Period(self.kind, _add_months(self.start, -_MONTHS_IN[self.kind]))

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as [start, end) instants, midnight to midnight in county time."""
        zone = timezone.get_default_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )

    @classmethod
    def parse(cls, value: str, *, exact: bool = False) -> "Period":
        """`exact` (the API) takes only what PERIOD_PATTERN matches."""
        text = value.strip() if isinstance(value, str) else ""
        if exact and not (isinstance(value, str) and _EXACT_PERIOD.fullmatch(value)):
            text = ""
        year = None
        if match := _MONTH.fullmatch(text):
            year, kind, month = int(match[1]), PeriodKind.MONTH, int(match[2])
        elif match := _QUARTER.fullmatch(text):
            year, kind, month = int(match[1]), PeriodKind.QUARTER, (int(match[2]) - 1) * 3 + 1
        elif match := _YEAR.fullmatch(text):
            year, kind, month = int(match[1]), PeriodKind.YEAR, 1
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            raise InvalidInput(
                _("Give the period as a month (2026-11), a quarter (2026-Q4) or a year (2026)."),
                code="invalid_period",
                field="period",
            )
        return cls(kind, date(year, month, 1))

    @classmethod
    def current(cls, kind: str, today: date | None = None) -> "Period":
        """The period of this kind that contains `today` (county time)."""
        today = today or timezone.localdate()
        if kind not in _MONTHS_IN:
            raise ValueError(f"Unknown period kind {kind!r}")
        span = _MONTHS_IN[kind]
        return cls(kind, date(today.year, (today.month - 1) // span * span + 1, 1))


@dataclass(frozen=True)
class Figures:
    """The headline figures of one region's subtree for one period."""

    population: int
    registered_learners: int  # learners living here with an account made before the period's end
    active_learners: int  # of them, those with learning hours in the period
    participation_rate: float | None  # active ÷ population (None when population is 0)
    learning_hours: Decimal  # the ledger's hours in the period (corrections included)
    hours_per_head: Decimal | None  # learning_hours ÷ population
    activities: int  # published or completed activities held here with a session in the period
    sessions: int
    attendances: int
    expected_attendances: int  # confirmed registrations × their activity's sessions in the period
    attendance_rate: float | None  # attendances ÷ expected_attendances
    villages: int
    villages_with_activity: int
    coverage: float | None  # villages_with_activity ÷ villages
    registrations: int  # made in the period, whatever became of them
    waitlisted: int  # of them, the ones that found no seat and joined the waitlist
    rejected: int  # of them, refused by the organizer


@dataclass(frozen=True)
class BreakdownRow:
    """Activities of one category (or for one audience) in the subtree and period."""

    key: str
    label: str
    activities: int
    registrations: int
    attendances: int
    learning_hours: Decimal
    waitlisted: int
    rejected: int


@dataclass(frozen=True)
class RegionRow:
    """One child region of the dashboard's region: the drill-down table."""

    code: str
    name: str  # display name in the page's language
    level: str
    figures: Figures
    has_children: bool
    town: str = ""  # a village's or community's town (names repeat across towns: 丰义村 ×3)

    @property
    def full_name(self) -> str:
        """The name that tells the region apart county-wide: "通元镇 · 丰义村" for a village."""
        return with_town(self.name, self.town)


@dataclass(frozen=True)
class UnmetDemandRow:
    """Where demand goes unmet: one child region × one category with waitlisted or rejected
    registrations in the period (sorted by waitlisted + rejected, most first). Activities run
    at the dashboard region's own level (a town's community school, the county's institutions)
    are listed under the dashboard region itself; a village's dashboard lists only itself."""

    region_code: str
    region_name: str  # with its town for a village ("通元镇 · 丰义村")
    category: str
    category_label: str
    waitlisted: int
    rejected: int
    # The row of the dashboard region itself (activities of its own institutions): its
    # activities page then leaves out the regions below, whose rows are their own.
    own_level: bool = False


@dataclass(frozen=True)
class TrendRow:
    """One month of the twelve ending with the period's last month."""

    month: str  # "2026-11"
    active_learners: int
    learning_hours: Decimal
    attendances: int
    registrations: int
    built: bool = True  # False: the month's rollups were never built (its figures read 0)


@dataclass(frozen=True)
class Dashboard:
    region: Region
    period: Period
    built_at: datetime | None  # when the rollups read were last built (None: never)
    figures: Figures
    by_category: list[BreakdownRow]
    by_audience: list[BreakdownRow]
    children: list[RegionRow]
    unmet_demand: list[UnmetDemandRow]
    trend: list[TrendRow]
    breadcrumb: list[Region]  # from the top of the actor's scope down to `region`
    region_name: str = ""  # the region's name, with its town for a village

    @property
    def trend_complete(self) -> bool:
        return all(row.built for row in self.trend)


# --- Scope -----------------------------------------------------------------------------------


def _county() -> Region:
    county = Region.objects.filter(parent__isnull=True).order_by("path").first()
    if county is None:
        raise NotFound(field="region")
    return county


def dashboard_for(*, actor: User, region_code: str | None, period: Period) -> Dashboard:
    """The dashboard of `region_code`'s subtree for an admin whose scope covers it (a
    superuser: any region). `region_code` None opens the actor's highest admin region (a
    superuser's: the county). Unknown regions, regions outside the actor's admin subtrees and
    actors who administer nothing all answer NotFound, so scope never reveals what exists.
    The breadcrumb starts at the highest of the actor's admin regions that covers the region."""
    superuser = policy.is_superuser(actor)
    scopes = sorted(policy.admin_regions(actor), key=lambda r: (len(r.path), r.path))
    if not superuser and not scopes:
        raise NotFound(field="region")
    if region_code is None:
        region = _county() if superuser else scopes[0]
    else:
        region = Region.objects.filter(code=str(region_code)).first()
        if region is None or not policy.covers(actor, region):
            raise NotFound(field="region")
    top_path = "" if superuser else next(r.path for r in scopes if r.contains(region))
    return _dashboard(region, period, top_path=top_path)


def open_data(*, period: Period) -> Dashboard:
    """The county's dashboard for the public open-data page: no actor, no scope check. The
    rollups hold counts only (no names, no person-level rows), so nothing personal can show;
    the page shows the county and its towns. Breadcrumb: [county]."""
    county = _county()
    return _dashboard(county, period, top_path=county.path)


# --- Reading the rollups ---------------------------------------------------------------------

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


def with_town(name: str, town: str) -> str:
    return f"{town} · {name}" if town else name


def _ancestor_paths(path: str) -> list[str]:
    """'1/2/3/' → ['1/', '1/2/'] (the region's own path excluded)."""
    steps = path.strip("/").split("/")
    return ["".join(f"{step}/" for step in steps[:n]) for n in range(1, len(steps))]


def _group_key(rows_path: str, length: int | None):
    """The key that groups rollup rows by the dashboard's child regions: the first `length`
    characters of the row's path, which is the child's path (codes have a fixed length per
    level, DESIGN §3), or the dashboard region's own path for rows of the region itself."""
    return Substr(rows_path, 1, length) if length else F(rows_path)


def _dashboard(region: Region, period: Period, *, top_path: str) -> Dashboard:
    subtree = list(
        Region.objects.filter(Q(path__startswith=region.path) | Q(path__in=_ancestor_paths(region.path))).order_by(
            "path"
        )
    )
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
                learning_hours=_hours(learner.get("hours")),
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


def _hours(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.1"))


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(population: int, villages: int, learners: dict, activity: dict) -> Figures:
    hours = _hours(learners["learning_hours"])
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
                learning_hours=_hours(sums["learning_hours"]),
                waitlisted=sums["waitlisted"],
                rejected=sums["rejected"],
            )
        )
    return rows
