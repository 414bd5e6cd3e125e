"""Building blocks for the publishing tests: the people who write and review, and articles
made through the services as they would make them."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.test import Client

from lifelong.accounts.models import RoleGrant, User
from lifelong.news import services
from lifelong.news.models import Article
from lifelong.regions.models import Region
from lifelong.testkit.regions import COUNTY, GANPU, WUYUAN

PASSWORD = "lifelong-demo"


@dataclass
class Newsroom:
    county: Region
    wuyuan: Region
    ganpu: Region
    county_editor: User
    county_reviewer: User
    wuyuan_editor: User
    wuyuan_reviewer: User

    def county_article(self, **fields) -> Article:
        """An article of the county, written by its editor and published by its reviewer."""
        return publish(self.county_editor, self.county_reviewer, self.county, **fields)


def _staff(phone: str, name: str, role: str, region: Region) -> User:
    user = User.objects.create_user(phone=phone, password=PASSWORD, name=name, birth_year=1984, home_region=region)
    RoleGrant.objects.create(user=user, role=role, region=region)
    return user


def newsroom(demo) -> Newsroom:
    """Editors and reviewers of the county and of Wuyuan (besides the demo admins)."""
    regions = {r.code: r for r in Region.objects.filter(code__in=[COUNTY, WUYUAN, GANPU])}
    county, wuyuan = regions[COUNTY], regions[WUYUAN]
    return Newsroom(
        county=county,
        wuyuan=wuyuan,
        ganpu=regions[GANPU],
        county_editor=_staff("13900000101", "县编辑", "editor", county),
        county_reviewer=_staff("13900000102", "县审核", "reviewer", county),
        wuyuan_editor=_staff("13900000103", "武原编辑", "editor", wuyuan),
        wuyuan_reviewer=_staff("13900000104", "武原审核", "reviewer", wuyuan),
    )


def write(author: User, region: Region, *, title: str = "全民终身学习活动周开幕", **fields) -> Article:
    values = {"body": "<p>活动周今天开幕。</p>", "source": "海盐县社区教育学校", "channel": "news", **fields}
    return services.article_create(actor=author, region=region, title=title, **values)


def publish(author: User, reviewer: User, region: Region, *, release_at: datetime | None = None, **fields) -> Article:
    """An article written by `author`, submitted and published by `reviewer`."""
    article = write(author, region, **fields)
    services.article_submit(actor=author, article=article)
    return services.article_publish(actor=reviewer, article=article, release_at=release_at)


def english_console_clients(verified_client, room: Newsroom, demo, **more: User) -> dict[str, Client]:
    """Two-factor-verified console sessions of the newsroom and the county admin (and `more`),
    reading the console in English (the messages asserted are the English ones)."""
    people = {
        "county_editor": room.county_editor,
        "county_reviewer": room.county_reviewer,
        "wuyuan_editor": room.wuyuan_editor,
        "wuyuan_reviewer": room.wuyuan_reviewer,
        "county_admin": demo.county_admin,
        **more,
    }
    made = {name: verified_client(user) for name, user in people.items()}
    for client in made.values():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return made


# The newsroom's API matrix (test_api.py, test_correction_api.py): who acts, and the oracle's
# tables, apart from the policy module, of where each persona writes and reviews (region codes:
# a child's code begins with its parent's).
API_PERSONAS = [
    "anonymous",
    "learner",
    "county_admin",
    "wuyuan_admin",
    "tongyuan_village_admin",
    "county_editor",
    "county_reviewer",
    "wuyuan_editor",
    "wuyuan_reviewer",
]
WRITES = {"county_admin": COUNTY, "wuyuan_admin": WUYUAN, "county_editor": COUNTY, "wuyuan_editor": WUYUAN}
REVIEWS = {"county_admin": COUNTY, "wuyuan_admin": WUYUAN, "county_reviewer": COUNTY, "wuyuan_reviewer": WUYUAN}


def api_actors(room: Newsroom, demo) -> dict[str, User | None]:
    """Each of API_PERSONAS as the user who acts (None: nobody signed in)."""
    return {
        "anonymous": None,
        "learner": demo.young_learner,
        "county_admin": demo.county_admin,
        "wuyuan_admin": demo.town_admin,
        "tongyuan_village_admin": demo.village_admin,
        "county_editor": room.county_editor,
        "county_reviewer": room.county_reviewer,
        "wuyuan_editor": room.wuyuan_editor,
        "wuyuan_reviewer": room.wuyuan_reviewer,
    }
