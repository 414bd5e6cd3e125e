"""The public news pages: only released articles anywhere public (list, page, feeds, home),
channels and search, the article page as on the county's old site (source, release date in
county time, view counter counted once per visitor per day), staff previews, the print view,
hostile bodies rendered harmless, and article pictures served sandboxed."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from lifelong.common.visitors import VISITOR_COOKIE
from lifelong.news import services
from lifelong.news.choices import Channel
from lifelong.news.models import ArticleView

from . import helpers
from .helpers import publish, write

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def unreleased(room):
    """One article in every state that is not public, with a title saying which."""
    draft = write(room.county_editor, room.county, title="草稿不公开")
    in_review = write(room.county_editor, room.county, title="审核中不公开")
    services.article_submit(actor=room.county_editor, article=in_review)
    archived = room.county_article(title="已撤下不公开")
    services.article_archive(actor=room.county_reviewer, article=archived)
    scheduled = room.county_article(
        title="定时发布不公开",
        release_at=timezone.now() + timedelta(days=1),
    )
    return {"draft": draft, "in_review": in_review, "archived": archived, "scheduled": scheduled}


def page_html(client: Client, path: str, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, path
    return response.content.decode()


def feed(path: str, **params) -> ET.Element:
    """The feed as parsed XML (a feed that is not well-formed fails here)."""
    response = Client().get(path, params)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, parsed to prove it is well-formed


def listed_titles(client: Client, **params) -> list[str]:
    return [article.title for article in client.get("/news/", params).context["page"]]


def released_in_2019(room, **fields):
    """The 2019 opening report, released 2019-11-04 14:11 county time (06:11 UTC)."""
    article = write(room.county_editor, room.county, **fields)
    services.article_submit(actor=room.county_editor, article=article)
    released = datetime(2019, 11, 4, 6, 11, tzinfo=UTC)
    return services.article_publish(actor=room.county_reviewer, article=article, release_at=released, now=released)


# --- Only released articles are public --------------------------------------------------------


def test_only_released_articles_appear_on_the_list_the_pages_the_feeds_and_home(room, unreleased):
    room.county_article(title="已发布的新闻")
    client = Client()
    assert listed_titles(client) == ["已发布的新闻"]
    for article in unreleased.values():
        assert client.get(f"/news/{article.pk}/").status_code == 404
        assert client.get(f"/news/{article.pk}/", {"print": "1"}).status_code == 404
    for path in ("/news/", "/news/feed/rss/", "/news/feed/atom/", "/"):
        html = page_html(client, path)
        assert "已发布的新闻" in html
        assert not any(article.title in html for article in unreleased.values()), path
    assert not ArticleView.objects.exists()


def test_a_scheduled_article_appears_once_its_release_time_comes(room):
    scheduled = room.county_article(
        title="明早发布",
        release_at=timezone.now() + timedelta(minutes=30),
    )
    assert Client().get(f"/news/{scheduled.pk}/").status_code == 404
    type(scheduled).objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(f"/news/{scheduled.pk}/").status_code == 200
    assert listed_titles(Client()) == ["明早发布"]


# --- The list: channels and search ------------------------------------------------------------


def test_the_list_has_channel_tabs_and_ignores_an_unknown_channel(room):
    room.county_article(title="活动周开幕", channel="news")
    room.county_article(title="报名须知", channel="notices")
    client = Client()
    assert listed_titles(client, channel="notices") == ["报名须知"]
    assert listed_titles(client, channel="news") == ["活动周开幕"]
    assert set(listed_titles(client)) == {"活动周开幕", "报名须知"}
    assert set(listed_titles(client, channel="gossip")) == {"活动周开幕", "报名须知"}  # ignored, no error
    assert set(listed_titles(client, channel="<script>", page="x")) == {"活动周开幕", "报名须知"}
    html = page_html(client, "/news/", channel="notices")
    assert 'href="/news/?channel=notices" aria-current="page"' in html
    assert 'href="/news/feed/rss/?channel=notices"' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html


def test_search_finds_a_short_chinese_word_in_the_text_and_keeps_the_channel(room):
    room.county_article(
        title="周末活动安排",
        body="<p>涵芬读书会本周六在县图书馆举行。</p>",
        channel="notices",
    )
    room.county_article(title="书法班结业", channel="notices")
    room.county_article(title="读书节开幕", channel="news")
    client = Client()
    assert listed_titles(client, q="读书") == ["读书节开幕", "周末活动安排"]
    assert listed_titles(client, q="读书", channel="notices") == ["周末活动安排"]
    assert listed_titles(client, q="没有这个词") == []
    html = page_html(client, "/news/", q="读书", channel="notices")
    assert '<input type="hidden" name="channel" value="notices">' in html
    assert 'href="/news/?channel=news&amp;q=%E8%AF%BB%E4%B9%A6"' in html  # the tabs keep the search


def test_each_item_shows_its_channel_release_time_in_county_time_and_views(room):
    article = released_in_2019(room, title="2019年活动周开幕", channel="learning_week")
    Client().get(f"/news/{article.pk}/")
    html = page_html(Client(), "/news/")
    assert "2019年活动周开幕" in html and f'href="/news/{article.pk}/"' in html
    assert '<time datetime="2019-11-04T14:11:00+08:00" data-testid="news-date">2019-11-04 14:11</time>' in html
    with translation.override("zh-hans"):
        assert f'<span class="news-channel">{Channel.LEARNING_WEEK.label}</span>' in html
    assert 'data-testid="news-views">1' in html


def test_the_list_pages_keep_the_filters(room):
    for n in range(23):
        room.county_article(title=f"通知{n}", channel="notices")
    response = Client().get("/news/", {"channel": "notices"})
    assert response.context["page"].paginator.count == 23 and len(response.context["page"]) == 20
    assert 'href="?channel=notices&amp;page=2"' in response.content.decode()
    assert len(Client().get("/news/", {"channel": "notices", "page": 2}).context["page"]) == 3


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_and_home_run_a_fixed_number_of_queries_whatever_the_size(room):
    for n in range(3):
        room.county_article(title=f"新闻{n}")
    client = Client()
    small = (_queries(client, "/news/"), _queries(client, "/news/?channel=news&q=新闻"), _queries(client, "/"))
    for n in range(22):
        article = room.county_article(title=f"更多新闻{n}")
        Client().get(f"/news/{article.pk}/")  # with fresh views to count
    large = (_queries(client, "/news/"), _queries(client, "/news/?channel=news&q=新闻"), _queries(client, "/"))
    assert small == large
    assert large[0] == 2  # the count and the page, views included


# --- One article's page -----------------------------------------------------------------------


def test_the_page_shows_title_source_release_time_views_campaign_and_text(room):
    article = released_in_2019(
        room, title="2019年活动周开幕", source="海盐县社区教育学校", body="<p>活动周今天开幕。</p>"
    )
    html = page_html(Client(), f"/news/{article.pk}/")
    assert '<h1 data-testid="article-title" data-article-title>2019年活动周开幕</h1>' in html
    assert '<span data-testid="article-source">海盐县社区教育学校</span>' in html
    assert 'data-testid="article-date">2019-11-04 14:11</time>' in html
    assert '<span data-testid="article-views">1</span>' in html
    assert "<p>活动周今天开幕。</p>" in html
    # The reading tools: hidden until the script shows them; print and close work without it.
    assert "data-font-size-switch hidden" in html and 'data-article-speak data-lang="zh-CN"' in html
    assert 'href="?print=1"' in html and '<a href="/news/" data-close-window' in html
    assert '<script src="/static/news/article.js" defer></script>' in html
    assert " style=" not in html and " onclick=" not in html  # the CSP allows neither


def this_weeks_campaign(room):
    """The county's learning week, from today for a week."""
    from lifelong.campaigns.models import Campaign

    return Campaign.objects.create(
        slug="week-2026",
        name="2026年全民终身学习活动周",
        host_region=room.county,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=6),
    )


