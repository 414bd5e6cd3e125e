"""Building blocks for the publishing tests: the people who write and review, and articles
made through the services as they would make them."""

from dataclasses import dataclass
from datetime import datetime

from lifelong.accounts.models import RoleGrant, User
from lifelong.news import services
from lifelong.news.models import Article
from lifelong.regions.models import Region

COUNTY, WUYUAN, GANPU, TONGYUAN = "330424", "330424001", "330424104", "330424105"
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
