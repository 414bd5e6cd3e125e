"""Building blocks for the honours tests, made through the services staff use."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from lifelong.accounts.models import RoleGrant, User
from lifelong.community import services as community_services
from lifelong.community.models import Programme, Team
from lifelong.honours import services
from lifelong.honours.models import Honor, HonorCall
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region
from lifelong.testkit.regions import COUNTY, GANPU, TONGYUAN, WUYUAN


@dataclass
class Places:
    county: Region
    wuyuan: Region
    ganpu: Region
    tongyuan: Region
    tongyuan_village: Region
    tongyuan_school: Institution
    wuyuan_school: Institution
    programme: Programme  # Tongyuan's
    team: Team  # Wuyuan's


def places(demo) -> Places:
    """The demo county's places, plus a Tongyuan brand programme and a Wuyuan team."""
    regions = {r.code: r for r in Region.objects.filter(code__in=[COUNTY, WUYUAN, GANPU, TONGYUAN])}
    tongyuan_school = Institution.objects.get(kind="community_school", region__code=TONGYUAN)
    programme = Programme.objects.filter(slug="new-farmers").first() or community_services.programme_create(
        actor=demo.county_admin,
        town=regions[TONGYUAN],
        slug="new-farmers",
        name="新农民讲堂",
        name_en="Lectures for New Farmers",
        institution=tongyuan_school,
        started_year=2014,
    )
    team = Team.objects.filter(name="涵芬读书会").first() or community_services.team_create(
        actor=demo.county_admin,
        region=regions[WUYUAN],
        leader=demo.young_learner,
        name="涵芬读书会",
        name_en="Hanfen Reading Team",
        kind="mass_organization",
    )
    return Places(
        county=regions[COUNTY],
        wuyuan=regions[WUYUAN],
        ganpu=regions[GANPU],
        tongyuan=regions[TONGYUAN],
        tongyuan_village=demo.elder_learner.home_region,
        tongyuan_school=tongyuan_school,
        wuyuan_school=Institution.objects.get(kind="community_school", region__code=WUYUAN),
        programme=programme,
        team=team,
    )


def staff(phone: str, role: str, region: Region, name: str = "评审") -> User:
    user = User.objects.create_user(phone, "staff-pass-2026", name=name)
    RoleGrant.objects.create(user=user, role=role, region=region)
    return user


def open_call(
    actor, region: Region, *, accepts=("learner",), opens: date | None = None, days: int = 30, title: str = "学习之星"
) -> HonorCall:
    today = timezone.localdate()
    return services.honour_call_open(
        actor=actor,
        region=region,
        title=title,
        title_en="Learning stars",
        year=today.year,
        awarding_body="海盐县教育局",
        opens_on=opens or today - timedelta(days=1),
        closes_on=(opens or today) + timedelta(days=days),
        accepts=list(accepts),
    )


# Honours the county's places hold (the demo has them too), to record again in a test.
CITY_OF_LEARNING = {
    "title": "浙江省示范性学习型城市",
    "level": "provincial",
    "year": 2017,
    "awarding_body": "浙江省教育厅",
}
NATIONAL_BRAND = {"title": "全国终身学习品牌项目", "level": "national", "year": 2017, "awarding_body": "教育部"}
HAPPY_LEARNING_TEAM = {
    "title": "嘉兴市快乐学习型社团",
    "level": "municipal",
    "year": 2019,
    "awarding_body": "嘉兴市教育局",
}


def honour_recorded(
    actor, kind: str, recipient, *, title: str, level: str, year: int, awarding_body: str = "县教育局", **extra
) -> Honor:
    """An honour entered after the fact (no call, no nomination), as staff record old ones."""
    return services.honour_record(
        actor=actor,
        kind=kind,
        recipient=recipient,
        title=title,
        level=level,
        year=year,
        awarding_body=awarding_body,
        **extra,
    )