def test_an_article_links_its_campaign(room, demo):
    campaign = this_weeks_campaign(room)
    article = room.county_article(campaign=campaign)
    html = page_html(Client(), f"/news/{article.pk}/")
    assert 'href="/campaigns/week-2026/" data-testid="article-campaign">2026年全民终身学习活动周</a>' in html


def test_a_campaign_page_lists_its_latest_five_released_articles(room, demo):
    campaign = this_weeks_campaign(room)
    for n in range(6):
        room.county_article(title=f"活动周快讯{n}", campaign=campaign)
    room.county_article(title="别的新闻")
    html = page_html(Client(), "/campaigns/week-2026/")
    listed = html[html.index('data-testid="campaign-news"') :]
    listed = listed[: listed.index("</ul>")]
    assert listed.count('class="ll-event"') == 5
    assert "活动周快讯5" in listed and "活动周快讯0" not in listed and "别的新闻" not in listed


def test_english_readers_get_the_english_words_and_an_english_voice(room):
    article = room.county_article(
        title="活动周开幕",
        title_en="The Learning Week opens",
        body="<p>活动周今天开幕。</p>",
        body_en="<p>The week opens today.</p>",
        source_en="Haiyan Community Education School",
    )
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page_html(client, f"/news/{article.pk}/")
    assert "The Learning Week opens" in html and "<p>The week opens today.</p>" in html
    assert "活动周今天开幕" not in html and 'data-lang="en"' in html


