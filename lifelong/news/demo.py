"""Demo data for publishing: the county's news editor and reviewer (demo logins of their own),
the report on the opening of the 2019 Learning Week, released 2019-11-04 14:11 as on the
county's old site, and notices about this year's week: some released, one scheduled, one draft
and one waiting for review (those two are never public). Made through the services staff
use, the clock set back for what happened earlier. Demo only: never in production."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.utils import timezone

from lifelong.accounts.models import RoleGrant, User
from lifelong.campaigns.models import Campaign
from lifelong.common.demo import haiyan
from lifelong.regions.models import Region

from . import services
from .choices import Channel
from .models import Article

COUNTY_TIME = ZoneInfo("Asia/Shanghai")
# The county's newsroom (README, demo section): one writes, the other reviews and publishes.
EDITOR = ("13900000008", "顾文静", 1988)
REVIEWER = ("13900000009", "陈国栋", 1975)
SOURCE = ("海盐县社区教育学校", "Haiyan Community Education School")

OPENING_2019_BODY = (
    "<p>11月4日，2019年嘉兴市暨海盐县全民终身学习活动周在海盐拉开帷幕。本届活动周以“倡导终身学习，"
    "服务‘八八战略’”为主题，围绕“推进全民终身学习，完善终身教育体系”的目标，在全县安排了形式多样的"
    "学习活动，让居民在家门口就能学、乐于学。</p>"
    "<p>多年来，海盐坚持党委领导、政府统筹、社会协同、群众参与的社区教育工作格局，县社区教育学校、"
    "镇（街道）社区学校和村（社区）教学点组成的三级网络日趋完善。2017年海盐获评“浙江省学习型城市示范城市”，"
    "2019年入选第五批“全国农村职业教育和成人教育示范县”。</p>"
    "<p>全县涌现出一批终身学习的品牌和典型：“快乐读书”2017年获评全国终身学习品牌，海盐县社区教育学校"
    "2018年获评全国成人教育优秀院校；步鑫生纪念馆等六家单位成为市级终身学习体验馆，涵芬读书会等七个社团"
    "获评市级乐学社团。“一镇一品”让退役军人培训、核电人才培训、新农民讲堂和老年人“多彩课堂”等项目"
    "扎根镇村，农村文化礼堂里的课堂也越办越红火。</p>"
    "<p>海盐自2015年起每年举办全民终身学习活动周。如今，活动周已经成为全民学习、建设学习型社会的平台，"
    "带动更多社会组织和学习团队参与进来，让学习资源由全体居民共享。</p>"
)
OPENING_2019_BODY_EN = (
    "<p>On 4 November the 2019 Jiaxing and Haiyan Lifelong Learning Week opened in Haiyan. Under the theme "
    "“Advocating lifelong learning, serving the ‘Eight Eight Strategies’” and with the aim of promoting "
    "lifelong learning and completing the lifelong education system, the week brings a wide range of "
    "learning activities close to where people live.</p>"
    "<p>Haiyan's community education is led by the Party committee, coordinated by the government, "
    "supported by society and joined by the public. Its three levels, the county community education "
    "school, a community school in every town and teaching points in the villages, keep growing stronger. "
    "Haiyan was named a Model Learning-Oriented City of Zhejiang in 2017 and, in 2019, one of the fifth "
    "batch of national model counties for rural vocational and adult education.</p>"
    "<p>The county has many examples to follow: Happy Reading became a National Lifelong Learning Brand in "
    "2017, and the Haiyan Community Education School a National Excellent Institute of Adult Education in "
    "2018. Six places, among them the Bu Xinsheng Memorial, are municipal lifelong learning experience "
    "halls, and seven groups, among them the Hanfen Reading Team, are municipal happy learning mass "
    "organizations. Under “One Project, One Town”, veteran training, nuclear power talent training, "
    "lectures for new farmers and the Colorful Classes for older people have taken root, and classes in "
    "the rural culture halls draw more people every year.</p>"
    "<p>Haiyan has held a Lifelong Learning Week every year since 2015. It has become the county's "
    "platform for learning for all and a learning society, drawing in organisations and learning teams "
    "and sharing learning resources with every resident.</p>"
)


@dataclass(frozen=True)
class NoticeSpec:
    title: str
    title_en: str
    channel: str
    summary: str
    summary_en: str
    body: str
    body_en: str
    released_days_ago: int | None  # None: not released (see `state`)
    state: str = "published"  # published, scheduled, in_review, draft
    views: int = 0
    # A sentence the reviewer adds after publication, in Chinese and English: a correction
    # waiting for another reviewer (the county admin), so the public still reads it without.
    correction: tuple[str, str] | None = None


# The standing notice on how hours and points are kept (the same every year).
POINTS_NOTICE = NoticeSpec(
    "学时和积分怎样记入个人学习档案",
    "How learning hours and points reach your learning archive",
    Channel.POLICY,
    "签到即记学时，每学时记积分；完成活动可获得可在线验证的学习证书。",
    "Checking in records your hours, each hour earns points, and completing an activity can earn a "
    "certificate anyone can verify online.",
    "<h1>记录规则</h1><p>每次参加活动并签到，系统按活动设定的学时记入个人学习档案，并按学时折算积分。"
    "提供证书的活动，出勤达到要求后即时发放学习证书，证书上的二维码可供任何人在线验证。</p>"
    "<p>积分和证书可在“我的”页面查看，也可以下载个人学习档案。</p>",
    "<h1>The rules</h1><p>Each time you take part and check in, the activity's hours go into your "
    "learning archive and are turned into points. Activities that offer a certificate issue it as soon "
    "as your attendance reaches what they ask, and the QR code on it lets anyone verify it online.</p>"
    "<p>Your points and certificates are on your own page, where you can also download your learning "
    "archive.</p>",
    12,
    views=154,
)


def _notices(year: int) -> list[NoticeSpec]:
    return [*_week_notices(year), POINTS_NOTICE, *_unreleased_notices()]


def _week_notices(year: int) -> list[NoticeSpec]:
    """The learning week's call, and how to sign up for it."""
    return [
        NoticeSpec(
            f"关于举办{year}年海盐县全民终身学习活动周的通知",
            f"Notice: Haiyan Lifelong Learning Week {year}",
            Channel.NOTICES,
            "活动周期间全县各镇（街道）、村（社区）将集中开展学习活动，欢迎居民就近报名参加。",
            "During the week every town and village holds learning activities; residents are welcome to sign up "
            "close to home.",
            "<p>今年的全民终身学习活动周主题为“学习在身边，乐享新生活”。开幕式在县社区教育学校举行，"
            "各镇（街道）同步开展学习体验活动。</p><ul><li>报名：在“学习活动”栏目选择活动，按页面提示报名；</li>"
            "<li>没有手机的老人，可请家人或村（社区）工作人员代为报名；</li>"
            "<li>参加活动签到后，学时和积分自动记入个人学习档案。</li></ul>",
            "<p>This year's Lifelong Learning Week is themed “Learning close to home, enjoying a new life”. The "
            "opening ceremony is held at the county community education school, with learning activities in "
            "every town at the same time.</p><ul><li>Sign up: choose an activity under Activities and follow "
            "the steps on its page;</li><li>older people without a phone can ask family or village staff to sign "
            "them up;</li><li>after checking in, hours and points go into your learning archive by "
            "themselves.</li></ul>",
            7,
            views=312,
        ),
        NoticeSpec(
            "活动周报名须知：家人和村（社区）工作人员可以代为报名",
            "Signing up for the week: family and village staff can do it for you",
            Channel.NOTICES,
            "每项活动都为现场报名保留了名额；报满后可以排队候补，有空位时会短信通知。",
            "Every activity keeps seats for people who sign up in person; when it is full you can join the "
            "waiting list and are told by SMS when a seat frees up.",
            "<p>为方便老年人和农民朋友参加活动周，每项活动都为现场报名保留了一部分名额。</p>"
            "<p>活动报满后，可以加入候补名单，按先后顺序递补；有空位时系统会发短信通知，请在规定时间内确认。"
            "家人可以在活动页面为亲属报名，村（社区）工作人员也可以为没有手机的居民登记。</p>",
            "<p>So that older people and farmers can take part, every activity keeps some seats for people who "
            "sign up in person.</p><p>When an activity is full you can join its waiting list, which moves in the "
            "order people joined; when a seat frees up you get an SMS and confirm within the time it gives. "
            "Family members can sign up a relative on the activity page, and village staff can register "
            "residents who have no phone.</p>",
            2,
            views=87,
            correction=(
                "<p>现场报名请带上身份证或社保卡，方便工作人员登记。</p>",
                "<p>To sign up in person, please bring your ID card or social security card for the staff to "
                "register you.</p>",
            ),
        ),
    ]


