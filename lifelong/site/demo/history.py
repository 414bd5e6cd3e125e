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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.common.demo import haiyan
from lifelong.common.errors import Conflict
from lifelong.institutions.models import Institution
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
    from lifelong.activities import checkin
    from lifelong.activities import services as activity_services
    from lifelong.activities.models import Registration

    now = now or timezone.now()
    tasks_before = _tasks_queued_before()
    rng = random.Random(seed)  # noqa: S311 - plausible demo data, nothing secret
    today = timezone.localdate(now)
    staff = User.objects.get(phone=haiyan.PERSONAS[0][0])  # the county admin
    villages = list(Region.objects.filter(level="village").select_related("parent").order_by("code"))
    by_village = _residents(rng, staff, villages, today)
    by_town: dict[int, list[User]] = {}
    for village in villages:
        by_town.setdefault(village.parent_id, []).extend(by_village.get(village.pk, []))
    everyone = [p for people in by_village.values() for p in people]
    schools = list(Institution.objects.filter(kind="community_school").prefetch_related("venues"))
    county_places = list(Institution.objects.filter(region__level="county").prefetch_related("venues"))
    village_places: dict[int, list[Institution]] = {}
    for place in Institution.objects.filter(region__level="village").prefetch_related("venues"):
        village_places.setdefault(place.region_id, []).append(place)
    lived_in = [v for v in villages if v.pk in by_village and v.pk in village_places]

    made = {"activities": 0, "registrations": 0, "attendances": 0}
    registered_at: list[tuple[int, datetime]] = []
    booked: set[tuple[int, datetime]] = set()

    def hold(
        institution: Institution, course: Course, starts: list[datetime], people: list[User], seats: int = 0, **extra
    ) -> None:
        """Hold `course` at `institution` for `people`; with `seats`, only that many get one and
        the rest wait (the unmet demand the dashboard points at)."""
        venue = max(institution.venues.all(), key=lambda v: v.capacity)
        starts = [s for s in starts if (venue.pk, s) not in booked]
        if not starts or not people:
            return
        booked.update((venue.pk, s) for s in starts)
        first = starts[0]
        length = timedelta(hours=course.hours)
        opens = first - timedelta(days=14)
        try:
            activity = activity_services.activity_create(
                actor=staff,
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
                capacity=seats or max(len(people) + 5, 20),
                registration_opens=opens,
                registration_closes=first - timedelta(minutes=30),
                hours=Decimal("0"),
                offer_hours=24,
                now=opens,  # entered when registration opened
                **extra,
            )
        except Conflict as error:  # the room is taken then by another part of the demo
            if error.code != "venue_booked":
                raise
            return
        activity_services.activity_publish(actor=staff, activity=activity)
        made["activities"] += 1
        sessions = list(activity.sessions.order_by("starts_at"))
        for n, learner in enumerate(people):
            when = opens + timedelta(days=1, minutes=7 * n)
            registration = activity_services.registration_create(
                actor=staff, activity=activity, learner=learner, now=when
            )
            registered_at.append((registration.pk, when))
            made["registrations"] += 1
            if registration.status != "confirmed":  # on the waitlist: no seat, no check-in
                continue
            for session in sessions:
                if rng.random() < 0.82:  # most come; some stay home
                    checkin.checkin_record(
                        actor=staff,
                        session=session,
                        learner=learner,
                        method="paper",
                        # Never later than now: early on the 1st the session began minutes ago.
                        now=min(session.starts_at + timedelta(minutes=rng.randint(0, 10)), now),
                    )
                    made["attendances"] += 1

    for back in range(MONTHS):
        month_start = _month_start(today, back)
        slots = _slots(month_start, now, rng, 12)
        # Villages: a course at the teaching point or the culture hall, for the village's own
        # residents (so the village counts as covered, held there and for them).
        for village in rng.sample(lived_in, min(6, len(lived_in))):
            people = by_village[village.pk]
            course = rng.choice(VILLAGE_COURSES)
            hold(
                rng.choice(village_places[village.pk]),
                course,
                [rng.choice(slots)],
                rng.sample(people, min(len(people), rng.randint(3, 6))),
                residents_of=village if rng.random() < 0.5 else None,
            )
        # Towns: the community school's classes, open to the town, and one kept for the
        # residents of one village of the town (held at the school, covering that village).
        for school in rng.sample(schools, 2):
            people = by_town.get(school.region_id, [])
            if not people:
                continue
            course = rng.choice(TOWN_COURSES)
            sessions = rng.sample(slots, min(2, len(slots)))
            chosen = rng.sample(people, min(len(people), rng.randint(6, 10)))
            # One class in three is popular: two more people than seats, who wait.
            seats = len(chosen) - 2 if rng.random() < 0.35 else 0
            hold(school, course, sorted(sessions), chosen, seats=seats)
        for school in rng.sample(schools, 2):
            targeted = [v for v in lived_in if v.parent_id == school.region_id]
            if targeted:
                village = rng.choice(targeted)
                people = by_village[village.pk]
                hold(
                    school,
                    rng.choice(VILLAGE_COURSES),
                    [rng.choice(slots)],
                    rng.sample(people, min(len(people), 5)),
                    residents_of=village,
                )
        # The county's own institutions draw people from everywhere.
        hold(
            rng.choice(county_places),
            rng.choice(COUNTY_COURSES),
            [rng.choice(slots)],
            rng.sample(everyone, min(len(everyone), rng.randint(8, 12))),
        )

    # The registrations' real creation time, set back: see the module's docstring.
    rows = Registration.objects.in_bulk([pk for pk, _when in registered_at])
    for pk, when in registered_at:
        rows[pk].created_at = when
    Registration.objects.bulk_update(rows.values(), ["created_at"], batch_size=500)
    transaction.on_commit(lambda: _forget_tasks_after(tasks_before))
    return {"residents": len(everyone), **made}


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