def test_a_view_counts_once_per_visitor_per_day(room, demo):
    article = publish(room.county_editor, room.county_reviewer, room.county)
    reader = Client()
    first = reader.get(f"/news/{article.pk}/")
    assert VISITOR_COOKIE in first.cookies and first.context["article"].views == 1
    again = reader.get(f"/news/{article.pk}/")
    assert VISITOR_COOKIE not in again.cookies and again.context["article"].views == 1
    assert Client().get(f"/news/{article.pk}/").context["article"].views == 2  # another reader
    learner = Client()
    learner.force_login(demo.young_learner)
    assert learner.get(f"/news/{article.pk}/").context["article"].views == 3
    on_the_phone = Client()  # the same learner on another device is still one reader
    on_the_phone.force_login(demo.young_learner)
    response = on_the_phone.get(f"/news/{article.pk}/")
    assert response.context["article"].views == 3 and VISITOR_COOKIE not in response.cookies
    assert ArticleView.objects.filter(visitor=f"u{demo.young_learner.pk}").count() == 1
    # The print view is the same page: a reader who printed it has read it.
    printed = Client().get(f"/news/{article.pk}/", {"print": "1"})
    assert printed.context["article"].views == 4
    assert Client().get("/news/").context["page"][0].views == 4


# --- Staff previews ---------------------------------------------------------------------------


def test_staff_who_work_on_an_unreleased_article_preview_it_and_count_no_view(room, demo, unreleased, verified_client):
    for staff in (room.county_reviewer, room.county_editor, demo.county_admin):
        client = verified_client(staff)
        for article in unreleased.values():
            response = client.get(f"/news/{article.pk}/")
            assert response.status_code == 200
            html = response.content.decode()
            assert 'data-testid="preview-banner"' in html and article.title in html
            assert VISITOR_COOKIE not in response.cookies
    assert not ArticleView.objects.exists()
    # A released article is no preview, for staff too.
    released = room.county_article(title="已发布")
    html = page_html(verified_client(room.county_reviewer), f"/news/{released.pk}/")
    assert 'data-testid="preview-banner"' not in html and ArticleView.objects.count() == 1


def test_an_unreleased_article_is_not_found_for_anyone_else(room, demo, unreleased, verified_client):
    outsiders = [Client(), verified_client(room.wuyuan_editor), verified_client(demo.town_admin)]
    learner = Client()
    learner.force_login(demo.young_learner)
    outsiders.append(learner)
    for client in outsiders:
        for article in unreleased.values():
            assert client.get(f"/news/{article.pk}/").status_code == 404
    # The Wuyuan editor does see a Wuyuan draft, and the county's staff too (it lies under them).
    wuyuan_draft = write(room.wuyuan_editor, room.wuyuan, title="武原草稿")
    assert verified_client(room.wuyuan_editor).get(f"/news/{wuyuan_draft.pk}/").status_code == 200
    assert verified_client(room.county_reviewer).get(f"/news/{wuyuan_draft.pk}/").status_code == 200
    ganpu_admin = verified_client(helpers._staff("13900000199", "澉浦管理员", "town_admin", room.ganpu))
    assert ganpu_admin.get(f"/news/{wuyuan_draft.pk}/").status_code == 404
    assert all(ganpu_admin.get(f"/news/{article.pk}/").status_code == 404 for article in unreleased.values())
    assert Client().get("/news/999999/").status_code == 404


# --- The print view ---------------------------------------------------------------------------


def test_the_print_view_is_the_article_alone_with_its_release_time_and_views(room):
    article = released_in_2019(room, title="2019年活动周开幕", body="<p>活动周今天开幕。</p>")
    html = page_html(Client(), f"/news/{article.pk}/", print="1")
    assert '<body class="print-view">' in html
    assert "<nav" not in html and 'class="site-header"' not in html and "site-footer" not in html
    assert 'data-testid="elder-switch"' not in html and 'data-testid="article-tools"' not in html
    assert "2019年活动周开幕" in html and "<p>活动周今天开幕。</p>" in html
    assert 'data-testid="article-date">2019-11-04 14:11</time>' in html
    assert '<span data-testid="article-views">1</span>' in html
    assert "data-print hidden" in html and f'href="/news/{article.pk}/" data-testid="back-link"' in html
    normal = page_html(Client(), f"/news/{article.pk}/")
    assert "<body>" in normal and 'class="site-header"' in normal and "<nav" in normal


