"""Load the demo county into an empty database: the three-level network, its institutions
and venues, and the DESIGN §5 personas. Demo only: never in production."""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from lifelong.accounts.models import RoleGrant, User
from lifelong.institutions.models import Institution, Venue
from lifelong.regions.models import Region

from . import haiyan


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


@transaction.atomic
def demo_county_load() -> dict[str, int]:
    """Create the demo county. The caller makes sure the database holds no regions yet."""
    county, towns, children = _regions()
    institutions: list[Institution] = []
    venues: list[tuple[Institution, str, str, int, str, str]] = []

    for _, kind, name, name_en, rooms in haiyan.COUNTY_INSTITUTIONS:
        institution = _institution(kind, county, name, name_en)
        institutions.append(institution)
        venues += [(institution, *room) for room in rooms]
    for spec in haiyan.TOWNS:
        town = towns[spec.code]
        school = _institution("community_school", town, f"{spec.short}社区学校", f"{spec.short_en} Community School")
        institutions.append(school)
        venues += [
            (school, "多功能教室", "Multi-purpose classroom", 60, "一楼，无障碍通道", "Ground floor, step-free"),
            (school, "电脑教室", "Computer room", 30, "二楼，无电梯", "First floor, no lift"),
        ]
        for village in children[spec.code]:
            point = _institution(
                "teaching_point", village, f"{village.name}教学点", f"{village.name_en} Teaching Point"
            )
            institutions.append(point)
            venues.append((point, "学习室", "Study room", 30, "一楼", "Ground floor"))
            if village.name.endswith("村"):
                hall = _institution(
                    "culture_hall", village, f"{village.name}文化礼堂", f"{village.name_en} Rural Culture Hall"
                )
                institutions.append(hall)
                venues.append((hall, "礼堂", "Main hall", 150, "一楼，平地入口", "Ground floor, level entrance"))
    for town_code, name, name_en, room, room_en, capacity in haiyan.EXPERIENCE_HALLS:
        hall = _institution("experience_hall", towns[town_code], name, name_en)
        institutions.append(hall)
        venues.append((hall, room, room_en, capacity, "无障碍通道，可预约讲解", "Step-free; guided tours on request"))
    Institution.objects.bulk_create(institutions)
    Venue.objects.bulk_create(
        [
            Venue(
                institution=institution,
                name=name,
                name_en=name_en,
                capacity=capacity,
                accessibility_notes=notes,
                accessibility_notes_en=notes_en,
            )
            for institution, name, name_en, capacity, notes, notes_en in venues
        ]
    )

    places: dict[str, Region | Institution] = {
        "county": county,
        **towns,
        "tongyuan_village": next(r for r in children["330424105"] if r.name.endswith("村")),
        "wuyuan_community": children["330424001"][0],
        "tongyuan_school": next(
            i for i in institutions if i.kind == "community_school" and i.region_id == towns["330424105"].pk
        ),
    }
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
    return {
        "regions": Region.objects.count(),
        "institutions": len(institutions),
        "venues": len(venues),
        "personas": len(haiyan.PERSONAS),
    }
