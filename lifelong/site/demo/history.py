"""A year of the demo county's past: activities held in the current month (sessions earlier
this month) and in each of the twelve before it, across towns and villages, with their
registrations, check-ins and so learning hours, so every dashboard period, the trend and the
open-data page have figures the moment the demo starts. Demo only: never in production.

Everything is made through the services staff use (activity_create / activity_publish,
registration_create, checkin_record), each with the clock set back to when it happened (their
`now=` argument), so the ledger entries, completions and venue bookings are the real rows the
dashboards' rollups read: no figure is written anywhere as a total. Two columns those services
stamp with the real clock are set back afterwards, with one UPDATE each, because the rollups
read them: a registration's `created_at` (registrations count in the period they were made)
and a resident's `date_joined` (registered learners count from the day the account was made).

About 300 residents (phone-less profiles made by staff, as a village's helpers register
people who have no smartphone) live in about three villages out of four, so coverage and
participation are real ratios and not 100 %. They are the one exception to "through the
services": one bulk insert instead of 300 calls of accounts.services.learner_register, so they
have no `learner_registered` audit rows (nothing the dashboards read) and no per-row validation
(the values are made here, from known villages).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities import checkin
from lifelong.activities import services as activity_services
from lifelong.activities.models import Activity, Registration, Session
from lifelong.common.demo import haiyan
from lifelong.common.errors import Conflict
from lifelong.institutions.models import Institution, Venue
from lifelong.regions.models import Region

MONTHS = 13  # the current month and the twelve before it: a year of trend plus this month
RESIDENTS = 300
SURNAMES = "沈陆朱钱吴褚顾严曹蒋胡潘姚徐王张李陈杨黄金冯许何吕施孔屠俞邱费鲁"
GIVEN_NAMES = [
    "建国", "秀英", "国平", "玉珍", "志强", "美华", "金根", "桂芬", "卫东", "丽娟", "海明", "小英", "永康",
    "阿三", "雪芳", "根宝", "月娥", "伟民", "素琴", "忠良", "菊英", "荣华", "巧玲", "德兴", "凤仙", "春林",
    "梅芳", "家良", "杏娟", "水根",
]  # fmt: skip


@dataclass(frozen=True)
class Course:
    title: str
    title_en: str
    category: str
    audiences: tuple[str, ...]
    hours: float  # each session's length


# What villages, town community schools and county institutions run in an ordinary year.
VILLAGE_COURSES = [
    Course("智能手机入门", "Smartphone basics", "digital_skills", ("elderly",), 2),
    Course("防范电信诈骗讲座", "Avoiding phone scams", "civic", ("elderly", "all"), 1.5),
    Course("老年健康讲座", "Health talk for older people", "health", ("elderly",), 1.5),
    Course("村史故事会", "Village history evening", "culture", ("all",), 2),
    Course("广场舞练习", "Square dance practice", "sports", ("elderly", "all"), 1.5),
    Course("家庭急救常识", "First aid at home", "health", ("families",), 2),
]
TOWN_COURSES = [
    Course("果蔬种植技术", "Fruit and vegetable growing", "agriculture", ("farmers",), 3),
    Course("书法兴趣班", "Calligraphy class", "arts", ("elderly",), 2),
    Course("亲子阅读会", "Parent and child reading", "reading", ("families",), 1.5),
    Course("电工技能培训", "Electrician skills training", "vocational", ("workers",), 3),
    Course("退役军人创业课", "Business start-up for veterans", "vocational", ("veterans",), 2),
    Course("越剧欣赏", "Yue opera appreciation", "culture", ("elderly",), 2),
]
COUNTY_COURSES = [
    Course("海盐历史文化讲堂", "Haiyan history lectures", "culture", ("all",), 2),
    Course("手机摄影课", "Phone photography", "digital_skills", ("all",), 2),
    Course("青年读书会", "Young readers' circle", "reading", ("youth",), 2),
]


def _residents(rng: random.Random, staff: User, villages: list[Region], today: date) -> dict[int, list[User]]:
    """RESIDENTS phone-less residents in three villages (or communities) of every four, each
    with an account made 14 to 36 months ago. Returns them by home village."""
    homes = [v for v in villages if rng.random() < 0.75]
    password = make_password(None)  # no password: they are registered by staff, never sign in
    people = []
    for n in range(RESIDENTS):
        people.append(
            User(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
                birth_year=rng.randint(1938, 1995),
                home_region=homes[n % len(homes)],
                created_by=staff,
                password=password,
            )
        )
    User.objects.bulk_create(people)  # sets their primary keys (PostgreSQL, SQLite ≥ 3.35)
    by_village: dict[int, list[User]] = {}
    for person in people:
        by_village.setdefault(person.home_region_id, []).append(person)
    # The accounts' real creation date, set back: see the module's docstring.
    for person in people:
        person.date_joined = timezone.make_aware(
            datetime.combine(today - timedelta(days=rng.randint(430, 1100)), time(10))
        )
    User.objects.bulk_update(people, ["date_joined"], batch_size=500)
    return by_village


def _slots(month_start: date, now: datetime, rng: random.Random, count: int) -> list[datetime]:
    """`count` session starts (county time, 09:00 or 14:00) within the month that have already
    ended by `now`; fewer, or one squeezed in just before `now`, early in a month."""
    zone = timezone.get_default_timezone()
    local_now = timezone.localtime(now, zone)
    next_month = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
    last_day = min(next_month - timedelta(days=1), local_now.date())
    days = [month_start + timedelta(days=n) for n in range((last_day - month_start).days + 1)]
    slots = [
        datetime.combine(day, time(hour), tzinfo=zone)
        for day in days
        for hour in (9, 14)
        if datetime.combine(day, time(hour + 3), tzinfo=zone) <= local_now
    ]
    if not slots:  # the first hours of a month: one short session that began at midnight
        return [datetime.combine(month_start, time(0), tzinfo=zone)]
    rng.shuffle(slots)
    return sorted(slots[:count])


def demo_history_load(*, now: datetime | None = None, seed: int = 2026) -> dict[str, int]:
    """Make the past year's activities (see the module docstring). The county admin persona
    organizes, registers (by proxy) and checks in, as county staff may everywhere. Returns
    counts of what was made."""
    now = now or timezone.now()
    tasks_before = _tasks_queued_before()
    rng = random.Random(seed)  # noqa: S311 - plausible demo data, nothing secret
    today = timezone.localdate(now)
    staff = User.objects.get(phone=haiyan.PERSONAS[0][0])  # the county admin
    villages = list(Region.objects.filter(level="village").select_related("parent").order_by("code"))
    county = _county(villages, _residents(rng, staff, villages, today))
    history = _History(rng=rng, now=now, staff=staff, county=county)
    for back in range(MONTHS):
        history.month_load(_month_start(today, back))
    history.registrations_set_back()
    transaction.on_commit(lambda: _forget_tasks_after(tasks_before))
    return {"residents": len(county.everyone), **history.made}


@dataclass(frozen=True)
class _County:
    """Where the history's residents live, and the places that can hold their classes."""

    by_village: dict[int, list[User]]
    by_town: dict[int, list[User]]
    everyone: list[User]
    schools: list[Institution]  # the towns' community schools
    county_places: list[Institution]
    village_places: dict[int, list[Institution]]
    lived_in: list[Region]  # villages with residents and somewhere to learn