# --- Hostile bodies ---------------------------------------------------------------------------


def test_a_hostile_body_renders_without_anything_that_could_run(room):
    body = (
        "<p>开幕<script>alert('x')</script></p>"
        '<p><img src="x" onerror="alert(1)">图</p>'
        '<p><a href="javascript:alert(2)">链接</a> <a href="https://www.haiyan.gov.cn/">县政府</a></p>'
        "<svg onload=alert(3)><script>alert(4)</script></svg>"
        '<p onclick="alert(5)" style="display:none">段落</p>'
        '<iframe src="https://evil.example/"></iframe>'
    )
    article = room.county_article(body=body, body_en=body)
    for language in ("zh-hans", "en"):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for params in ({}, {"print": "1"}):
            html = page_html(client, f"/news/{article.pk}/", **params).lower()
            # "<svg>" bare: the page's own icons are <svg class="ll-icon" ...>, the body's is stripped.
            for word in ("alert(", "onerror", "onload", "onclick", "javascript:", "<svg>", "<iframe", "evil.example"):
                assert word not in html, word
            assert "开幕" in html and 'href="https://www.haiyan.gov.cn/"' in html
    feed = page_html(Client(), "/news/feed/rss/").lower()
    assert "alert(" not in feed and "<script" not in feed


# --- Pictures ---------------------------------------------------------------------------------


def test_a_picture_is_served_as_its_type_sandboxed_and_cached(room):
    upload = services.article_image_upload(
        actor=room.county_editor, region=room.county, upload=SimpleUploadedFile("photo.png", PNG, "text/html")
    )
    body = f'<p>开幕</p><img src="{upload.url}">'
    article = room.county_article(body=body)
    assert f'<img src="/news/images/{upload.image.key}/">' in page_html(Client(), f"/news/{article.pk}/")
    response = Client().get(f"/news/images/{upload.image.key}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "max-age=31536000" in response["Cache-Control"]
    assert Client().get("/news/images/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert Client().get("/news/images/not-a-key/").status_code == 404


# --- Feeds ------------------------------------------------------------------------------------


def test_the_feeds_are_valid_xml_of_released_articles_newest_first(room, unreleased):
    released_in_2019(room, title="2019年活动周开幕", summary="活动周在海盐开幕。")
    latest = room.county_article(
        title="报名须知",
        channel="notices",
        body="<p>" + "请提前报名。" * 60 + "</p>",
    )
    rss = feed("/news/feed/rss/")
    items = rss.findall("./channel/item")
    assert [item.findtext("title") for item in items] == ["报名须知", "2019年活动周开幕"]
    assert items[0].findtext("link") == f"http://testserver/news/{latest.pk}/"
    assert items[1].findtext("description") == "活动周在海盐开幕。"
    assert items[0].findtext("description").startswith("请提前报名。") and len(items[0].findtext("description")) <= 200
    assert items[1].findtext("pubDate") == "Mon, 04 Nov 2019 14:11:00 +0800"  # county time

    atom = feed("/news/feed/atom/")
    entries = atom.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["报名须知", "2019年活动周开幕"]
    assert entries[1].findtext(f"{ATOM}published") == "2019-11-04T14:11:00+08:00"
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver/news/{latest.pk}/"

    notices = feed("/news/feed/atom/", channel="notices")
    assert [entry.findtext(f"{ATOM}title") for entry in notices.findall(f"{ATOM}entry")] == ["报名须知"]
    unknown = feed("/news/feed/rss/", channel="gossip")
    assert len(unknown.findall("./channel/item")) == 2


def test_the_feeds_hold_the_latest_thirty(room):
    for n in range(32):
        room.county_article(title=f"新闻{n}")
    rss = feed("/news/feed/rss/")
    titles = [item.findtext("title") for item in rss.findall("./channel/item")]
    assert len(titles) == 30 and titles[0] == "新闻31" and "新闻0" not in titles


# --- Home and navigation ----------------------------------------------------------------------


def test_home_shows_the_five_latest_released_articles_and_the_nav_links_the_news(room, unreleased):
    for n in range(7):
        room.county_article(title=f"第{n}条新闻")
    html = page_html(Client(), "/")
    shown = [f"第{n}条新闻" for n in range(7) if f"第{n}条新闻" in html]
    assert shown == [f"第{n}条新闻" for n in range(2, 7)]
    assert 'data-testid="home-news"' in html and '<a href="/news/">' in html
