"""The library pages: what visitors and learners see, search and filters, a fixed number of
queries per page, and views counted once per visitor per day."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifelong.common.visitors import VISITOR_COOKIE
from lifelong.institutions.models import Institution
from lifelong.resources import services
from lifelong.resources.models import Resource, ResourceView

from .helpers import MP3, MP4, publish_link, publish_pdf, tongyuan_school, upload


def titles(response) -> set[str]:
    return {resource.title for resource in response.context["page"]}


def test_visitors_see_public_resources_and_learners_see_all_published_ones(demo):
    publish_pdf(demo, title="公开讲义")
    publish_pdf(demo, title="学员讲义", visibility="signed_in")
    publish_pdf(demo, title="草稿讲义", publish=False)
    assert titles(Client().get("/resources/")) == {"公开讲义"}
    learner = Client()
    learner.force_login(demo.elder_learner)
    assert titles(learner.get("/resources/")) == {"公开讲义", "学员讲义"}


def test_a_resource_for_signed_in_learners_sends_a_visitor_to_sign_in_and_back(demo):
    resource = publish_pdf(demo, visibility="signed_in")
    response = Client().get(f"/resources/{resource.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=%2Fresources%2F{resource.pk}%2F"
    learner = Client()
    learner.force_login(demo.elder_learner)
    assert learner.get(f"/resources/{resource.pk}/").status_code == 200
    assert not ResourceView.objects.filter(visitor__startswith="c").exists()  # the visitor saw nothing


def test_drafts_and_unknown_ids_answer_404(demo):
    draft = publish_pdf(demo, publish=False)
    learner = Client()
    learner.force_login(demo.elder_learner)
    for client in (Client(), learner):
        assert client.get(f"/resources/{draft.pk}/").status_code == 404
        assert client.get("/resources/999999/").status_code == 404


def test_search_matches_short_chinese_words_and_english_titles(demo):
    publish_pdf(demo, title="太极拳入门", title_en="Tai chi for beginners")
    publish_pdf(demo, title="家庭读书会", summary="亲子共读的好方法")
    publish_pdf(demo, title="手机防骗")
    client = Client()
    assert titles(client.get("/resources/", {"q": "太极"})) == {"太极拳入门"}
    assert titles(client.get("/resources/", {"q": "共读"})) == {"家庭读书会"}
    assert titles(client.get("/resources/", {"q": "tai CHI"})) == {"太极拳入门"}
    assert titles(client.get("/resources/", {"q": "没有这个"})) == set()


def test_filters_by_category_audience_kind_and_town(demo):
    ganpu_hall = Institution.objects.filter(kind="culture_hall", region__parent__code="330424104").first()
    publish_pdf(demo, title="健康讲义", category="health", audiences=["elderly"])
    publish_link(demo, title="澉浦链接", institution=ganpu_hall, category="culture", audiences=["farmers", "youth"])
    client = Client()
    assert titles(client.get("/resources/", {"category": "health"})) == {"健康讲义"}
    assert titles(client.get("/resources/", {"audience": "farmers"})) == {"澉浦链接"}
    assert titles(client.get("/resources/", {"audience": "elderly"})) == {"健康讲义"}
    assert titles(client.get("/resources/", {"kind": "link"})) == {"澉浦链接"}
    assert titles(client.get("/resources/", {"region": "330424104"})) == {"澉浦链接"}
    assert titles(client.get("/resources/", {"region": "330424105"})) == {"健康讲义"}
    # Unreadable filters are ignored, never an error page.
    assert titles(client.get("/resources/", {"kind": "virus", "region": "x"})) == {"健康讲义", "澉浦链接"}


def test_pages_keep_the_filters(demo):
    for n in range(25):
        publish_link(demo, title=f"链接{n}", category="reading")
    response = Client().get("/resources/", {"category": "reading"})
    assert response.context["page"].paginator.count == 25
    assert 'href="?category=reading&amp;page=2"' in response.content.decode()
    second = Client().get("/resources/", {"category": "reading", "page": 2})
    assert len(second.context["page"]) == 5


def _library_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/resources/")
        assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_library_runs_a_fixed_number_of_queries_whatever_its_size(demo, signed_in):
    client = Client()
    if signed_in:
        client.force_login(demo.elder_learner)
    ganpu_hall = Institution.objects.filter(kind="culture_hall", region__parent__code="330424104").first()
    for n in range(3):
        publish_pdf(demo, title=f"讲义{n}")
    client.get("/resources/")  # warm the session
    small = _library_queries(client)
    for n in range(12):
        publish_link(demo, title=f"链接{n}", institution=ganpu_hall, audiences=["farmers"])
    large = _library_queries(client)
    assert small == large
    # A visitor: the towns of the filter, the count and the page. Signed in, also the
    # session, the user, their roles and their unread notices.
    assert large == (7 if signed_in else 3)


def test_a_view_counts_once_per_visitor_per_day(demo):
    resource = publish_pdf(demo)
    visitor = Client()
    first = visitor.get(f"/resources/{resource.pk}/")
    assert first.status_code == 200 and VISITOR_COOKIE in first.cookies
    cookie = first.cookies[VISITOR_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert first.context["resource"].view_count == 1
    for _ in range(3):
        visitor.get(f"/resources/{resource.pk}/")
    assert Resource.objects.get(pk=resource.pk).view_count == 1
    # A second visitor (another cookie) and a signed-in learner count one each.
    Client().get(f"/resources/{resource.pk}/")
    learner = Client()
    learner.force_login(demo.elder_learner)
    learner.get(f"/resources/{resource.pk}/")
    learner.get(f"/resources/{resource.pk}/")
    assert Resource.objects.get(pk=resource.pk).view_count == 3
    # The same address counts nothing by itself: visitors are cookies, never IPs.
    assert not ResourceView.objects.filter(visitor__contains="127.0.0.1").exists()


def test_a_visitor_counts_again_the_next_day(demo):
    resource = publish_pdf(demo)
    today = timezone.localdate()
    assert services.resource_view_count(resource=resource, visitor="u1", day=today)
    assert not services.resource_view_count(resource=resource, visitor="u1", day=today)
    assert services.resource_view_count(resource=resource, visitor="u1", day=today + timedelta(days=1))
    assert services.resource_view_count(resource=resource, visitor="u2", day=today)
    assert Resource.objects.get(pk=resource.pk).view_count == 3


def test_a_forged_visitor_cookie_is_replaced(demo):
    resource = publish_pdf(demo)
    client = Client()
    client.cookies[VISITOR_COOKIE] = "<script>"
    response = client.get(f"/resources/{resource.pk}/")
    assert response.cookies[VISITOR_COOKIE].value != "<script>"


def test_the_detail_page_plays_media_and_links_documents(demo):
    video = services.resource_create(
        actor=demo.organizer,
        institution=tongyuan_school(),
        kind="video",
        upload=upload("clip.mp4", MP4),
        publish=True,
        title="视频",
        category="arts",
    )
    audio = services.resource_create(
        actor=demo.organizer,
        institution=tongyuan_school(),
        kind="audio",
        upload=upload("talk.mp3", MP3),
        publish=True,
        title="音频",
        category="arts",
    )
    pdf = publish_pdf(demo)
    link = publish_link(demo, url="https://www.haiyan.gov.cn/")
    client = Client()
    page = client.get(f"/resources/{video.pk}/").content.decode()
    # preload="none": the player fetches nothing until played (fetching it is opening it).
    assert f'<video controls preload="none" src="/resources/{video.pk}/file"' in page
    page = client.get(f"/resources/{audio.pk}/").content.decode()
    assert f'<audio controls preload="none" src="/resources/{audio.pk}/file"' in page
    page = client.get(f"/resources/{pdf.pk}/").content.decode()
    assert f'href="/resources/{pdf.pk}/file"' in page and f'href="/resources/{pdf.pk}/file?download=1"' in page
    assert 'data-testid="view-count">1<' in page and 'data-testid="download-count">0<' in page
    page = client.get(f"/resources/{link.pk}/").content.decode()
    # Followed through the site, which records the opening and sends on to the address.
    assert f'href="/resources/{link.pk}/open/"' in page and 'rel="noopener noreferrer"' in page
    assert client.get(f"/resources/{link.pk}/open/")["Location"] == "https://www.haiyan.gov.cn/"
