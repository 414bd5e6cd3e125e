"""Demo resources for the library: a few short PDF guides (generated here, so nothing is
fetched) and links, published through the same services staff use. Demo only."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from lifelong.accounts.models import User
from lifelong.institutions.models import Institution
from lifelong.passport.pdf import _font  # the vendored CJK font the passport PDFs embed too

from . import services

COUNTY_ADMIN_PHONE = "13900000001"
ORGANIZER_PHONE = "13900000004"

# (who publishes: "county", "tongyuan" or an experience hall's name; kind; title; English title;
# summary; category; audiences; hours; visibility; the PDF's paragraphs or the link's address)
RESOURCES = [
    (
        "county",
        "document",
        "手机防骗小课堂",
        "Staying safe from phone scams",
        "六条容易记住的提醒：陌生来电先挂断、转账之前问家人、验证码不告诉任何人。适合老年朋友和家人一起读。",
        "digital_skills",
        ["elderly", "families"],
        Decimal("1.0"),
        "public",
        [
            "手机防骗小课堂",
            "一、自称公检法、客服或亲友借钱的陌生来电，先挂断，再用自己知道的号码打回去核实。",
            "二、任何要求转账、汇款到“安全账户”的说法都是骗局。",
            "三、短信验证码只给自己用，不告诉任何人，包括自称工作人员的人。",
            "四、不点陌生短信里的链接，不扫来历不明的二维码。",
            "五、拿不准的时候，先问子女、村里的教学点老师，或拨打 110。",
            "六、上当了不要怕丢人，马上报警，越早越有可能追回损失。",
        ],
    ),
    (
        "tongyuan",
        "document",
        "新农人种植入门讲义（节选）",
        "Lecture notes for new farmers (excerpt)",
        "通元镇社区学校“新农人讲堂”的讲义节选：选种、测土施肥和病虫害绿色防控的基本做法。",
        "agriculture",
        ["farmers"],
        Decimal("2.0"),
        "signed_in",
        [
            "新农人种植入门讲义（节选）",
            "选种：优先选择适合本地气候、抗病性强的品种，向农技站了解当季推荐。",
            "测土施肥：先测土、再配方，少用化肥多用有机肥，既省钱又保护土地。",
            "绿色防控：用防虫网、黄板和天敌昆虫减少农药；必须用药时看清说明、注意安全间隔期。",
            "记录：每块田记下播种、施肥和用药的日期，第二年心中有数。",
        ],
    ),
    (
        "秦山核电科普馆",
        "document",
        "走近核电：秦山核电站科普读本",
        "Nuclear power explained: a reader about the Qinshan plant",
        "用浅显的话讲清楚核电站怎样发电、怎样保证安全，配合秦山核电科普馆的参观使用。",
        "vocational",
        ["youth", "workers"],
        Decimal("1.5"),
        "public",
        [
            "走近核电：秦山核电站科普读本",
            "核电站用铀燃料裂变放出的热把水变成蒸汽，蒸汽推动汽轮机，带动发电机发电。",
            "多道屏障把放射性物质关在里面：燃料芯块、燃料包壳、压力容器和安全壳。",
            "秦山核电站就在海盐县，许多本地青年在这里学习、工作。",
            "参观科普馆时，可以对照本读本找一找反应堆模型上的各道屏障。",
        ],
    ),
    (
        "county",
        "link",
        "国家图书馆数字资源",
        "Digital collections of the National Library of China",
        "国家图书馆提供的电子图书、讲座和古籍影像，注册读者卡后可以在家免费阅读。",
        "reading",
        ["all"],
        Decimal("0"),
        "public",
        "https://www.nlc.cn/",
    ),
    (
        "county",
        "link",
        "海盐县人民政府网站",
        "Haiyan County Government website",
        "县里的通知公告、办事指南和政策解读，都可以在这里查到。",
        "civic",
        ["all"],
        Decimal("0"),
        "public",
        "https://www.haiyan.gov.cn/",
    ),
]


def guide_pdf(paragraphs: list[str]) -> bytes:
    """A one-page A4 PDF: the first paragraph as its heading, the rest as text."""
    font = _font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, spaceAfter=10)
    body_style = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, spaceAfter=6)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=paragraphs[0])
    story = [Paragraph(escape(paragraphs[0]), title_style)]
    story += [Paragraph(escape(text), body_style) for text in paragraphs[1:]]
    document.build(story)
    return buffer.getvalue()


def demo_resources_load() -> int:
    """Publish the demo resources; returns how many."""
    county_admin = User.objects.get(phone=COUNTY_ADMIN_PHONE)
    organizer = User.objects.get(phone=ORGANIZER_PHONE)
    publishers = {
        "county": (county_admin, Institution.objects.get(kind="community_college")),
        "tongyuan": (organizer, organizer.role_grants.get().institution),
    }
    for number, spec in enumerate(RESOURCES, start=1):
        place, kind, title, title_en, summary, category, audiences, hours, visibility, content = spec
        if place in publishers:
            actor, institution = publishers[place]
        else:
            actor, institution = county_admin, Institution.objects.get(name=place)
        extra = {}
        if kind == "link":
            extra["url"] = content
        else:
            extra["upload"] = SimpleUploadedFile(f"guide-{number}.pdf", guide_pdf(content), "application/pdf")
        services.resource_create(
            actor=actor,
            institution=institution,
            kind=kind,
            publish=True,
            title=title,
            title_en=title_en,
            summary=summary,
            category=category,
            audiences=audiences,
            hours=hours,
            visibility=visibility,
            **extra,
        )
    return len(RESOURCES)