def _unreleased_notices() -> list[NoticeSpec]:
    """A notice scheduled for the week's first day, one in review, one draft."""
    return [
        NoticeSpec(
            "活动周开幕式现场安排",
            "The opening ceremony: what happens where",
            Channel.LEARNING_WEEK,
            "开幕式当天上午在县社区教育学校举行，现场设学习成果展。",
            "The opening ceremony is held on the first morning at the county community education school, with a "
            "showcase of what learners have made.",
            "<p>开幕式当天上午九点开始，现场设终身学习成果展和体验区。请参加者提前十分钟到场签到。</p>",
            "<p>The opening ceremony starts at nine on the first morning, with a showcase and hands-on corners. "
            "Please arrive ten minutes early to check in.</p>",
            None,
            state="scheduled",
        ),
        NoticeSpec(
            "百姓学习之星推荐工作启动",
            "Nominations open for Learning Stars",
            Channel.NEWS,
            "各镇（街道）可推荐本地热爱学习、带动他人学习的居民。",
            "Each town may nominate residents who love learning and bring others along.",
            "<p>各镇（街道）社区学校可以推荐本地热爱学习、带动身边人一起学习的居民，推荐材料请在活动周结束前提交。</p>",
            "<p>Town community schools may nominate residents who love learning and bring the people around them "
            "along; send nominations before the week ends.</p>",
            None,
            state="in_review",
        ),
        NoticeSpec(
            "活动周志愿者招募（草稿）",
            "Volunteers wanted for the week (draft)",
            Channel.NOTICES,
            "",
            "",
            "<p>招募志愿者协助活动签到和引导，具体岗位待定。</p>",
            "<p>Volunteers wanted to help with check-in and guiding people; the roles are still being settled.</p>",
            None,
            state="draft",
        ),
    ]


