"""Demo data of the community app (here in the site layer: it builds activities, which lie above
community): the five "One Project, One Town" brand programmes, each with
an activity that has run (attendance, so its figures are not zero) and one to come, plus the
Hanfen Reading Team with its leader, members and one request waiting. Made through the
services staff use, the clock set back for what happened earlier. Demo only: never in
production. (The honours these brands and teams hold are the honours app's demo.)"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities import checkin
from lifelong.activities import services as activity_services
from lifelong.activities.models import Activity
from lifelong.common.demo import haiyan
from lifelong.community import services
from lifelong.community.choices import Level, TeamKind
from lifelong.community.models import Programme, Team
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

# The Hanfen Reading Team's leader: a demo login of their own (README, demo section).
TEAM_LEADER = ("13900000007", "陆书萍", 1962)


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    name_en: str
    town: str  # town code
    institution: tuple[str, str | None]  # (kind, town code or None for county level)
    started: int
    level: str
    story: str
    story_en: str
    category: str
    audiences: list[str]
    past: tuple[str, str]  # the activity that has run: (title, English title)
    coming: tuple[str, str]  # the one to come


BRANDS = [
    BrandSpec(
        "veteran-training",
        "退役军人技能培训",
        "Veteran Training",
        "330424002",
        ("community_school", "330424002"),
        2016,
        Level.COUNTY,
        "西塘桥街道社区学校每年为退役军人开设技能课程，从电工、汽修到电商创业，课堂设在社区，"
        "老兵们学成后不少在家门口找到了新岗位，也有人带着同伴一起开起了小店。",
        "Every year the Xitangqiao community school runs skills courses for veterans, from "
        "electrical work and car repair to starting an online shop. Classes are held in the "
        "neighbourhood, and many who finish find new work close to home or start a business with friends.",
        "vocational",
        ["veterans"],
        ("退役军人电商创业班", "Online business course for veterans"),
        ("退役军人电工技能班", "Electrician skills for veterans"),
    ),
    BrandSpec(
        "nuclear-power-talents",
        "核电人才培训",
        "Nuclear Power Talents Training",
        "330424004",
        ("experience_hall", "330424004"),
        2012,
        Level.MUNICIPAL,
        "秦山是中国大陆核电的起步之地。秦山街道依托核电科普馆和周边企业，为青年和在岗职工开设"
        "核电基础、安全文化和技能提升课程，也向居民开放科普讲座，让大家懂核电、信核电。",
        "Qinshan is where nuclear power on the Chinese mainland began. With the nuclear power "
        "science hall and the companies nearby, the subdistrict runs courses on nuclear basics, "
        "safety culture and skills for young people and workers, and open science talks for residents.",
        "vocational",
        ["workers", "youth"],
        ("核电安全文化讲座", "Nuclear safety culture talk"),
        ("核电基础知识培训班", "Nuclear power basics course"),
    ),
    BrandSpec(
        "new-farmers-lectures",
        "新农民讲堂",
        "Lectures for New Farmers",
        "330424105",
        ("community_school", "330424105"),
        2014,
        Level.COUNTY,
        "通元镇社区学校把课堂搬进文化礼堂和田间地头，请农技专家讲种养新技术、农产品网上销售和"
        "家庭农场经营，农忙时短讲、农闲时系统学，让种田的人成为懂技术、会经营的新农民。",
        "The Tongyuan community school takes its lectures to rural culture halls and into the "
        "fields: experts teach new farming methods, selling produce online and running a family "
        "farm, in short talks during the busy season and full courses in the quiet months.",
        "agriculture",
        ["farmers"],
        ("新农民讲堂：果蔬病虫害绿色防控", "New farmers' lecture: green pest control"),
        ("新农民讲堂：农产品直播带货", "New farmers' lecture: selling produce by live stream"),
    ),
    BrandSpec(
        "colorful-classes",
        "七彩课堂",
        "Colorful Classes",
        "330424104",
        ("community_school", "330424104"),
        2015,
        Level.COUNTY,
        "澉浦镇的七彩课堂为老年人开设合唱、书画、手工、健康和智能手机等七类课程，课程表像彩虹"
        "一样丰富。老人们在课堂上学本领、交朋友，不少学员结业后又成了村里的志愿老师。",
        "Ganpu's Colorful Classes give older people seven kinds of courses, from choir, "
        "painting and handicrafts to health and smartphones, a timetable as varied as a rainbow. "
        "Learners pick up skills and friends, and many go on to teach as volunteers in their villages.",
        "arts",
        ["elderly"],
        ("七彩课堂：剪纸手工", "Colorful class: paper-cutting"),
        ("七彩课堂：老年书画", "Colorful class: painting for older learners"),
    ),
    BrandSpec(
        "happy-reading",
        "乐读",
        "Happy Reading",
        "330424001",
        ("library", None),
        2013,
        Level.NATIONAL,
        "“乐读”是海盐的全民阅读品牌，由张元济图书馆与武原街道共同运营：读书会、亲子共读、"
        "名家讲座和流动书屋走进社区和村庄。2017 年，“乐读”被评为全国终身学习品牌项目。",
        "Happy Reading is Haiyan's reading brand for everyone, run by the Zhang Yuanji Library "
        "with Wuyuan subdistrict: reading circles, parents and children reading together, author "
        "talks and travelling bookshelves in neighbourhoods and villages. In 2017 it was named a "
        "National Lifelong Learning Brand.",
        "reading",
        ["all"],
        ("乐读·名家讲座", "Happy Reading: an author talk"),
        ("乐读·亲子共读会", "Happy Reading: parents and children read together"),
    ),
]

HANFEN = {
    "name": "涵芬读书会",
    "name_en": "Hanfen Reading Team",
    "description": "涵芬读书会由武原街道的读书爱好者自发组织，每月共读一本书，轮流领读、交流心得，"
    "也走进社区为老人和孩子读书。新朋友随时欢迎，提出申请后由领队确认。",
    "description_en": "The Hanfen Reading Team was started by book lovers in Wuyuan. Each month the "
    "members read one book together, take turns to lead the talk, and read aloud for older "
    "people and children in the neighbourhood. Newcomers are welcome: ask to join and the leader confirms.",
    "founded_year": 2009,
}
HANFEN_MEMBERS = ["王静怡", "张志明", "陈雅琴", "金海涛", "杨淑贞", "冯晓东"]
HANFEN_REQUEST = "黄秋云"
SURNAMES = "沈陆朱钱吴褚顾严曹蒋胡潘姚徐王张李陈杨黄金冯"
GIVEN_NAMES = ["建华", "秀珍", "国强", "玉兰", "志刚", "美娟", "金龙", "桂香", "卫国", "丽萍", "海燕", "小芳"]


def demo_community_load() -> dict[str, int]:
    """Create the brand programmes, their activities and the teams. Expects the demo county
    (and its personas) to exist."""
    rng = random.Random(5)  # noqa: S311 - plausible demo names, nothing secret
    county_admin = User.objects.get(phone=haiyan.PERSONAS[0][0])
    password = make_password(haiyan.DEMO_PASSWORD)
    wuyuan = Region.objects.get(code="330424001")
    phone, name, birth_year = TEAM_LEADER
    leader = User.objects.create(
        phone=phone,
        name=name,
        birth_year=birth_year,
        home_region=wuyuan.children.order_by("code").first(),
        password=password,
    )
    hanfen = services.team_create(
        actor=county_admin,
        region=wuyuan,
        leader=leader,
        kind=TeamKind.MASS_ORGANIZATION,
        institution=Institution.objects.get(kind="library"),
        **HANFEN,
    )
    qinshan = Region.objects.get(code="330424004")
    volunteers = services.team_create(
        actor=county_admin,
        region=qinshan,
        leader=_resident(qinshan, rng, county_admin, name="周振华"),
        kind=TeamKind.LEARNING_TEAM,
        institution=Institution.objects.get(kind="experience_hall", region=qinshan),
        name="秦山核电科普志愿讲师团",
        name_en="Qinshan Nuclear Science Volunteer Speakers",
        description="退休的核电工程师和技术员组成的讲师团，走进学校和社区讲解核电与安全知识。",
        description_en="Retired nuclear engineers and technicians who visit schools and neighbourhoods "
        "to explain nuclear power and safety.",
        founded_year=2016,
    )
    members = [_resident(wuyuan, rng, county_admin, name=n) for n in HANFEN_MEMBERS]
    for member in members:
        membership = services.team_join_request(actor=member, team=hanfen)
        services.team_membership_decide(actor=leader, membership=membership, approve=True)
    services.team_join_request(actor=_resident(wuyuan, rng, county_admin, name=HANFEN_REQUEST), team=hanfen)

    programmes = []
    for spec in BRANDS:
        team = hanfen if spec.slug == "happy-reading" else (volunteers if spec.town == qinshan.code else None)
        programmes.append(
            _brand_load(spec, county_admin, rng, team=team, readers=members[:3] if team is hanfen else [])
        )
    return {"programmes": len(programmes), "teams": 2}


def _brand_load(
    spec: BrandSpec, county_admin: User, rng: random.Random, *, team: Team | None, readers: list[User]
) -> Programme:
    """One brand programme, run by its institution, with a past activity (eight learners, the
    team's `readers` among them) and a coming one, and the town's earlier activities of its kind."""
    town = Region.objects.get(code=spec.town)
    kind, place = spec.institution
    runner = Institution.objects.filter(kind=kind)
    runner = (runner.filter(region__code=place) if place else runner.filter(region__level="county")).first()
    programme = services.programme_create(
        actor=county_admin,
        town=town,
        slug=spec.slug,
        name=spec.name,
        name_en=spec.name_en,
        institution=runner,
        story=spec.story,
        story_en=spec.story_en,
        started_year=spec.started,
        level=spec.level,
    )
    learners = [_resident(town, rng, county_admin) for _ in range(8)]
    if readers:
        learners[: len(readers)] = readers  # the team reads with the brand
    _past_activity(spec, programme, runner, team, learners, county_admin)
    _coming_activity(spec, programme, runner, team, learners[:3], county_admin)
    _attach_existing(programme, spec.category)
    return programme


def _resident(town: Region, rng: random.Random, staff: User, *, name: str = "") -> User:
    """A resident of one of the town's first villages or communities, without a phone."""
    home = town.children.order_by("code")[rng.randrange(3)]
    return User.objects.create(
        name=name or rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        birth_year=rng.randint(1948, 1998),
        home_region=home,
        created_by=staff,
        password=make_password(None),
    )


def _create(
    spec: BrandSpec,
    programme: Programme,
    runner: Institution,
    team: Team | None,
    staff: User,
    *,
    title: tuple[str, str],
    starts: datetime,
    sessions: int,
    opens: datetime,
    capacity: int = 40,
) -> Activity:
    activity = activity_services.activity_create(
        actor=staff,
        institution=runner,
        venue=runner.venues.order_by("-capacity").first(),
        sessions=[
            {"starts_at": starts + timedelta(weeks=n), "ends_at": starts + timedelta(weeks=n, hours=2)}
            for n in range(sessions)
        ],
        title=title[0],
        title_en=title[1],
        category=spec.category,
        audiences=spec.audiences,
        capacity=capacity,
        registration_opens=opens,
        registration_closes=starts - timedelta(hours=12),
        hours=Decimal("2"),
        offer_hours=24,
        programme=programme,
        team=team,
        now=opens,  # entered when registration opened
    )
    return activity_services.activity_publish(actor=staff, activity=activity)


def _past_activity(
    spec: BrandSpec, programme: Programme, runner: Institution, team: Team | None, learners: list[User], staff: User
) -> None:
    """A three-week course that ended a month ago: most came every week, some missed one, and
    the last to register never came."""
    # Evening classes (19:00 in Haiyan), clear of the other demo bookings of the same rooms.
    first = (timezone.now() - timedelta(weeks=9)).replace(hour=11, minute=0, second=0, microsecond=0)
    activity = _create(
        spec,
        programme,
        runner,
        team,
        staff,
        title=spec.past,
        starts=first,
        sessions=3,
        opens=first - timedelta(days=21),
    )
    for n, learner in enumerate(learners):
        activity_services.registration_create(
            actor=staff, activity=activity, learner=learner, now=first - timedelta(days=10, minutes=-n)
        )
    sessions = list(activity.sessions.all())
    for n, learner in enumerate(learners[:-1]):  # the last one registered but never came
        for session in sessions[: 3 - n % 2]:
            checkin.checkin_record(
                actor=staff, session=session, learner=learner, now=session.starts_at + timedelta(minutes=5)
            )


def _coming_activity(
    spec: BrandSpec, programme: Programme, runner: Institution, team: Team | None, learners: list[User], staff: User
) -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts = (now + timedelta(days=15)).replace(hour=11)
    activity = _create(
        spec,
        programme,
        runner,
        team,
        staff,
        title=spec.coming,
        starts=starts,
        sessions=2,
        opens=now - timedelta(days=2),
    )
    for learner in learners:
        activity_services.registration_create(actor=staff, activity=activity, learner=learner)


def _attach_existing(programme: Programme, category: str) -> None:
    """Other demo activities of the brand's kind that its town (or its own institution) ran
    join it too, under the same rule as a new activity (services.programme_refusal)."""
    candidates = Activity.objects.filter(programme=None, category=category).select_related("institution__region")
    for activity in candidates:
        if services.programme_refusal(programme=programme, institution=activity.institution) is None:
            Activity.objects.filter(pk=activity.pk).update(programme=programme)
