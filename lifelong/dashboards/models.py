"""Rollup tables: the dashboards' figures, counted ahead of time by the task worker.

A dashboard never scans raw registrations, attendances or ledger entries: it sums a few
hundred rollup rows. Every row is keyed by the region where things happen and by a period
(a month, a quarter or a year, in county time), and carries the region's materialized `path`
beside its foreign key, so a subtree's figures are one index range scan over
`(period_kind, period_start, region_path LIKE '<path>%')` with no join.

Why sums over rows are right: an activity belongs to one institution and so to one region, and
a learner's ledger entry records one home region, so counts of activities, sessions,
registrations and hours add up across regions. Counts of distinct learners add up across
regions too (a learner lives in one place), but not across periods (someone active in October
and November is one active learner of the quarter), which is why quarters and years are rolled
up on their own from the raw tables rather than summed from months.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Dimension(models.TextChoices):
    """How an activity rollup row is cut: all activities of the region, or those of one
    category, or those for one audience (an activity for several audiences counts in each)."""

    ALL = "all", _("All activities")
    CATEGORY = "category", _("By category")
    AUDIENCE = "audience", _("By audience")


# The read pattern of both tables: one period, a subtree by path prefix. On PostgreSQL the path
# column needs the pattern operator class for `LIKE 'prefix%'` to be an index range (the
# database's collation may not be C); the other columns take it too, which serves equality.
PATTERN_OPS = "varchar_pattern_ops"


class LearnerRollup(models.Model):
    """What the residents of one region did in one period, by the region they live in.

    `registered_learners` counts accounts living here made before the period's end (their home
    region today: accounts keep no history of moves); `active_learners` counts those whose
    ledger entries dated in the period add up to more than nothing, and `learning_hours` is the
    ledger's sum (corrections included), both by the home region each entry recorded when it
    was written (LearningRecord.region), so the past does not move when someone moves house.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=64)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    registered_learners = models.PositiveIntegerField(default=0)
    active_learners = models.PositiveIntegerField(default=0)
    learning_hours = models.DecimalField(max_digits=12, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("learner rollup")
        verbose_name_plural = _("learner rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "region"], name="learnerrollup_once_per_region_period"
            ),
        ]
        indexes = [
            models.Index(
                fields=["period_kind", "period_start", "region_path"],
                opclasses=[PATTERN_OPS, "date_ops", PATTERN_OPS],
                name="learnerrollup_read_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_path} {self.period_kind} {self.period_start}"


# The figures each activity adds to the rows it counts on: a rollup row also has `activities`
# (those with a session in the period) and `villages_with_activity` (see ActivityRollup).
PER_ACTIVITY_FIGURES = (
    "sessions",
    "attendances",
    "expected_attendances",
    "registrations",
    "waitlisted",
    "rejected",
    "learning_hours",
)


class ActivityRollup(models.Model):
    """What happened at the activities run in one region in one period, by the organizing
    institution's region, for all activities (`dimension` all, `key` "") or per category or
    audience. See `lifelong.dashboards.services` for each figure's exact definition.

    `villages_with_activity` is 1 on the "all" row of a village that ran an activity in the
    period, so a subtree's coverage is a sum like every other figure."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=64)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    key = models.CharField(max_length=20, blank=True)
    activities = models.PositiveIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    attendances = models.PositiveIntegerField(default=0)
    expected_attendances = models.PositiveIntegerField(default=0)
    registrations = models.PositiveIntegerField(default=0)
    waitlisted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    learning_hours = models.DecimalField(max_digits=12, decimal_places=1, default=0)
    villages_with_activity = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("activity rollup")
        verbose_name_plural = _("activity rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "region", "dimension", "key"],
                name="activityrollup_once_per_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["period_kind", "period_start", "region_path"],
                opclasses=[PATTERN_OPS, "date_ops", PATTERN_OPS],
                name="activityrollup_read_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_path} {self.period_kind} {self.period_start} {self.dimension}:{self.key}"


class RollupRun(models.Model):
    """The last build of one period's rollups: when (the dashboards' "as of"), how long it
    took and how many rows it wrote. One row per period, replaced by each build; the task
    results table keeps the history of runs."""

    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    built_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-built_at", "-id"]
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")
        constraints = [
            models.UniqueConstraint(fields=["period_kind", "period_start"], name="rolluprun_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period_kind} {self.period_start} @ {self.built_at:%Y-%m-%d %H:%M}"
