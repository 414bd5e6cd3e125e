"""Reads for honours: the public roll, a recipient's honours, calls and nominations in scope,
the candidates a staff member may nominate and a learner's record for a nomination."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.models import Attendance
from lifelong.common.errors import NotFound
from lifelong.community.models import Programme, Team
from lifelong.institutions.models import Institution, Venue
from lifelong.passport.selectors import passport_summary
from lifelong.regions.models import Region
from lifelong.regions.selectors import over_or_under_q

from . import rules
from .choices import RecipientKind
from .models import Honor, HonorCall, Nomination, Review

# What every honour listing shows about its recipient, fetched in the same query.
RECIPIENT_JOINS = (
    "region__parent",
    "institution__region__parent",
    "programme__town",
    "team__region__parent",
    "learner__home_region__parent",
)
NOBODY = Q(pk__in=[])


# --- The public roll ---------------------------------------------------------------------------


def honour_roll(*, level: str | None = None, year: int | None = None, kind: str | None = None) -> QuerySet[Honor]:
    """Every honour, newest year first, filtered by level, year and kind of recipient."""
    halls = Prefetch(
        "institution__venues",
        queryset=Venue.objects.filter(is_active=True).order_by("-capacity", "id"),
        to_attr="public_venues",
    )
    honours = Honor.objects.select_related(*RECIPIENT_JOINS).prefetch_related(halls)
    if level:
        honours = honours.filter(level=level)
    if year:
        honours = honours.filter(year=year)
    if kind:
        honours = honours.filter(recipient_kind=kind)
    return honours.order_by("-year", "title", "id")


def honour_years() -> list[int]:
    """The years honours are held for, newest first (for the roll's filter)."""
    return list(Honor.objects.order_by("-year").values_list("year", flat=True).distinct())


def recipient_kind_of(recipient) -> str | None:
    """Which kind of recipient a model instance is (None: it cannot hold honours)."""
    for model, kind in (
        (Region, RecipientKind.REGION),
        (Institution, RecipientKind.INSTITUTION),
        (Programme, RecipientKind.PROGRAMME),
        (Team, RecipientKind.TEAM),
        (User, RecipientKind.LEARNER),
    ):
        if isinstance(recipient, model):
            return kind
    return None


def honours_of(recipient) -> list[Honor]:
    """The honours one recipient holds, newest first (one query)."""
    kind = recipient_kind_of(recipient)
    if kind is None or getattr(recipient, "pk", None) is None:
        return []
    return list(Honor.objects.filter(**{kind: recipient}).order_by("-year", "title", "id"))


# --- Staff: calls and nominations in scope --------------------------------------------------------


def _call_scope(actor: User | None) -> Q:
    """Calls in an admin's subtree or above it, and calls in a reviewer's subtree."""
    if policy.is_superuser(actor):
        return Q()
    parts = []
    for region in policy.admin_regions(actor):
        parts.append(over_or_under_q(region.path, "region__path"))
    parts += [Q(region__path__startswith=region.path) for region in rules.reviewer_regions(actor)]
    return reduce(or_, parts) if parts else NOBODY


def calls_in_scope(*, actor: User) -> QuerySet[HonorCall]:
    nominations = Count("nominations", filter=~Q(nominations__status="withdrawn"))
    return (
        HonorCall.objects.filter(_call_scope(actor))
        .select_related("region", "opened_by")
        .annotate(nomination_count=nominations)
        .order_by("-year", "-opens_on", "-id")
    )


def call_in_scope(*, actor: User, call_id: int) -> HonorCall:
    call = HonorCall.objects.filter(_call_scope(actor), pk=call_id).select_related("region", "opened_by").first()
    if call is None:
        raise NotFound()
    return call


def _nomination_scope(actor: User | None, call: HonorCall) -> Q:
    """Those who award and review a call see all its nominations; an admin below the call's
    region sees the nominations of recipients in their own subtree (their own town's)."""
    if rules.may_review(actor, call.region):
        return Q()
    paths = [r.path for r in policy.admin_regions(actor)]
    if not paths:
        return NOBODY
    return reduce(or_, (Q(recipient_path__startswith=path) for path in paths))


def with_recipient_path(nominations: QuerySet) -> QuerySet:
    return nominations.annotate(
        recipient_path=Coalesce(
            "region__path",
            "institution__region__path",
            "programme__town__path",
            "team__region__path",
            "learner__home_region__path",
        )
    )


def nominations_of_call(*, actor: User, call: HonorCall) -> QuerySet[Nomination]:
    """The call's nominations the actor may see, with the average score and the reviews."""
    reviews = Prefetch("reviews", queryset=Review.objects.select_related("reviewer").order_by("created_at", "id"))
    return (
        with_recipient_path(Nomination.objects.filter(call=call))
        .filter(_nomination_scope(actor, call))
        .select_related("nominated_by", *RECIPIENT_JOINS)
        .prefetch_related(reviews)
        .annotate(average_score=Avg("reviews__score"), review_count=Count("reviews"))
        .order_by("status", "-average_score", "created_at", "id")
    )


def nomination_in_scope(*, actor: User, nomination_id: int) -> Nomination:
    """A nomination in a call the actor sees, and which the actor may see within it."""
    nomination = Nomination.objects.select_related("call__region", "nominated_by", *RECIPIENT_JOINS).filter(
        pk=nomination_id
    )
    found = nomination.first()
    if found is None or not rules.may_see_call(actor, found.call.region):
        raise NotFound()
    if not with_recipient_path(nomination).filter(_nomination_scope(actor, found.call)).exists():
        raise NotFound()
    return found


def honours_in_scope(*, actor: User) -> QuerySet[Honor]:
    """Honours whose recipient lies in the actor's admin subtree (for the console list)."""
    honours = with_recipient_path(Honor.objects.all())
    if not policy.is_superuser(actor):
        paths = [r.path for r in policy.admin_regions(actor)]
        honours = honours.filter(reduce(or_, (Q(recipient_path__startswith=p) for p in paths)) if paths else NOBODY)
    return honours.select_related(*RECIPIENT_JOINS).order_by("-year", "title", "id")


# --- Who may be nominated -----------------------------------------------------------------------


def _in(region_path_lookup: str, actor: User, within: Region | None) -> Q:
    q = Q()
    if not policy.is_superuser(actor):
        paths = [r.path for r in policy.admin_regions(actor)]
        q = reduce(or_, (Q(**{f"{region_path_lookup}__startswith": p}) for p in paths)) if paths else NOBODY
    if within is not None:
        q &= Q(**{f"{region_path_lookup}__startswith": within.path})
    return q


def candidates(*, actor: User, kind: str, within: Region | None = None) -> QuerySet:
    """Recipients of `kind` the actor may nominate or record an honour for: those in the
    actor's admin subtree (and inside `within`, a call's region, when given)."""
    if kind == RecipientKind.REGION:
        return Region.objects.filter(_in("path", actor, within)).order_by("path")
    if kind == RecipientKind.INSTITUTION:
        return (
            Institution.objects.filter(_in("region__path", actor, within), is_active=True)
            .select_related("region")
            .order_by("region__path", "kind", "name")
        )
    if kind == RecipientKind.PROGRAMME:
        return Programme.objects.filter(_in("town__path", actor, within)).select_related("town").order_by("name")
    if kind == RecipientKind.TEAM:
        return (
            Team.objects.filter(_in("region__path", actor, within), is_active=True)
            .select_related("region")
            .order_by("region__path", "name")
        )
    if kind == RecipientKind.LEARNER:
        return (
            User.objects.filter(_in("home_region__path", actor, within), is_active=True)
            .select_related("home_region__parent")
            .order_by("name", "id")
        )
    raise NotFound(field="kind")


def candidate_get(*, actor: User, kind: str, key: int | str, within: Region | None = None):
    """One recipient by id (or a programme's slug, a region's code); 404 outside scope."""
    found = candidates(actor=actor, kind=kind, within=within)
    text = str(key).strip()
    if kind == RecipientKind.REGION:
        found = found.filter(code=text)
    elif kind == RecipientKind.PROGRAMME and not text.isdigit():
        found = found.filter(slug=text)
    elif text.isdigit() and int(text) < 2**63:
        found = found.filter(pk=int(text))
    else:
        found = found.none()
    recipient = found.first()
    if recipient is None:
        raise NotFound(field="recipient")
    return recipient


# --- A learner's record for a nomination --------------------------------------------------------


@dataclass
class LearnerRecord:
    """What a learning-star nomination says about the learner, from their passport."""

    year: int
    period_from: date
    period_to: date
    year_hours: Decimal
    year_points: int
    year_activities: int
    total_hours: Decimal
    total_points: int
    total_activities: int

    def as_json(self) -> dict:
        return {
            "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
            "year": self.year,
            "this_year": {
                "hours": str(self.year_hours),
                "points": self.year_points,
                "activities": self.year_activities,
            },
            "in_all": {
                "hours": str(self.total_hours),
                "points": self.total_points,
                "activities": self.total_activities,
            },
        }


def learner_record(*, learner: User, today: date | None = None) -> LearnerRecord:
    """The learner's passport figures this calendar year (to today) and in all, and how many
    different activities they attended (checked in at least once) in each."""
    today = today or timezone.localdate()
    summary = passport_summary(learner=learner, year=today.year)
    attended = Attendance.objects.filter(learner=learner)
    year_start = timezone.make_aware(datetime.combine(date(today.year, 1, 1), time.min))
    next_year = timezone.make_aware(datetime.combine(date(today.year + 1, 1, 1), time.min))
    distinct = {"activities": Count("session__activity", distinct=True)}
    return LearnerRecord(
        year=today.year,
        period_from=date(today.year, 1, 1),
        period_to=today,
        year_hours=summary.year_hours,
        year_points=summary.year_points,
        year_activities=attended.filter(checked_in_at__gte=year_start, checked_in_at__lt=next_year).aggregate(
            **distinct
        )["activities"],
        total_hours=summary.total_hours,
        total_points=summary.total_points,
        total_activities=attended.aggregate(**distinct)["activities"],
    )


def learner_statement(*, learner: User, record: LearnerRecord) -> str:
    """A first draft of a learning star's statement, from their record, in the reader's language."""
    town = learner.home_region.parent if learner.home_region and learner.home_region.parent_id else None
    return _(
        "%(name)s (%(town)s) learned %(year_hours)s hours in %(year)s, earning %(year_points)s points "
        "and attending %(year_activities)s activities; %(total_hours)s hours, %(total_points)s points "
        "and %(total_activities)s activities in all."
    ) % {
        "name": learner.name,
        "town": town.display_name if town else "—",
        "year": record.year,
        "year_hours": record.year_hours,
        "year_points": record.year_points,
        "year_activities": record.year_activities,
        "total_hours": record.total_hours,
        "total_points": record.total_points,
        "total_activities": record.total_activities,
    }


def calls_taking_learners(*, actor: User, today: date | None = None) -> list[HonorCall]:
    """Open calls in which the actor may nominate learners now (for the learning-star list)."""
    today = today or timezone.localdate()
    calls = HonorCall.objects.filter(
        _call_scope(actor),
        status="open",
        opens_on__lte=today,
        closes_on__gte=today,
        accepts__contains=f",{RecipientKind.LEARNER},",
    ).select_related("region")
    return [call for call in calls.order_by("closes_on", "id") if rules.takes_part_in(actor, call.region)]
