"""Cover pictures for the demo county: the illustrations in `pictures/` (drawn by
scripts/draw_demo_pictures.py) go through the same upload pipeline staff use, once each, and
are then shared by reference. About two thirds of the activities get their category's picture
(the others show how a card without a cover looks), as do the brand programmes, this year's
and 2019's Learning Week and the experience halls. Demo only: never in production."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from lifelong.accounts.models import User
from lifelong.activities.models import Activity
from lifelong.campaigns.models import Campaign
from lifelong.common.demo import haiyan
from lifelong.common.models import Picture
from lifelong.common.pictures import picture_create
from lifelong.community.models import Programme
from lifelong.institutions.models import Venue

PICTURES_DIR = Path(__file__).resolve().parent / "pictures"
# Each picture and what it shows, for readers who cannot see it.
PICTURES = {
    "reading": "桌上摊开的一本书和一杯热茶，旁边的书架摆满了书",
    "tai-chi": "一位穿白色练功服的老人在公园草地上手持红扇打太极",
    "calligraphy": "宣纸上的毛笔大字和红色印章，旁边放着毛笔和砚台",
    "smartphone-class": "双手捧着一部智能手机，屏幕上是彩色的应用图标",
    "paddy-fields": "阳光下层层叠叠的稻田，田边放着一顶草帽",
    "lecture-hall": "讲台上的老师对着投影屏幕讲课，台下坐满了学员",
    "choir": "舞台上三排合唱团员在唱歌，头顶飘着音符",
    "seaside-science": "海盐的海湾和海堤，岸边是核电站的白色穹顶",
}
CATEGORY_PICTURES = {
    "reading": "reading",
    "family": "reading",
    "health": "tai-chi",
    "sports": "tai-chi",
    "arts": "calligraphy",
    "culture": "choir",
    "digital_skills": "smartphone-class",
    "agriculture": "paddy-fields",
    "vocational": "lecture-hall",
    "civic": "lecture-hall",
}
PROGRAMME_PICTURES = {
    "happy-reading": "reading",
    "colorful-classes": "choir",
    "new-farmers-lectures": "paddy-fields",
    "nuclear-power-talents": "seaside-science",
    "veteran-training": "lecture-hall",
}
CAMPAIGN_PICTURES = {
    haiyan.LEARNING_WEEK["slug"]: "choir",
    haiyan.LEARNING_WEEK_2019["slug"]: "lecture-hall",
}
# Experience halls by name (haiyan.EXPERIENCE_HALLS): their venues get the picture.
HALL_PICTURES = {
    "秦山核电科普馆": "seaside-science",
    "通元农耕文化体验馆": "paddy-fields",
    "百步乡村振兴学习馆": "paddy-fields",
    "于城非遗传承体验馆": "calligraphy",
    "南北湖生态研学馆": "tai-chi",
    "步鑫生纪念馆": "lecture-hall",
}
# Every third activity keeps no cover.
WITHOUT_COVER_EVERY = 3


def _pictures(actor: User) -> dict[str, Picture]:
    made = {}
    for name, alt in PICTURES.items():
        data = (PICTURES_DIR / f"{name}.png").read_bytes()
        upload = SimpleUploadedFile(f"{name}.png", data, content_type="image/png")
        made[name] = picture_create(actor=actor, upload=upload, alt=alt)
    return made


@transaction.atomic
def demo_pictures_load() -> int:
    """Make the demo's pictures and put them on what the demo county already holds (call it
    after everything else is loaded). Covers are set by bulk updates: a cover is a plain
    reference, and there is no rule to check. Returns how many pictures were made."""
    county_admin = User.objects.get(phone=haiyan.PERSONAS[0][0])
    pictures = _pictures(county_admin)
    by_category: dict[str, list[int]] = {}
    activities = Activity.objects.order_by("pk").values_list("pk", "category")
    for n, (pk, category) in enumerate(activities):
        if n % WITHOUT_COVER_EVERY != WITHOUT_COVER_EVERY - 1 and category in CATEGORY_PICTURES:
            by_category.setdefault(CATEGORY_PICTURES[category], []).append(pk)
    for name, ids in by_category.items():
        Activity.objects.filter(pk__in=ids).update(cover=pictures[name])
    for slug, name in PROGRAMME_PICTURES.items():
        Programme.objects.filter(slug=slug).update(cover=pictures[name])
    for slug, name in CAMPAIGN_PICTURES.items():
        Campaign.objects.filter(slug=slug).update(cover=pictures[name])
    for hall, name in HALL_PICTURES.items():
        Venue.objects.filter(institution__kind="experience_hall", institution__name=hall).update(cover=pictures[name])
    return len(pictures)
