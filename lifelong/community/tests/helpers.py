from itertools import count

from lifelong.accounts.models import User
from lifelong.community import services
from lifelong.community.models import Programme, Team
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region
from lifelong.testkit.regions import TONGYUAN, WUYUAN

_slugs = count(1)
_phones = count(20_000)


def brand(demo, *, town: str = TONGYUAN, **fields) -> Programme:
    """A brand programme of `town`, created by the county admin."""
    values = {
        "slug": f"brand-{next(_slugs)}",
        "name": "新农民讲堂",
        "name_en": "Lectures for New Farmers",
        "story": "田间课堂。",
        "started_year": 2014,
        **fields,
    }
    return services.programme_create(actor=demo.county_admin, town=Region.objects.get(code=town), **values)


def person(demo, *, home=None, **fields) -> User:
    phone = f"1371{next(_phones):07d}"
    defaults = {"name": f"读者{phone[-4:]}", "home_region": home or demo.young_learner.home_region}
    return User.objects.create_user(phone, "reader-pass-1", **{**defaults, **fields})


def team(demo, *, leader: User | None = None, region: str = WUYUAN, **fields) -> Team:
    """A learning team created by the county admin; its leader defaults to the young learner
    (a citizen, not staff)."""
    values = {"name": f"读书会{next(_slugs)}", "name_en": "Reading Team", "kind": "mass_organization", **fields}
    return services.team_create(
        actor=demo.county_admin,
        region=Region.objects.get(code=region) if isinstance(region, str) else region,
        leader=leader or demo.young_learner,
        **values,
    )


def school(town: str = TONGYUAN) -> Institution:
    return Institution.objects.get(kind="community_school", region__code=town)
