"""Demo data for honours: the honours Haiyan and its units hold (from the facts of the seed
report), recorded by the county admin as staff would, and this year's open call for
learning stars with two nominations arriving from the learning-star list. Demo only: never in
production. Expects the demo county and the community demo (Happy Reading, the Hanfen
Reading Team) to exist.

The report names the municipal experience halls and mass organizations without the year of
their titles; the demo dates them to 2019, the year of the report.
"""

from datetime import timedelta

from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.common.demo import haiyan
from lifelong.community.choices import Level
from lifelong.community.models import Programme, Team
from lifelong.institutions import services as institution_services
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

from . import selectors, services
from .choices import RecipientKind
from .models import Honor

PROVINCE = ("浙江省教育厅", "Zhejiang Provincial Department of Education")
MINISTRY = ("中华人民共和国教育部", "Ministry of Education of the People's Republic of China")
CITY = ("嘉兴市教育局", "Jiaxing Municipal Education Bureau")

EXPERIENCE_HALL = ("嘉兴市终身学习体验馆", "Municipal Lifelong Learning Experience Hall")
HAPPY_LEARNING = ("嘉兴市快乐学习型社团", "Municipal Happy Learning Mass Organization")
# Mass organizations the county's demo has no team for: social organizations in the towns.
MASS_ORGANIZATIONS = [
    ("330424001", "海盐县老年书画协会", "Haiyan Calligraphy and Painting Association for Older People"),
    ("330424001", "武原街道腰鼓队", "Wuyuan Waist Drum Troupe"),
    ("330424104", "澉浦镇越剧票友社", "Ganpu Yue Opera Amateurs' Club"),
    ("330424103", "于城镇太极拳协会", "Yucheng Tai Chi Association"),
    ("330424102", "百步镇农民摄影协会", "Baibu Farmers' Photography Society"),
    ("330424101", "沈荡镇广场舞协会", "Shendang Square Dance Association"),
]


def _record(actor: User, kind: str, recipient, title: tuple[str, str], level: str, year: int, body, citation=("", "")):
    return services.honour_record(
        actor=actor,
        kind=kind,
        recipient=recipient,
        title=title[0],
        title_en=title[1],
        level=level,
        year=year,
        awarding_body=body[0],
        awarding_body_en=body[1],
        citation=citation[0],
        citation_en=citation[1],
    )


def demo_honours_load() -> dict[str, int]:
    county_admin = User.objects.get(phone=haiyan.PERSONAS[0][0])
    county = Region.objects.get(level="county")
    made = [*_county_honours(county_admin, county), *_local_honours(county_admin)]
    nominations = _learning_star_call(county_admin, county)
    return {"honours": len(made), "calls": 1, "nominations": nominations}


def _county_honours(county_admin: User, county: Region) -> list[Honor]:
    """The county's own, its reading programme's and its community college's honours."""
    return [
        _record(
            county_admin,
            RecipientKind.REGION,
            county,
            ("浙江省示范性学习型城市", "Model Learning-Oriented City of Zhejiang"),
            Level.PROVINCIAL,
            2017,
            PROVINCE,
        ),
        _record(
            county_admin,
            RecipientKind.REGION,
            county,
            (
                "第五批国家级农村职业教育和成人教育示范县",
                "Fifth Batch of National-level Model Counties in Rural Vocational Education and Adult Education",
            ),
            Level.NATIONAL,
            2019,
            MINISTRY,
        ),
        _record(
            county_admin,
            RecipientKind.PROGRAMME,
            Programme.objects.get(slug="happy-reading"),
            ("全国终身学习品牌项目", "National Lifelong Learning Brand"),
            Level.NATIONAL,
            2017,
            MINISTRY,
            citation=(
                "“乐读”把读书会、亲子共读和流动书屋送进社区和村庄，让阅读成为全县居民的日常。",
                "Happy Reading takes reading circles, family reading and travelling bookshelves into "
                "every neighbourhood and village, making reading part of daily life across the county.",
            ),
        ),
        _record(
            county_admin,
            RecipientKind.INSTITUTION,
            Institution.objects.get(kind="community_college"),
            ("全国优秀成人教育院校", "National Excellent Institute of Adult Education"),
            Level.NATIONAL,
            2018,
            ("中国成人教育协会", "China Adult Education Association"),
        ),
    ]


def _local_honours(county_admin: User) -> list[Honor]:
    """The city's honours of the experience halls, the Hanfen reading team and the towns' mass
    organizations (created here)."""
    made = []
    for hall in Institution.objects.filter(kind="experience_hall").order_by("region__code", "name"):
        made.append(
            _record(county_admin, RecipientKind.INSTITUTION, hall, EXPERIENCE_HALL, Level.MUNICIPAL, 2019, CITY)
        )
    hanfen = Team.objects.get(name="涵芬读书会")
    made.append(_record(county_admin, RecipientKind.TEAM, hanfen, HAPPY_LEARNING, Level.MUNICIPAL, 2019, CITY))
    for town_code, name, name_en in MASS_ORGANIZATIONS:
        organization = institution_services.institution_create(
            actor=county_admin,
            region=Region.objects.get(code=town_code),
            kind="social_organization",
            name=name,
            name_en=name_en,
        )
        made.append(
            _record(county_admin, RecipientKind.INSTITUTION, organization, HAPPY_LEARNING, Level.MUNICIPAL, 2019, CITY)
        )
    return made


def _learning_star_call(county_admin: User, county: Region) -> int:
    """This year's call for county learning stars, open for three more weeks: the village admin
    put forward the elder persona and the Wuyuan admin a Hanfen reader, each from the
    learning-star list, so each nomination carries the learner's passport record."""
    today = timezone.localdate()
    call = services.honour_call_open(
        actor=county_admin,
        region=county,
        title=f"{today.year}年度海盐县终身学习之星",
        title_en=f"Haiyan Lifelong Learning Stars {today.year}",
        year=today.year,
        awarding_body="海盐县教育局",
        awarding_body_en="Haiyan County Education Bureau",
        description="表彰一年来坚持学习、带动身边人一起学习的居民。各镇（街道）、村（社区）可从学习之星名单中推荐。",
        description_en="For residents who kept learning all year and brought others along. Towns, "
        "villages and communities nominate from the learning-star list.",
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=21),
        accepts=[RecipientKind.LEARNER],
    )
    village_admin = User.objects.get(phone=haiyan.PERSONAS[2][0])
    town_admin = User.objects.get(phone=haiyan.PERSONAS[1][0])
    elder = User.objects.get(phone=haiyan.PERSONAS[4][0])
    reader = User.objects.filter(name="王静怡", home_region__parent__code="330424001").order_by("id").first()
    count = 0
    for nominator, learner in ((village_admin, elder), (town_admin, reader)):
        if learner is None:
            continue
        record = selectors.learner_record(learner=learner)
        services.nomination_create(
            actor=nominator,
            call=call,
            kind=RecipientKind.LEARNER,
            recipient=learner,
            statement=selectors.learner_statement(learner=learner, record=record),
        )
        count += 1
    return count
