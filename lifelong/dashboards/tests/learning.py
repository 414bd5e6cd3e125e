"""Learning this month in a few villages of Wuyuan and Tongyuan, built through the services as
people would (an admin publishes activities at village teaching points, learners register, some
wait for a seat or are refused, staff check them in), then rolled up as the worker would.

Sessions fall early in the current month; the services get their `now`, so check-ins happen at
the session whatever today's date. The dashboards' default period, the current month, then shows
every figure above zero, and so do the current quarter and year."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities import services as activity_services
from lifelong.activities.checkin import checkin_record
from lifelong.activities.models import Activity
from lifelong.dashboards.selectors import Period
from lifelong.dashboards.services import rollups_refresh
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region
from lifelong.testkit.regions import TONGYUAN, WUYUAN

CATEGORIES = ["health", "digital_skills", "reading", "agriculture"]
_phones = count(20_000_000)


@dataclass
class Learning:
    period: Period
    villages: list[Region]
    learners: list[User] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


def this_month() -> Period:
    return Period.current("month", timezone.localdate())


def _session_start(period: Period, day: int) -> datetime:
    start, end = period.bounds()
    moment = start + timedelta(days=day, hours=10)
    return min(moment, end - timedelta(hours=3))


def learner_new(village: Region, *, name: str | None = None, phone: str | None = None) -> User:
    phone = phone or f"137{next(_phones):08d}"
    return User.objects.create_user(
        phone, "learner-pass-1", name=name or f"学员{phone[-4:]}", home_region=village, birth_year=1956
    )


def activity_held(
    demo,
    village: Region,
    *,
    period: Period,
    category: str,
    day: int = 1,
    capacity: int = 2,
    learners: list[User],
    requires_approval: bool = False,
) -> Activity:
    """An activity at `village`'s teaching point, one session on `day` of the period; every
    learner registers, those who get a seat are checked in."""
    admin = demo.county_admin
    point = Institution.objects.get(kind="teaching_point", region=village)
    starts = _session_start(period, day)
    activity = activity_services.activity_create(
        actor=admin,
        institution=point,
        sessions=[{"starts_at": starts, "ends_at": starts + timedelta(hours=2)}],
        title=f"{village.name}{category}课",
        category=category,
        audiences=["elderly"] if category != "digital_skills" else ["elderly", "workers"],
        capacity=capacity,
        reserved_offline=0,
        registration_opens=starts - timedelta(days=20),
        registration_closes=starts + timedelta(hours=1),
        requires_approval=requires_approval,
        waitlist=True,
        offer_hours=0,
        hours=2,
        now=starts - timedelta(days=20),  # entered when registration opened
    )
    activity = activity_services.activity_publish(actor=admin, activity=activity)
    session = activity.sessions.get()
    for learner in learners:
        registration = activity_services.registration_create(
            actor=admin, activity=activity, learner=learner, channel="proxy", now=starts - timedelta(days=2)
        )
        if requires_approval:
            activity_services.registration_reject(actor=admin, registration=registration)
        elif registration.status == "confirmed":
            checkin_record(
                actor=admin, session=session, learner=learner, method="staff", now=starts + timedelta(minutes=5)
            )
    return activity


def learning_build(demo, *, villages_per_town: int = 2, rounds: int = 1, build: bool = True) -> Learning:
    """`villages_per_town` villages of Wuyuan and of Tongyuan (the village admin's first) each
    hold `rounds` × one activity per category for three learners of the village (two seats:
    one learner waits), and the first Wuyuan village one more that refuses its applicant."""
    period = this_month()
    own_village = demo.village_admin.role_grants.get().region
    wuyuan = list(Region.objects.filter(parent__code=WUYUAN).order_by("path")[:villages_per_town])
    tongyuan = [own_village, *Region.objects.filter(parent__code=TONGYUAN).exclude(pk=own_village.pk).order_by("path")]
    villages = wuyuan + tongyuan[:villages_per_town]
    learning = Learning(period=period, villages=villages)
    for village in villages:
        people = [learner_new(village) for _n in range(3)]
        learning.learners += people
        for round_number in range(rounds):
            for n, category in enumerate(CATEGORIES[: 2 + round_number % 3]):
                learning.activities.append(
                    activity_held(
                        demo, village, period=period, category=category, day=n + round_number, learners=people
                    )
                )
    refused = learner_new(wuyuan[0])
    learning.learners.append(refused)
    learning.activities.append(
        activity_held(demo, wuyuan[0], period=period, category="vocational", learners=[refused], requires_approval=True)
    )
    if build:  # the current month, quarter and year, as the worker builds them
        rollups_refresh()
    return learning
