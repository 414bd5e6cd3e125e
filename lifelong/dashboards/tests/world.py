"""A seeded random county's worth of learning, built through the services as people would:
activities at village teaching points, town schools and county institutions, registrations
(some waitlisted, some pending and then approved or rejected), cancellations that promote from
the waitlist, check-ins, reversed check-ins and manual adjustments, spread over autumn 2025
with some of it across the period boundaries (midnight in county time).

The clock cannot be moved, so the services get their `now` and each registration's
`created_at` (stamped by the database) is set afterwards to the moment it was made."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities import services as activity_services
from lifelong.activities import waitlist
from lifelong.activities.checkin import checkin_record
from lifelong.activities.choices import ACTIVE_STATUSES, Audience, Category, RegistrationStatus
from lifelong.activities.models import Activity, Registration, Session
from lifelong.common.errors import DomainError
from lifelong.institutions.models import Institution
from lifelong.passport import services as passport_services
from lifelong.passport.models import LearningRecord
from lifelong.regions.models import Region

TOWNS = ["330424105", "330424001", "330424101"]  # Tongyuan, Wuyuan, another town
ZONE = timezone.get_default_timezone()
FIRST = datetime(2025, 9, 1, tzinfo=ZONE)
LAST = datetime(2026, 1, 31, tzinfo=ZONE)
# Sessions at these local times sit on either side of a month's (and a quarter's) boundary.
EDGE_STARTS = [
    datetime(2025, 11, 30, 23, 30, tzinfo=ZONE),
    datetime(2025, 12, 1, 0, 30, tzinfo=ZONE),
    datetime(2025, 9, 30, 23, 45, tzinfo=ZONE),
    datetime(2025, 12, 31, 23, 0, tzinfo=ZONE),
]
_phones = iter(range(10_000_000, 99_999_999))


@dataclass
class World:
    demo: object
    rng: random.Random
    learners: list[User] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    villages: list[Region] = field(default_factory=list)


def _moment(rng: random.Random) -> datetime:
    span = (LAST - FIRST).total_seconds()
    return FIRST + timedelta(seconds=rng.uniform(0, span))


def world_build(demo, *, seed: int, learners: int = 30, activities: int = 12, actions: int = 250) -> World:
    rng = random.Random(seed)
    world = World(demo=demo, rng=rng)
    towns = list(Region.objects.filter(code__in=TOWNS))
    for town in towns:  # every other village of each town, four per town
        world.villages += list(Region.objects.filter(parent=town).order_by("path"))[::2][:4]
    homes = [*world.villages, None]  # one in a while, a learner with no home region
    for n in range(learners):
        home = homes[n % len(homes)]
        joined = _moment(rng) if n % 3 else datetime(2025, 1, 5, tzinfo=ZONE)
        world.learners.append(
            User.objects.create_user(
                f"137{next(_phones)}",
                "learner-pass-1",
                name=f"学员{n}",
                home_region=home,
                birth_year=1950 + n,
                date_joined=joined,
            )
        )
    places = list(
        Institution.objects.filter(kind="teaching_point", region__in=world.villages).order_by("pk")[:6]
    ) + list(Institution.objects.filter(kind="community_school", region__in=towns).order_by("pk"))
    places.append(Institution.objects.filter(region__level="county").order_by("pk").first())
    for n in range(activities):
        world.activities.append(_activity(world, places[n % len(places)], n))
    # One never published and one cancelled after people registered: neither is "held".
    _activity(world, places[0], 99, publish=False)
    doomed = _activity(world, places[1], 98)
    _register(world, doomed, world.learners[0], datetime(2025, 10, 3, 9, tzinfo=ZONE))
    activity_services.activity_cancel(actor=demo.county_admin, activity=doomed)
    world_act(world, actions)
    _leave_an_offer_open(world)
    return world


def _leave_an_offer_open(world: World) -> None:
    """A last cancellation at an activity that gives time to accept, so a seat stands offered."""
    for activity in world.activities:
        if activity.offer_hours and activity.registrations.filter(status=RegistrationStatus.WAITLISTED).exists():
            confirmed = activity.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("pk").first()
            if confirmed:
                activity_services.registration_cancel(
                    actor=world.demo.county_admin, registration=confirmed, now=LAST - timedelta(days=1)
                )
                return


def _activity(world: World, institution: Institution, n: int, *, publish: bool = True) -> Activity:
    rng, demo = world.rng, world.demo
    starts = []
    for _ in range(rng.randint(1, 3)):
        starts.append(rng.choice(EDGE_STARTS) if rng.random() < 0.25 else _moment(rng))
    activity = activity_services.activity_create(
        actor=demo.county_admin,
        institution=institution,
        sessions=[{"starts_at": s, "ends_at": s + timedelta(hours=rng.choice([1, 2]))} for s in sorted(set(starts))],
        title=f"课程{n}",
        category=rng.choice(Category.values),
        audiences=rng.sample(Audience.values, rng.randint(1, 2)),
        capacity=rng.randint(2, 4),
        reserved_offline=0,
        registration_opens=FIRST - timedelta(days=10),
        registration_closes=LAST + timedelta(days=30),
        requires_approval=rng.random() < 0.25,
        waitlist=rng.random() < 0.7,
        offer_hours=rng.choice([0, 24]),
        hours=rng.choice([0, Decimal("1.5"), 2]),
        now=FIRST - timedelta(days=10),  # entered when registration opened
    )
    if publish:
        activity = activity_services.activity_publish(actor=demo.county_admin, activity=activity)
    return activity


def _register(world: World, activity: Activity, learner: User, moment: datetime) -> Registration | None:
    actor = learner if world.rng.random() < 0.5 else world.demo.county_admin
    try:
        registration = activity_services.registration_create(
            actor=actor, activity=activity, learner=learner, channel="proxy", now=moment
        )
    except DomainError:  # full, already registered, …: refusals are part of the mix
        return None
    Registration.objects.filter(pk=registration.pk).update(created_at=moment)
    return registration


def world_act(world: World, actions: int) -> None:
    """`actions` random steps, in time order."""
    rng, admin = world.rng, world.demo.county_admin
    for moment in sorted(_moment(rng) for _ in range(actions)):
        roll = rng.random()
        activity = rng.choice(world.activities)
        try:
            if roll < 0.35:
                _register(world, activity, rng.choice(world.learners), moment)
            elif roll < 0.42:
                registration = _pick(Registration.objects.filter(activity=activity, status__in=ACTIVE_STATUSES), rng)
                if registration:
                    activity_services.registration_cancel(actor=admin, registration=registration, now=moment)
            elif roll < 0.57:
                registration = _pick(Registration.objects.filter(status=RegistrationStatus.PENDING), rng)
                if registration and rng.random() < 0.5:
                    activity_services.registration_approve(actor=admin, registration=registration)
                elif registration:
                    activity_services.registration_reject(actor=admin, registration=registration)
            elif roll < 0.60:
                registration = _pick(Registration.objects.filter(status=RegistrationStatus.OFFERED), rng)
                if registration and rng.random() < 0.5:
                    activity_services.registration_offer_accept(
                        actor=registration.learner, registration=registration, now=moment
                    )
                elif registration:
                    waitlist.waitlist_offer_lapse(registration_id=registration.pk, now=registration.offer_expires_at)
            elif roll < 0.88:
                registration = _pick(Registration.objects.filter(status=RegistrationStatus.CONFIRMED), rng)
                session = registration and _pick(Session.objects.filter(activity=registration.activity_id), rng)
                if registration and session:
                    checkin_record(
                        actor=admin,
                        session=session,
                        learner=registration.learner,
                        method="staff",
                        now=session.starts_at + timedelta(minutes=5),
                    )
            elif roll < 0.93:
                record = _pick(
                    LearningRecord.objects.filter(source="attendance", reverses__isnull=True, reversed_by__isnull=True),
                    rng,
                )
                if record:
                    passport_services.record_reverse(actor=admin, record=record, reason="签到有误")
            else:
                learner = rng.choice([u for u in world.learners if u.home_region_id])
                hours = Decimal(rng.choice(["1.5", "2", "-1", "0.5"]))
                passport_services.record_adjust(
                    actor=admin,
                    learner=learner,
                    hours=hours,
                    learned_on=timezone.localdate(moment),
                    title="补记学时",
                    reason="纸质记录补录",
                )
        except DomainError:
            continue


def _pick(queryset, rng: random.Random):
    rows = list(queryset.order_by("pk"))
    return rng.choice(rows) if rows else None