def _county(villages: list[Region], by_village: dict[int, list[User]]) -> _County:
    by_town: dict[int, list[User]] = {}
    for village in villages:
        by_town.setdefault(village.parent_id, []).extend(by_village.get(village.pk, []))
    village_places: dict[int, list[Institution]] = {}
    for place in Institution.objects.filter(region__level="village").prefetch_related("venues"):
        village_places.setdefault(place.region_id, []).append(place)
    return _County(
        by_village=by_village,
        by_town=by_town,
        everyone=[p for people in by_village.values() for p in people],
        schools=list(Institution.objects.filter(kind="community_school").prefetch_related("venues")),
        county_places=list(Institution.objects.filter(region__level="county").prefetch_related("venues")),
        village_places=village_places,
        lived_in=[v for v in villages if v.pk in by_village and v.pk in village_places],
    )


@dataclass
class _History:
    """The year being made: one random stream drawn in a fixed order (so the demo is the same
    every time), the rooms already booked, and what was made so far."""

    rng: random.Random
    now: datetime
    staff: User
    county: _County
    made: dict[str, int] = field(default_factory=lambda: {"activities": 0, "registrations": 0, "attendances": 0})
    registered_at: list[tuple[int, datetime]] = field(default_factory=list)
    booked: set[tuple[int, datetime]] = field(default_factory=set)

    def month_load(self, month_start: date) -> None:
        slots = _slots(month_start, self.now, self.rng, 12)
        self._village_classes(slots)
        self._town_classes(slots)
        self._school_classes_for_a_village(slots)
        self._county_class(slots)

    def _village_classes(self, slots: list[datetime]) -> None:
        """A course at the teaching point or the culture hall, for the village's own residents
        (so the village counts as covered, held there and for them)."""
        rng, county = self.rng, self.county
        for village in rng.sample(county.lived_in, min(6, len(county.lived_in))):
            people = county.by_village[village.pk]
            course = rng.choice(VILLAGE_COURSES)
            self.hold(
                rng.choice(county.village_places[village.pk]),
                course,
                [rng.choice(slots)],
                rng.sample(people, min(len(people), rng.randint(3, 6))),
                residents_of=village if rng.random() < 0.5 else None,
            )

    def _town_classes(self, slots: list[datetime]) -> None:
        """The community school's classes, open to the town."""
        rng = self.rng
        for school in rng.sample(self.county.schools, 2):
            people = self.county.by_town.get(school.region_id, [])
            if not people:
                continue
            course = rng.choice(TOWN_COURSES)
            sessions = rng.sample(slots, min(2, len(slots)))
            chosen = rng.sample(people, min(len(people), rng.randint(6, 10)))
            # One class in three is popular: two more people than seats, who wait.
            seats = len(chosen) - 2 if rng.random() < 0.35 else 0
            self.hold(school, course, sorted(sessions), chosen, seats=seats)

    def _school_classes_for_a_village(self, slots: list[datetime]) -> None:
        """A class kept for the residents of one village of the town (held at the school,
        covering that village)."""
        rng, county = self.rng, self.county
        for school in rng.sample(county.schools, 2):
            targeted = [v for v in county.lived_in if v.parent_id == school.region_id]
            if targeted:
                village = rng.choice(targeted)
                people = county.by_village[village.pk]
                self.hold(
                    school,
                    rng.choice(VILLAGE_COURSES),
                    [rng.choice(slots)],
                    rng.sample(people, min(len(people), 5)),
                    residents_of=village,
                )

    def _county_class(self, slots: list[datetime]) -> None:
        """The county's own institutions draw people from everywhere."""
        rng, county = self.rng, self.county
        self.hold(
            rng.choice(county.county_places),
            rng.choice(COUNTY_COURSES),
            [rng.choice(slots)],
            rng.sample(county.everyone, min(len(county.everyone), rng.randint(8, 12))),
        )

    def hold(
        self,
        institution: Institution,
        course: Course,
        starts: list[datetime],
        people: list[User],
        seats: int = 0,
        **extra,
    ) -> None:
        """Hold `course` at `institution` for `people`; with `seats`, only that many get one and
        the rest wait (the unmet demand the dashboard points at)."""
        venue = max(institution.venues.all(), key=lambda v: v.capacity)
        starts = [s for s in starts if (venue.pk, s) not in self.booked]
        if not starts or not people:
            return
        self.booked.update((venue.pk, s) for s in starts)
        opens = starts[0] - timedelta(days=14)
        activity = self._activity_create(
            institution, venue, course, starts, opens, capacity=seats or max(len(people) + 5, 20), **extra
        )
        if activity is None:
            return
        activity_services.activity_publish(actor=self.staff, activity=activity)
        self.made["activities"] += 1
        sessions = list(activity.sessions.order_by("starts_at"))
        for n, learner in enumerate(people):
            self._register_and_attend(activity, sessions, learner, when=opens + timedelta(days=1, minutes=7 * n))

    def _activity_create(
        self,
        institution: Institution,
        venue: Venue,
        course: Course,
        starts: list[datetime],
        opens: datetime,
        capacity: int,
        **extra,
    ) -> Activity | None:
        """The activity, entered when its registration opened (None: its room is taken then by
        another part of the demo)."""
        length = timedelta(hours=course.hours)
        try:
            return activity_services.activity_create(
                actor=self.staff,
                institution=institution,
                venue=venue,
                sessions=[
                    # Midnight sessions only squeeze into a month's first hours: keep them short.
                    {"starts_at": s, "ends_at": s + (length if s.hour else timedelta(minutes=20))}
                    for s in starts
                ],
                title=course.title,
                title_en=course.title_en,
                category=course.category,
                audiences=list(course.audiences),
                capacity=capacity,
                registration_opens=opens,
                registration_closes=starts[0] - timedelta(minutes=30),
                hours=Decimal("0"),
                offer_hours=24,
                now=opens,  # entered when registration opened
                **extra,
            )
        except Conflict as error:
            if error.code != "venue_booked":
                raise
            return None

    def _register_and_attend(
        self, activity: Activity, sessions: list[Session], learner: User, *, when: datetime
    ) -> None:
        """Register `learner` at `when`; with a seat, they come to most sessions."""
        registration = activity_services.registration_create(
            actor=self.staff, activity=activity, learner=learner, now=when
        )
        self.registered_at.append((registration.pk, when))
        self.made["registrations"] += 1
        if registration.status != "confirmed":  # on the waitlist: no seat, no check-in
            return
        for session in sessions:
            if self.rng.random() < 0.82:  # most come; some stay home
                checkin.checkin_record(
                    actor=self.staff,
                    session=session,
                    learner=learner,
                    method="paper",
                    # Never later than now: early on the 1st the session began minutes ago.
                    now=min(session.starts_at + timedelta(minutes=self.rng.randint(0, 10)), self.now),
                )
                self.made["attendances"] += 1

    def registrations_set_back(self) -> None:
        """The registrations' real creation time, set back: see the module's docstring."""
        rows = Registration.objects.in_bulk([pk for pk, _when in self.registered_at])
        for pk, when in self.registered_at:
            rows[pk].created_at = when
        Registration.objects.bulk_update(rows.values(), ["created_at"], batch_size=500)


def _tasks_queued_before() -> dict[str, int]:
    """The last queued task's id once the work queued so far is in the queue. The services
    queue their tasks when the transaction commits, in order, so an on_commit callback
    registered now runs after the earlier ones' and before ours."""
    marker: dict[str, int] = {}

    def note() -> None:
        from django_tasks_db.models import DBTaskResult

        marker["last"] = DBTaskResult.objects.order_by("-enqueued_at").values_list("pk", flat=True).first()

    if _database_queue():
        transaction.on_commit(note)
    return marker


def _forget_tasks_after(marker: dict[str, int]) -> None:
    """Drop the tasks the history queued: the notices of registrations and publications a year
    ago (nobody should get a text about them now, and the county admin's notices would fill
    with a hundred "published" ones), the reminders of sessions long over and the
    low-enrolment checks of activities already held. The demo's past was lived before the demo
    started; only its rows remain."""
    if not _database_queue() or "last" not in marker:
        return
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.all()
    if marker["last"] is not None:
        last = DBTaskResult.objects.get(pk=marker["last"])
        queued = queued.filter(enqueued_at__gt=last.enqueued_at)
    queued.delete()


def _database_queue() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def _month_start(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)
