"""Load the demo county into an empty database: the three-level network, its institutions
and venues, and the DESIGN §5 personas. Demo only: never in production."""

import random
import zlib
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from lifelong.accounts.models import RoleGrant, User
from lifelong.campaigns.demo import demo_learning_week_2019_load
from lifelong.campaigns.models import Campaign
from lifelong.campaigns.services import campaign_create
from lifelong.common.demo import haiyan
from lifelong.honours.demo import demo_honours_load
from lifelong.institutions.demo import venue_bookings_demo_load
from lifelong.institutions.models import Institution, Venue
from lifelong.news.demo import demo_news_load
from lifelong.regions.models import Region
from lifelong.resources.demo import demo_resources_load
from lifelong.site.demo.community import demo_community_load

from . import activity_texts
from .history import demo_history_load
from .pictures import demo_pictures_load


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Split `total` into `parts` plausible shares that add up exactly."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _regions() -> tuple[Region, dict[str, Region], dict[str, list[Region]]]:
    rng = random.Random(330424)  # noqa: S311 - plausible demo populations, nothing secret
    county = Region(level="county", parent=None, **haiyan.COUNTY)
    county.path = Region.path_for(None, county.code)
    county.save()
    towns: dict[str, Region] = {}
    children: dict[str, list[Region]] = {}
    rows: list[Region] = []
    for index, spec in enumerate(haiyan.TOWNS):
        town = Region(
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            level="town",
            parent=county,
            population=spec.population,
            path=Region.path_for(county, spec.code),
        )
        town.save()
        towns[spec.code] = town
        names = [(f"{spec.short}社区", f"{spec.short_en} Community", "community")]
        offset = index * 2
        for n in range(spec.communities - 1):
            zh, en = haiyan.COMMUNITY_NAMES[(offset + n) % len(haiyan.COMMUNITY_NAMES)]
            names.append((f"{zh}社区", f"{en} Community", "community"))
        for n in range(spec.villages):
            zh, en = haiyan.VILLAGE_NAMES[(index * 5 + n) % len(haiyan.VILLAGE_NAMES)]
            names.append((f"{zh}村", f"{en} Village", "village"))
        populations = _split(spec.population, len(names), rng)
        community_no = village_no = 0
        for (zh, en, kind), population in zip(names, populations, strict=True):
            if kind == "community":
                community_no += 1
                code = f"{spec.code}{community_no:03d}"
            else:
                village_no += 1
                code = f"{spec.code}{200 + village_no:03d}"
            region = Region(
                code=code,
                name=zh,
                name_en=en,
                level="village",
                parent=town,
                population=population,
                path=Region.path_for(town, code),
            )
            rows.append(region)
            children.setdefault(spec.code, []).append(region)
    Region.objects.bulk_create(rows)
    return county, towns, children


def _institution(kind: str, region: Region, name: str, name_en: str) -> Institution:
    return Institution(kind=kind, region=region, name=name, name_en=name_en)


# A room to be made: (institution, name, English name, capacity, accessibility notes zh/en, where it is)
_Room = tuple[Institution, str, str, int, str, str, haiyan.Place]


@transaction.atomic
def demo_county_load(*, with_activities: bool = True, with_history: bool = False) -> dict[str, int]:
    """Create the demo county (and, unless told not to, its upcoming activities). The caller
    makes sure the database holds no regions yet. `with_history` adds a year of past classes,
    check-ins and learning hours so every dashboard period has figures (`manage.py demo_load`
    asks for it; tests that do not read the past skip its seconds of work)."""
    county, towns, children = _regions()
    institutions, venues = _institutions(county, towns, children)
    places: dict[str, Region | Institution] = {
        "county": county,
        **towns,
        "tongyuan_village": next(r for r in children["330424105"] if r.name.endswith("村")),
        "wuyuan_community": children["330424001"][0],
        "tongyuan_school": next(
            i for i in institutions if i.kind == "community_school" and i.region_id == towns["330424105"].pk
        ),
    }
    _personas(places)
    activities = _demo_activities(towns, places["tongyuan_village"]) if with_activities else 0
    if with_activities:
        _demo_learning_history(places["tongyuan_school"])
        _other_demos_load(with_history=with_history)
    return {
        "regions": Region.objects.count(),
        "institutions": len(institutions),
        "venues": len(venues),
        "personas": len(haiyan.PERSONAS),
        "activities": activities,
    }


def _institutions(
    county: Region, towns: dict[str, Region], children: dict[str, list[Region]]
) -> tuple[list[Institution], list[_Room]]:
    """The county's, the towns' and the villages' institutions and their rooms, saved."""
    institutions: list[Institution] = []
    venues: list[_Room] = []
    for _, kind, name, name_en, rooms in haiyan.COUNTY_INSTITUTIONS:
        institution = _institution(kind, county, name, name_en)
        institutions.append(institution)
        venues += [(institution, *room, haiyan.INSTITUTION_PLACES[name]) for room in rooms]
    for spec in haiyan.TOWNS:
        _town_institutions(spec, towns[spec.code], children[spec.code], institutions, venues)
    for town_code, name, name_en, room, room_en, capacity in haiyan.EXPERIENCE_HALLS:
        hall = _institution("experience_hall", towns[town_code], name, name_en)
        institutions.append(hall)
        venues.append(
            (
                hall,
                room,
                room_en,
                capacity,
                *haiyan.EXPERIENCE_HALL_ACCESSIBILITY[name],
                haiyan.INSTITUTION_PLACES[name],
            )
        )
    Institution.objects.bulk_create(institutions)
    _venues_create(venues)
    return institutions, venues


