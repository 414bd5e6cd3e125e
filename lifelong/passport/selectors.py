"""Reads for the passport: a learner's totals and entries, certificates, the learning-star list."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.choices import Category, RegistrationStatus
from lifelong.activities.models import Attendance, Registration
from lifelong.activities.programmes import SHOWN_STATUSES, shown_activities
from lifelong.common.errors import NotFound
from lifelong.common.quantities import tenths
from lifelong.community.models import Programme
from lifelong.community.records import Figures
from lifelong.regions.models import Region

from .models import Certificate, LearningRecord, PassportBalance, RecordImport
from .policy import may_correct

ZERO = Decimal("0")


@dataclass
class PassportSummary:
    """What the passport page shows above the timeline."""

    year: int
    total_hours: Decimal = ZERO
    total_points: int = 0
    year_hours: Decimal = ZERO
    year_points: int = 0
    # [(category value, label, hours, points)] for the year and for the whole life, largest first.
    by_category_year: list[tuple[str, str, Decimal, int]] = field(default_factory=list)
    by_category_lifetime: list[tuple[str, str, Decimal, int]] = field(default_factory=list)
    # [(month 1..12, hours, points)] for the year, every month present.
    by_month: list[tuple[int, Decimal, int]] = field(default_factory=list)

    @property
    def busiest_month_hours(self) -> Decimal:
        return max((hours for _, hours, _ in self.by_month), default=ZERO)


def _by_category(records: QuerySet[LearningRecord]) -> list[tuple[str, str, Decimal, int]]:
    labels = dict(Category.choices)
    rows = records.values("category").annotate(hours=Sum("hours"), points=Sum("points")).order_by("-hours")
    found = [(row["category"], tenths(row["hours"]), row["points"]) for row in rows]
    return [(value, str(labels.get(value, "—")), hours, points) for value, hours, points in found if hours]


def passport_summary(*, learner: User, year: int | None = None) -> PassportSummary:
    """Totals for the whole life (the running balance: no scan of the ledger), and the year's
    figures by category and by month (one indexed range of the learner's entries)."""
    year = year or timezone.localdate().year
    summary = PassportSummary(year=year)
    balance = PassportBalance.objects.filter(pk=learner.pk).first()
    if balance is None:
        summary.by_month = [(month, ZERO, 0) for month in range(1, 13)]
        return summary
    summary.total_hours, summary.total_points = balance.hours, balance.points
    mine = LearningRecord.objects.filter(learner=learner)
    in_year = mine.filter(learned_on__gte=date(year, 1, 1), learned_on__lte=date(year, 12, 31))
    months = {
        row["month"]: (tenths(row["hours"]), row["points"])
        for row in in_year.annotate(month=ExtractMonth("learned_on"))
        .values("month")
        .annotate(hours=Sum("hours"), points=Sum("points"))
        .order_by()
    }
    summary.by_month = [(month, *months.get(month, (ZERO, 0))) for month in range(1, 13)]
    summary.year_hours = sum((hours for _, hours, _ in summary.by_month), ZERO)
    summary.year_points = sum(points for _, _, points in summary.by_month)
    summary.by_category_year = _by_category(in_year)
    summary.by_category_lifetime = _by_category(mine)
    return summary


def passport_entries(*, learner: User) -> QuerySet[LearningRecord]:
    """The learner's ledger, newest first, with what each entry corrects or was corrected by."""
    return (
        LearningRecord.objects.filter(learner=learner)
        .select_related("activity", "reverses", "reversed_by")
        .order_by("-learned_on", "-id")
    )


def learner_certificates(*, learner: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(learner=learner).select_related("key").order_by("-issued_on", "-id")


def learner_in_scope(*, actor: User, learner_id: int) -> User:
    """A learner whose passport staff may open: one living in the actor's admin subtree."""
    learner = (
        policy.restrict(actor, policy.Action.VIEW, User.objects.filter(pk=learner_id))
        .select_related("home_region__parent")
        .first()
    )
    if learner is None:
        raise NotFound()
    return learner


def certificate_public(*, serial: str) -> Certificate | None:
    """Any certificate by its serial, for the public verify page (which shows no personal data
    beyond a masked name)."""
    return (
        Certificate.objects.select_related("key", "learner").filter(serial=serial.strip().upper()).first()
        if serial
        else None
    )


def certificates_in_scope(*, actor: User, q: str = "") -> QuerySet[Certificate]:
    certificates = policy.restrict(actor, policy.Action.VIEW, Certificate.objects.all())
    if q:
        q = q.strip()
        certificates = certificates.filter(Q(serial__iexact=q) | Q(title__icontains=q))
    return certificates.select_related("learner", "activity").order_by("-issued_on", "-id")


def certificate_in_scope(*, actor: User, serial: str) -> Certificate:
    certificate = certificates_in_scope(actor=actor).filter(serial=serial.strip().upper()).first()
    if certificate is None:
        raise NotFound()
    return certificate


@dataclass
class LearningStar:
    learner: User
    hours: Decimal
    points: int
    entries: int


def learning_stars(
    *, actor: User, region: Region, date_from: date, date_to: date, limit: int = 50
) -> list[LearningStar]:
    """Learners with the most learning hours in `region` (its subtree) between two dates: the
    candidates for a "learning star" nomination. Records count where the learner lived when they
    learned. The region must lie in the actor's admin scope (404 otherwise)."""
    if not policy.covers(actor, region):
        raise NotFound(field="region")
    rows = [
        row | {"hours": tenths(row["hours"])}
        for row in LearningRecord.objects.filter(
            region__path__startswith=region.path, learned_on__gte=date_from, learned_on__lte=date_to
        )
        .values("learner")
        .annotate(hours=Sum("hours"), points=Sum("points"), entries=Count("id"))
        .filter(hours__gt=Decimal("0.05"))  # above rounding noise: a net zero never ranks
        .order_by("-hours", "learner")[:limit]
    ]
    learners = User.objects.select_related("home_region__parent").in_bulk([row["learner"] for row in rows])
    return [
        LearningStar(learner=learners[row["learner"]], hours=row["hours"], points=row["points"], entries=row["entries"])
        for row in rows
    ]


def record_correctable(*, actor: User, pk: int) -> LearningRecord:
    """A ledger entry the actor may correct: the activity's staff, or an admin over the
    learner's home (404 for anyone else)."""
    record = (
        LearningRecord.objects.select_related("activity__institution", "learner__home_region").filter(pk=pk).first()
    )
    if record is None or not may_correct(actor, record):
        raise NotFound()
    return record


def record_imports(*, actor: User) -> QuerySet[RecordImport]:
    return policy.restrict(actor, policy.Action.VIEW, RecordImport.objects.all()).select_related("created_by")


def record_import(*, actor: User, pk: int) -> RecordImport:
    found = record_imports(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


# --- Brand programmes ------------------------------------------------------------------------


def programme_figures(*, programme: Programme) -> Figures:
    """What a brand programme's page shows it achieved (provided to lifelong.community.records
    from PassportConfig.ready()): four aggregate queries over the programme's published and
    completed activities:

    - `activities`: how many there are;
    - `people_served`: distinct learners who hold a confirmed registration on one of them or
      were checked in at one of their sessions (a learner who attended and later cancelled
      was still served; a pending, waitlisted, offered, cancelled-unattended or rejected
      registration alone does not count);
    - `attendance`: check-ins at their sessions;
    - `hours`: the sum of the learning-record hours written for them (reversing entries
      included, so a correction lowers it).
    """
    shown = {"status__in": SHOWN_STATUSES}
    confirmed = Registration.objects.filter(
        activity__programme=programme,
        **{f"activity__{k}": v for k, v in shown.items()},
        status=RegistrationStatus.CONFIRMED,
    )
    attendances = Attendance.objects.filter(
        session__activity__programme=programme, **{f"session__activity__{k}": v for k, v in shown.items()}
    )
    # UNION (not UNION ALL) keeps each learner once; the parts must carry no ORDER BY.
    served = confirmed.order_by().values("learner_id").union(attendances.order_by().values("learner_id"))
    hours = LearningRecord.objects.filter(
        activity__programme=programme, **{f"activity__{k}": v for k, v in shown.items()}
    ).aggregate(total=Sum("hours"))["total"]
    return Figures(
        activities=shown_activities(programme=programme).count(),
        people_served=served.count(),
        attendance=attendances.count(),
        hours=tenths(hours),
    )