def _staff(spec: tuple[str, str, int], role: str, county: Region, password: str) -> User:
    phone, name, birth_year = spec
    user = User.objects.create(
        phone=phone,
        name=name,
        birth_year=birth_year,
        home_region=county.children.order_by("code").first().children.order_by("code").first(),
        password=password,
    )
    RoleGrant.objects.create(user=user, role=role, region=county)
    return user


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=COUNTY_TIME)


def demo_news_load() -> int:
    """Create the newsroom and its articles; returns how many articles were written."""
    county = Region.objects.get(level="county")
    password = make_password(haiyan.DEMO_PASSWORD)
    editor = _staff(EDITOR, "editor", county, password)
    reviewer = _staff(REVIEWER, "reviewer", county, password)

    week_2019 = Campaign.objects.filter(slug=haiyan.LEARNING_WEEK_2019["slug"]).first()
    opening_day = date(2019, 11, 4)
    article = services.article_create(
        actor=editor,
        region=county,
        channel=Channel.LEARNING_WEEK,
        campaign=week_2019,
        title="嘉兴市暨海盐县全民终身学习活动周在海盐开幕",
        title_en="Jiaxing and Haiyan Lifelong Learning Week opens in Haiyan",
        summary="活动周以“倡导终身学习，服务‘八八战略’”为主题，全县三级社区教育网络同步开展学习活动。",
        summary_en="Under the theme “Advocating lifelong learning, serving the ‘Eight Eight Strategies’”, the "
        "county's three-level community education network holds learning activities all week.",
        body=OPENING_2019_BODY,
        body_en=OPENING_2019_BODY_EN,
        source=SOURCE[0],
        source_en=SOURCE[1],
        now=_at(opening_day, 10, 30),
    )
    services.article_submit(actor=editor, article=article, now=_at(opening_day, 11, 5))
    services.article_publish(actor=reviewer, article=article, now=_at(opening_day, 14, 11))
    articles = [(article, 1286)]

    today = timezone.localdate()
    week = Campaign.objects.filter(slug=haiyan.LEARNING_WEEK["slug"]).first()
    for spec in _notices(today.year):
        article = _notice_write(spec, editor=editor, reviewer=reviewer, county=county, week=week, today=today)
        if spec.state not in ("draft", "in_review"):
            articles.append((article, spec.views))
    # The views these articles gathered before the demo starts (the 2019 report's on the old site).
    for article, views in articles:
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + views)
    return len(_notices(today.year)) + 1


def _notice_write(
    spec: NoticeSpec, *, editor: User, reviewer: User, county: Region, week: Campaign | None, today: date
) -> Article:
    """One notice written by the editor and taken as far as `spec.state` says: submitted,
    published (or scheduled for the week's first day) by the reviewer, a correction waiting."""
    written = today - timedelta(days=(spec.released_days_ago or 0) + 1)
    article = services.article_create(
        actor=editor,
        region=county,
        channel=spec.channel,
        campaign=week if spec.channel != Channel.POLICY else None,
        title=spec.title,
        title_en=spec.title_en,
        summary=spec.summary,
        summary_en=spec.summary_en,
        body=spec.body,
        body_en=spec.body_en,
        source=SOURCE[0],
        source_en=SOURCE[1],
        now=_at(written, 16),
    )
    if spec.state == "draft":
        return article
    services.article_submit(actor=editor, article=article, now=_at(written, 17))
    if spec.state == "in_review":
        return article
    if spec.state == "scheduled":
        first_day = week.starts_on if week is not None else today + timedelta(days=4)
        services.article_publish(actor=reviewer, article=article, release_at=_at(first_day, 8))
    else:
        released = today - timedelta(days=spec.released_days_ago)
        services.article_publish(actor=reviewer, article=article, now=_at(released, 9, 30))
    if spec.correction is not None:
        body, body_en = spec.correction
        services.article_update(
            actor=reviewer, article=article, body=article.body + body, body_en=article.body_en + body_en
        )
    return article