def _town_institutions(
    spec: haiyan.Town,
    town: Region,
    villages: list[Region],
    institutions: list[Institution],
    venues: list[_Room],
) -> None:
    """A town's community school, and each of its villages' teaching point (and, in a village
    rather than a community, its culture hall), appended with their rooms."""
    school = _institution("community_school", town, f"{spec.short}社区学校", f"{spec.short_en} Community School")
    institutions.append(school)
    school_place = haiyan.town_school_place(spec.code)
    venues += [
        (
            school,
            "多功能教室",
            "Multi-purpose classroom",
            60,
            "一楼，无障碍通道",
            "Ground floor, step-free",
            school_place,
        ),
        (school, "电脑教室", "Computer room", 30, "二楼，无电梯", "First floor, no lift", school_place),
    ]
    for village in villages:
        point = _institution("teaching_point", village, f"{village.name}教学点", f"{village.name_en} Teaching Point")
        institutions.append(point)
        point_place = haiyan.village_place(
            spec.code, spec.name, village.code, village.name, village.name_en, hall=False
        )
        venues.append((point, "学习室", "Study room", 30, "一楼", "Ground floor", point_place))
        if village.name.endswith("村"):
            hall = _institution(
                "culture_hall", village, f"{village.name}文化礼堂", f"{village.name_en} Rural Culture Hall"
            )
            institutions.append(hall)
            hall_place = haiyan.village_place(
                spec.code, spec.name, village.code, village.name, village.name_en, hall=True
            )
            venues.append((hall, "礼堂", "Main hall", 150, *haiyan.CULTURE_HALL_ACCESSIBILITY, hall_place))


def _venues_create(venues: list[_Room]) -> None:
    Venue.objects.bulk_create(
        [
            Venue(
                institution=institution,
                name=name,
                name_en=name_en,
                capacity=capacity,
                accessibility_notes=notes,
                accessibility_notes_en=notes_en,
                address=place.address,
                latitude=place.latitude,
                longitude=place.longitude,
                transport_notes=place.transport,
                transport_notes_en=place.transport_en,
            )
            for institution, name, name_en, capacity, notes, notes_en, place in venues
        ]
    )


def _personas(places: dict[str, Region | Institution]) -> None:
    """The DESIGN §5 personas, each living and (staff) holding their role where haiyan says."""
    password = make_password(haiyan.DEMO_PASSWORD)
    for phone, name, birth_year, role, held_at, home in haiyan.PERSONAS:
        user = User.objects.create(
            phone=phone, name=name, birth_year=birth_year, home_region=places[home], password=password
        )
        if role:
            place = places[held_at]
            RoleGrant.objects.create(
                user=user,
                role=role,
                region=place if isinstance(place, Region) else None,
                institution=place if isinstance(place, Institution) else None,
            )


def _other_demos_load(*, with_history: bool) -> None:
    """Every app's own demo, in the order they depend on each other."""
    venue_bookings_demo_load()
    demo_learning_week_2019_load()
    demo_community_load()
    demo_honours_load()
    demo_resources_load()
    demo_news_load()
    if with_history:
        demo_history_load()  # last: its rooms avoid the bookings made above
    demo_pictures_load()  # after everything: covers go on what the loaders made
    _demo_descriptions()  # after everything too: it describes every loader's activities


def _demo_activities(towns: dict[str, Region], village: Region) -> int:
    """Upcoming activities (dates relative to today), some nearly full and one with a
    waitlist, made through the same services staff use."""
    from lifelong.activities import services as activity_services

    county_admin = User.objects.get(phone=haiyan.PERSONAS[0][0])
    village_admin = User.objects.get(phone=haiyan.PERSONAS[2][0])
    residents = [
        User.objects.create(
            name=name, birth_year=1940 + n, home_region=village, created_by=village_admin, password=make_password(None)
        )
        for n, name in enumerate(haiyan.DEMO_RESIDENT_NAMES)
    ]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    week = _demo_learning_week(towns)
    for title, title_en, category, audiences, (kind, town), capacity, reserve, days, hours, taken in haiyan.ACTIVITIES:
        institutions = Institution.objects.filter(kind=kind)
        place = institutions.filter(region=towns[town]) if town else institutions.filter(region__level="county")
        institution = place.first()
        venue = institution.venues.order_by("-capacity").first()
        starts = (now + timedelta(days=days)).replace(hour=1)  # 09:00 in Haiyan
        activity = activity_services.activity_create(
            actor=county_admin,
            institution=institution,
            venue=venue,
            sessions=[{"starts_at": starts, "ends_at": starts + timedelta(hours=float(hours))}],
            title=title,
            title_en=title_en,
            category=category,
            audiences=audiences,
            capacity=capacity,
            reserved_offline=reserve,
            registration_opens=now - timedelta(days=3),
            registration_closes=starts - timedelta(hours=12),
            hours=Decimal(str(hours)),
            offer_hours=24,
            campaign=week if week.starts_on <= timezone.localdate(starts) <= week.ends_on else None,
            **haiyan.ACTIVITY_RULES.get(title, {}),
        )
        activity_services.activity_publish(actor=county_admin, activity=activity)
        for resident in residents[:taken]:
            activity_services.registration_create(actor=village_admin, activity=activity, learner=resident)
    _demo_learner_registers()
    return len(haiyan.ACTIVITIES)


