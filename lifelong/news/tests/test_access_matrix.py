"""Publishing in the access-control matrix: persona × (a county and a Wuyuan article in
each status) × (console list, new, page, edit, submit, send back, publish, archive; a
published article's correction approved, rejected or withdrawn; the public page; the editor's
picture upload).

The oracle decides from region *codes* (a child's code begins with its parent's), apart from
the policy module and the views: admins and editors write the articles of regions whose
code begins with their own, admins and reviewers review them, and whoever writes or reviews
an article sees it. Drafts are changed by writers, submissions and published articles by
reviewers (a published article's words as a correction waiting for another reviewer). A
step that is not the persona's answers 404 when they cannot see the article,
else 403 (409 when it does not fit the status). The public page
shows released articles to everyone and others only to the staff who see them."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from lifelong.news import services
from lifelong.news.models import Article, ArticleCorrection, ArticleImage
from lifelong.regions.models import Region
from lifelong.testkit.matrix import matrix_clients
from lifelong.testkit.regions import COUNTY, WUYUAN

from .helpers import newsroom, write

PERSONAS = [
    "anonymous",
    "learner",
    "county_admin",
    "town_admin",  # Wuyuan
    "village_admin",  # a Tongyuan village
    "organizer",
    "county_editor",
    "county_reviewer",
    "wuyuan_editor",
    "wuyuan_reviewer",
]
STATUSES = ("draft", "in_review", "published", "archived")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
)


@dataclass(frozen=True)
class Seat:
    code: str
    writes: bool
    reviews: bool


@pytest.fixture
def world(demo, verified_client):
    room = newsroom(demo)
    actors = {
        "anonymous": None,
        "learner": demo.young_learner,
        "county_admin": demo.county_admin,
        "town_admin": demo.town_admin,
        "village_admin": demo.village_admin,
        "organizer": demo.organizer,
        "county_editor": room.county_editor,
        "county_reviewer": room.county_reviewer,
        "wuyuan_editor": room.wuyuan_editor,
        "wuyuan_reviewer": room.wuyuan_reviewer,
    }
    seats = {
        "county_admin": Seat(COUNTY, True, True),
        "town_admin": Seat(WUYUAN, True, True),
        "village_admin": Seat(demo.village_admin.role_grants.get().region.code, True, True),
        "county_editor": Seat(COUNTY, True, False),
        "county_reviewer": Seat(COUNTY, False, True),
        "wuyuan_editor": Seat(WUYUAN, True, False),
        "wuyuan_reviewer": Seat(WUYUAN, False, True),
    }
    web = matrix_clients(actors, verified_client, staff=set(actors) - {"learner"})
    articles = {}
    for region, editor, reviewer in (
        (room.county, room.county_editor, room.county_reviewer),
        (room.wuyuan, room.wuyuan_editor, room.wuyuan_reviewer),
    ):
        for status in STATUSES:
            article = write(editor, region, title=f"{region.code}·{status}")
            if status != "draft":
                services.article_submit(actor=editor, article=article)
            if status in ("published", "archived"):
                services.article_publish(actor=reviewer, article=article)
            if status == "archived":
                services.article_archive(actor=reviewer, article=article)
            articles[(region.code, status)] = Article.objects.get(pk=article.pk)
    return {"actors": actors, "web": web, "seats": seats, "articles": articles}


# --- The oracle -------------------------------------------------------------------------------


def writes(world, persona: str, code: str) -> bool:
    seat = world["seats"].get(persona)
    return seat is not None and seat.writes and code.startswith(seat.code)


def reviews(world, persona: str, code: str) -> bool:
    seat = world["seats"].get(persona)
    return seat is not None and seat.reviews and code.startswith(seat.code)


def sees(world, persona: str, code: str) -> bool:
    return writes(world, persona, code) or reviews(world, persona, code)


def changes(world, persona: str, code: str, status: str) -> bool:
    if status in ("draft", "archived"):
        return writes(world, persona, code)
    return reviews(world, persona, code)


def edit_outcome(world, persona: str, code: str, status: str) -> int:
    if not sees(world, persona, code):
        return 404
    return 302 if changes(world, persona, code, status) else 403


# action: (whose step, the status it starts from, the status it leads to)
STEPS = {
    "submit": ("writer", "draft", "in_review"),
    "return": ("reviewer", "in_review", "draft"),
    "publish": ("reviewer", "in_review", "published"),
    "archive": ("reviewer", "published", "archived"),
}


def step_outcome(world, persona: str, action: str, code: str, status: str) -> tuple[int, str]:
    """(HTTP status, article status afterwards) for a signed-in staff member."""
    side, start, end = STEPS[action]
    if not sees(world, persona, code):
        return 404, status
    if side == "writer" and not writes(world, persona, code):
        return 403, status
    if side == "reviewer" and not reviews(world, persona, code):
        return 403, status
    if status != start:
        return 409, status
    return 302, end


def expect(response, expected: int, persona: str):
    """Visitors are sent to sign in, learners (no staff role) get 404, staff what is expected."""
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], persona
    elif persona == "learner":
        assert response.status_code == 404, persona
    else:
        assert response.status_code == expected, (persona, response.status_code)


def form_data(article: Article, title: str) -> dict:
    return {
        "region": article.region.code,
        "channel": article.channel,
        "title": title,
        "source": article.source,
        "body": article.body,
    }


# --- Console pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_console_list_and_review_queue_hold_exactly_the_articles_in_scope(world, persona):
    response = world["web"][persona].get("/console/news/")
    newsroom_member = persona in world["seats"]
    expect(response, 200 if newsroom_member else 404, persona)
    if response.status_code != 200:
        return
    listed = {a.pk for a in response.context["page"]}
    assert listed == {a.pk for (code, _s), a in world["articles"].items() if sees(world, persona, code)}
    queued = {a.pk for a in response.context["queue"]}
    expected_queue = {
        a.pk
        for (code, status), a in world["articles"].items()
        if status == "in_review" and reviews(world, persona, code)
    }
    assert queued == expected_queue


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_new_article_page_offers_exactly_the_regions_the_persona_writes_for(world, persona):
    response = world["web"][persona].get("/console/news/new/")
    seat = world["seats"].get(persona)
    may_write = seat is not None and seat.writes
    expect(response, 200 if may_write else 404, persona)
    if response.status_code == 200:
        offered = set(response.context["form"].fields["region"].queryset.values_list("code", flat=True))
        assert offered == set(Region.objects.filter(code__startswith=seat.code).values_list("code", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_article_pages_answer_404_outside_scope_and_show_the_form_to_those_who_may_change(world, persona):
    client = world["web"][persona]
    for (code, status), article in world["articles"].items():
        allowed = sees(world, persona, code)
        response = client.get(f"/console/news/{article.pk}/")
        expect(response, 200 if allowed else 404, persona)
        if response.status_code == 200:
            assert (response.context["form"] is not None) == changes(world, persona, code, status), (code, status)
        expect(client.get(f"/console/news/{article.pk}/revisions/1/"), 200 if allowed else 404, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_follows_scope_and_status_and_a_refusal_changes_nothing(world, persona):
    client = world["web"][persona]
    for (code, status), article in world["articles"].items():
        expected = edit_outcome(world, persona, code, status)
        response = client.post(f"/console/news/{article.pk}/", form_data(article, "改过的标题"))
        expect(response, expected, persona)
        # A published article's words wait as its correction for another reviewer.
        if status == "published":
            written = ArticleCorrection.objects.filter(article=article).values_list("title", flat=True).first()
            assert Article.objects.get(pk=article.pk).title == article.title
        else:
            written = Article.objects.get(pk=article.pk).title
        changed = written == "改过的标题"
        assert changed == (persona not in ("anonymous", "learner") and expected == 302), (code, status)


@pytest.mark.parametrize("action", STEPS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_workflow_step_is_for_the_right_people_in_the_right_status(world, persona, action):
    client = world["web"][persona]
    for (code, status), article in world["articles"].items():
        response = client.post(f"/console/news/{article.pk}/{action}/", {"comment": "请补充时间地点。", "now": "1"})
        if persona in ("anonymous", "learner"):
            expected, after = 404, status
        else:
            expected, after = step_outcome(world, persona, action, code, status)
        expect(response, expected, persona)
        assert Article.objects.get(pk=article.pk).status == after, (persona, action, code, status)


# Each region's published article is corrected by its own reviewer, who may withdraw the
# correction; another reviewer of the article approves or rejects it.
CORRECTORS = {COUNTY: "county_reviewer", WUYUAN: "wuyuan_reviewer"}


def correction_outcome(world, persona: str, step: str, code: str) -> int:
    if not sees(world, persona, code):
        return 404
    if not reviews(world, persona, code):
        return 403
    by_corrector = step == "correction-withdraw"
    return 302 if (persona == CORRECTORS[code]) == by_corrector else 403


@pytest.mark.parametrize("step", ["correction-approve", "correction-reject", "correction-withdraw"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_correction_is_judged_by_another_reviewer_and_withdrawn_by_its_corrector(world, persona, step):
    client = world["web"][persona]
    for code in (COUNTY, WUYUAN):
        article = world["articles"][(code, "published")]
        corrector = world["actors"][CORRECTORS[code]]
        services.article_update(actor=corrector, article=article, title=f"{code}·更正")
        response = client.post(f"/console/news/{article.pk}/{step}/", {"version": "1", "reason": "请核实"})
        staff = persona not in ("anonymous", "learner")
        expected = correction_outcome(world, persona, step, code) if staff else 404
        expect(response, expected, persona)
        done = staff and expected == 302
        assert ArticleCorrection.objects.filter(article=article).exists() != done, (persona, step, code)
        approved = done and step == "correction-approve"
        assert Article.objects.get(pk=article.pk).title == (f"{code}·更正" if approved else article.title)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pictures_are_uploaded_for_the_regions_the_persona_writes_for_only(world, persona):
    client = world["web"][persona]
    for code in (COUNTY, WUYUAN):
        upload = SimpleUploadedFile("photo.png", PNG, "image/png")
        response = client.post("/console/news/images/", {"file": upload, "region": code})
        expect(response, 201 if writes(world, persona, code) else 404, persona)
        if persona not in ("anonymous", "learner") and response.status_code == 404:
            assert response.json()["code"] == "not_found"
    uploaded = ArticleImage.objects.values_list("region__code", flat=True)
    expected = [code for code in (COUNTY, WUYUAN) if writes(world, persona, code)]
    assert sorted(uploaded) == expected


# --- The public page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_public_page_shows_released_articles_to_all_and_the_rest_to_staff_in_scope_only(world, persona):
    try:
        resolve("/news/1/")
    except Resolver404:  # the public pages are built beside the console; until they are routed
        pytest.skip("/news/<id>/ is not routed yet")
    client = world["web"][persona]
    for (code, status), article in world["articles"].items():
        allowed = status == "published" or sees(world, persona, code)
        response = client.get(f"/news/{article.pk}/")
        assert response.status_code == (200 if allowed else 404), (persona, code, status, response.status_code)
