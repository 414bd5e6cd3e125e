"""Demo data for campaigns: the 2019 Learning Week as a finished campaign with its programme,
registrations, attendance and report, made through the services staff use with the clock
set back to when things happened. Demo only: never in production."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.common.demo import haiyan
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

from .models import Campaign
from .reports import campaign_report_generate
from .services import campaign_create

SURNAMES = "沈陆朱钱吴褚顾严曹蒋胡潘姚徐王张李陈杨黄金冯"
GIVEN_NAMES = ["建国", "秀英", "国平", "玉珍", "志强", "美华", "金根", "桂芬", "卫东", "丽娟", "海明", "小英", "永康"]


def demo_learning_week_2019_load() -> Campaign:
    rng = random.Random(2019)  # noqa: S311 - plausible demo names, nothing secret
    county_admin = User.objects.get(phone=haiyan.PERSONAS[0][0])
    county = Region.objects.get(level="county")
    spec = haiyan.LEARNING_WEEK_2019
    targets = spec["targets"]
    week = campaign_create(
        actor=county_admin,
        host_region=county,
        slug=spec["slug"],
        name=spec["name"],
        name_en=spec["name_en"],
        theme=spec["theme"],
        opening_event=spec["opening_event"],
        goals=spec["goals"],
        starts_on=date(*spec["starts_on"]),
        ends_on=date(*spec["ends_on"]),
        target_activities=targets["activities"],
        target_registrations=targets["registrations"],
        target_attendance=targets["attendance"],
        target_hours=targets["hours"],
    )
    opening = datetime.combine(week.starts_on, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    residents: dict[str, list[User]] = {}
    for row in haiyan.LEARNING_WEEK_2019_ACTIVITIES:
        _week_activity_load(row, week=week, opening=opening, county_admin=county_admin, residents=residents, rng=rng)
    campaign_report_generate(campaign=week, now=opening + timedelta(days=7, hours=9))
    return week


def _week_activity_load(
    row: tuple,
    *,
    week: Campaign,
    opening: datetime,
    county_admin: User,
    residents: dict[str, list[User]],
    rng: random.Random,
) -> None:
    """One activity of the 2019 week as it happened: entered when registration opened,
    published, its residents registered a week before, and those who came checked in."""
    from lifelong.activities import checkin
    from lifelong.activities import services as activity_services

    title, title_en, category, audiences, (kind, town), day, hour, hours, registered, attended = row
    town_code = town or "330424001"  # county-run activities draw the county seat's residents
    places = Institution.objects.filter(kind=kind)
    institution = (places.filter(region__code=town) if town else places.filter(region__level="county")).first()
    starts = opening + timedelta(days=day, hours=hour)
    activity = activity_services.activity_create(
        actor=county_admin,
        institution=institution,
        venue=institution.venues.order_by("-capacity").first(),
        sessions=[{"starts_at": starts, "ends_at": starts + timedelta(hours=hours)}],
        title=title,
        title_en=title_en,
        category=category,
        audiences=audiences,
        capacity=max(registered + 5, 20),
        registration_opens=opening - timedelta(days=14),
        registration_closes=starts - timedelta(hours=12),
        hours=Decimal("0"),
        campaign=week,
        now=opening - timedelta(days=14),  # entered when registration opened
    )
    activity_services.activity_publish(actor=county_admin, activity=activity)
    people = _residents(residents, town_code, registered, county_admin, rng)
    session = activity.sessions.get()
    for n, learner in enumerate(people):
        activity_services.registration_create(
            actor=county_admin, activity=activity, learner=learner, now=opening - timedelta(days=7, minutes=-n)
        )
    for learner in people[:attended]:
        checkin.checkin_record(actor=county_admin, session=session, learner=learner, now=starts + timedelta(minutes=5))


def _residents(
    residents: dict[str, list[User]], town_code: str, wanted: int, staff: User, rng: random.Random
) -> list[User]:
    """`wanted` residents of the town (managed profiles, made on first use and shared by the
    town's activities, so one person can appear in two of them)."""
    have = residents.setdefault(town_code, [])
    if len(have) < wanted:
        villages = list(Region.objects.filter(parent__code=town_code).order_by("code")[:3])
        for n in range(len(have), wanted):
            have.append(
                User.objects.create(
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
                    birth_year=rng.randint(1945, 2005),
                    home_region=villages[n % len(villages)],
                    created_by=staff,
                    password=make_password(None),
                )
            )
    rng.shuffle(have)
    return have[:wanted]