def _demo_learner_registers() -> None:
    """The elder persona holds a seat in the soonest open class of their town that admits them
    and needs no approval, so their home page and "My learning" open on a coming session."""
    from lifelong.activities import services as activity_services
    from lifelong.activities.models import Activity

    learner = User.objects.get(phone=haiyan.PERSONAS[4][0])
    town_path = learner.home_region.parent.path
    now = timezone.now()
    candidates = Activity.objects.filter(
        status="published",
        requires_approval=False,
        registration_opens__lte=now,
        registration_closes__gt=now,
        institution__region__path__startswith=town_path,
    ).order_by("registration_closes", "id")
    for activity in candidates:
        if activity.online_seats_left > 1 and activity_services.eligibility_problem(activity, learner) is None:
            activity_services.registration_create(actor=learner, activity=activity, learner=learner)
            return


def _demo_learning_week(towns: dict[str, Region]) -> Campaign:
    spec = haiyan.LEARNING_WEEK
    today = timezone.localdate()
    targets = spec["targets"]
    return campaign_create(
        actor=User.objects.get(phone=haiyan.PERSONAS[0][0]),  # the county admin
        slug=spec["slug"],
        name=spec["name"],
        name_en=spec["name_en"],
        theme=spec["theme"],
        opening_event=spec["opening_event"],
        goals=spec["goals"],
        starts_on=today + timedelta(days=spec["first_day"]),
        ends_on=today + timedelta(days=spec["last_day"]),
        host_region=next(iter(towns.values())).parent,
        target_activities=targets["activities"],
        target_registrations=targets["registrations"],
        target_attendance=targets["attendance"],
        target_hours=targets["hours"],
        registration_cap=spec["registration_cap"],
    )


def _demo_learning_history(school: Institution) -> None:
    """The elder persona took a four-week course six weeks ago and came every week but one
    (75 %, the course asks for 75 %): their passport shows the hours and the certificate. Made
    through the services staff use, with the clock set back to when things happened."""
    from lifelong.activities import checkin
    from lifelong.activities import services as activity_services

    organizer = User.objects.get(phone=haiyan.PERSONAS[3][0])
    county_admin = User.objects.get(phone=haiyan.PERSONAS[0][0])
    learner = User.objects.get(phone=haiyan.PERSONAS[4][0])
    title, title_en, category, sessions, weeks_ago = haiyan.PAST_COURSE
    first = (timezone.now() - timedelta(weeks=weeks_ago)).replace(hour=6, minute=0, second=0, microsecond=0)
    starts = [first + timedelta(weeks=n) for n in range(sessions)]
    activity = activity_services.activity_create(
        actor=organizer,
        institution=school,
        venue=school.venues.order_by("-capacity").first(),
        sessions=[{"starts_at": s, "ends_at": s + timedelta(hours=2)} for s in starts],
        title=title,
        title_en=title_en,
        category=category,
        audiences=["elderly"],
        capacity=20,
        reserved_offline=5,
        registration_opens=first - timedelta(days=14),
        registration_closes=first - timedelta(days=1),
        hours=Decimal("0"),
        certificate=True,
        completion_share=75,
        offer_hours=24,
        now=first - timedelta(days=14),  # entered when registration opened
    )
    activity_services.activity_publish(actor=county_admin, activity=activity)
    activity_services.registration_create(
        actor=learner, activity=activity, learner=learner, now=first - timedelta(days=7)
    )
    for session in list(activity.sessions.all())[:-1]:
        checkin.checkin_record(
            actor=organizer, session=session, learner=learner, now=session.starts_at + timedelta(minutes=5)
        )


def _demo_descriptions() -> None:
    """Every demo activity's description (both languages) and contact phone, once all the
    demo loaders have made theirs. The texts are the demo's own known-safe HTML (see
    activity_texts), so one UPDATE per title describes the activities of every app's demo
    without each loader having to; the phone is the organizer's (one steady 0573-86 number
    per institution)."""
    from lifelong.activities.models import Activity

    for title in set(Activity.objects.values_list("title", flat=True)):
        texts = activity_texts.description_for(title)
        if texts is not None:
            Activity.objects.filter(title=title).update(description=texts[0], description_en=texts[1])
    organizers = Institution.objects.filter(activities__isnull=False).distinct()
    for institution in organizers:
        number = zlib.crc32(institution.name.encode()) % 1_000_000
        Activity.objects.filter(institution=institution).update(contact_phone=f"0573-86{number:06d}")
