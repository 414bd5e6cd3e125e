"""Corrections of published articles through the API: a PATCH of a published article's words
answers the article as published with its pending `correction`; the public endpoints keep
the published words until another reviewer approves it (POST .../correction/approve), and
.../correction/reject and .../correction/withdraw end it; the refusals have their codes; and
who may take each step, persona by persona."""

import pytest
from django.test import Client

from lifelong.news import services
from lifelong.news.models import Article, ArticleCorrection
from lifelong.testkit.api import ApiClient
from lifelong.testkit.regions import COUNTY, WUYUAN

from .helpers import API_PERSONAS, REVIEWS, WRITES, api_actors, publish


@pytest.fixture
def live(room):
    return room.county_article(title="全民终身学习活动周开幕")


CORRECTION = {"title": "更正：开幕式改在周六", "body": "<p>开幕式改在周六上午九点。</p>"}


def public_titles(q: str = "") -> set[str]:
    response = ApiClient().get("/articles", q=q)
    return {item["title"] for item in response.json()["items"]}


def test_a_patch_of_a_published_article_is_held_as_its_correction(room, live):
    reviewer = ApiClient(room.county_reviewer)
    response = reviewer.patch(f"/articles/{live.pk}", CORRECTION)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["title"], answer["body"], answer["status"]) == (live.title, live.body, "published")
    correction = answer["correction"]
    assert (correction["title"], correction["body"], correction["source"], correction["version"]) == (
        CORRECTION["title"],
        CORRECTION["body"],
        live.source,
        1,
    )
    assert correction["changed_by"] == {"id": room.county_reviewer.pk, "name": room.county_reviewer.name}
    assert correction["proposed_by"] == correction["changed_by"]
    assert answer["correction_pending"] is True
    # The public endpoints read the published words.
    assert ApiClient().get(f"/articles/{live.pk}").json()["title"] == live.title
    assert public_titles() == {live.title} and public_titles("周六") == set()
    listed = reviewer.get("/articles/manage").json()["items"]
    assert [(item["id"], item["correction_pending"]) for item in listed] == [(live.pk, True)]


def test_the_corrector_cannot_approve_it_and_another_reviewer_can(room, demo, live):
    ApiClient(room.county_reviewer).patch(f"/articles/{live.pk}", CORRECTION)
    refused = ApiClient(room.county_reviewer).post(f"/articles/{live.pk}/correction/approve", {"version": 1})
    assert refused.status_code == 403 and refused.json()["code"] == "own_article"
    assert Article.objects.get(pk=live.pk).title == live.title

    approved = ApiClient(demo.county_admin).post(f"/articles/{live.pk}/correction/approve", {"version": 1})
    assert approved.status_code == 200, approved.json()
    answer = approved.json()
    assert (answer["title"], answer["correction"], answer["correction_pending"]) == (CORRECTION["title"], None, False)
    assert answer["content_changed_by"]["id"] == room.county_reviewer.pk
    assert answer["published_at"] is not None
    assert ApiClient().get(f"/articles/{live.pk}").json()["title"] == CORRECTION["title"]
    assert public_titles("周六") == {CORRECTION["title"]}


def test_an_approval_must_name_the_version_read(room, demo, live):
    """An approver names the correction's version they read, so words changed after they read
    them are never approved unread."""
    ApiClient(room.county_reviewer).patch(f"/articles/{live.pk}", CORRECTION)
    admin = ApiClient(demo.county_admin)
    assert admin.post(f"/articles/{live.pk}/correction/approve").status_code == 422
    missing = admin.post(f"/articles/{live.pk}/correction/approve", {})
    assert missing.status_code == 422 and missing.json()["field"] == "version"
    assert Article.objects.get(pk=live.pk).title == live.title
    assert ArticleCorrection.objects.filter(article=live).exists()
    assert admin.post(f"/articles/{live.pk}/correction/approve", {"version": 1}).status_code == 200
    assert Article.objects.get(pk=live.pk).title == CORRECTION["title"]


def test_a_stale_or_bad_version_is_refused_and_changes_nothing(room, demo, live):
    reviewer, admin = ApiClient(room.county_reviewer), ApiClient(demo.county_admin)
    reviewer.patch(f"/articles/{live.pk}", CORRECTION)
    read = admin.get(f"/articles/manage/{live.pk}").json()["correction"]["version"]
    reviewer.patch(f"/articles/{live.pk}", {"title": "更正：开幕式改在周日"})
    stale = admin.post(f"/articles/{live.pk}/correction/approve", {"version": read})
    assert stale.status_code == 409 and stale.json()["code"] == "text_changed"
    for bad in ({"version": 0}, {"version": "two"}, {"version": 2, "extra": 1}):
        assert admin.post(f"/articles/{live.pk}/correction/approve", bad).status_code == 422, bad
    assert Article.objects.get(pk=live.pk).title == live.title
    assert ArticleCorrection.objects.get(article=live).title == "更正：开幕式改在周日"


def test_a_rejection_needs_a_reason(room, demo, live):
    ApiClient(room.county_reviewer).patch(f"/articles/{live.pk}", CORRECTION)
    admin = ApiClient(demo.county_admin)
    missing = admin.post(f"/articles/{live.pk}/correction/reject", {})
    assert missing.status_code == 422
    blank = admin.post(f"/articles/{live.pk}/correction/reject", {"reason": "   "})
    assert blank.status_code == 422 and blank.json()["code"] == "reason_required"
    assert admin.post(f"/articles/{live.pk}/correction/reject", {"reason": "理" * 2001}).status_code == 422
    own = ApiClient(room.county_reviewer).post(f"/articles/{live.pk}/correction/reject", {"reason": "算了"})
    assert own.status_code == 403 and own.json()["code"] == "own_article"
    assert ArticleCorrection.objects.filter(article=live).exists()
    rejected = admin.post(f"/articles/{live.pk}/correction/reject", {"reason": "开幕时间没有变"})
    assert rejected.status_code == 200 and rejected.json()["correction"] is None
    assert Article.objects.get(pk=live.pk).title == live.title and not ArticleCorrection.objects.exists()


def test_only_the_last_to_change_it_withdraws_it(room, demo, live):
    ApiClient(room.county_reviewer).patch(f"/articles/{live.pk}", CORRECTION)
    other = ApiClient(demo.county_admin).post(f"/articles/{live.pk}/correction/withdraw")
    assert other.status_code == 403 and other.json()["code"] == "not_corrector"
    withdrawn = ApiClient(room.county_reviewer).post(f"/articles/{live.pk}/correction/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["correction"] is None
    assert Article.objects.get(pk=live.pk).title == live.title and not ArticleCorrection.objects.exists()


def test_without_a_correction_the_steps_answer_409(room, demo, live):
    admin = ApiClient(demo.county_admin)
    for step, body in (("approve", {"version": 1}), ("reject", {"reason": "不对"}), ("withdraw", None)):
        response = admin.post(f"/articles/{live.pk}/correction/{step}", body)
        assert response.status_code == 409 and response.json()["code"] == "no_correction", step


def test_the_document_lists_each_steps_refusals(room):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for step, codes in (
        ("approve", ("own_article", "text_changed", "no_correction")),
        ("reject", ("own_article", "reason_required", "no_correction")),
        ("withdraw", ("not_corrector", "no_correction")),
    ):
        operation = paths[f"/api/v1/articles/{{article_id}}/correction/{step}"]["post"]
        assert {"200", "401", "403", "404", "409"} <= set(operation["responses"]), step
        assert all(code in operation["description"] for code in codes), step
    assert "correction" in paths["/api/v1/articles/{article_id}"]["patch"]["description"]


# --- Who may take each step -------------------------------------------------------------------
# The oracle, apart from the policy module: a persona reviews the articles of regions whose
# code begins with that of a region where it is an admin or a reviewer, writes where it is an
# admin or an editor, and sees what it writes or reviews. Each region's own reviewer corrects
# its published article.

PERSONAS = API_PERSONAS
CORRECTOR = {COUNTY: "county_reviewer", WUYUAN: "wuyuan_reviewer"}


def oracle(persona: str, code: str, *, approves: bool) -> int:
    """The status of an approval (`approves`) or a withdrawal of the correction of `code`'s article."""
    if persona == "anonymous":
        return 401
    writes = persona in WRITES and code.startswith(WRITES[persona])
    reviews = persona in REVIEWS and code.startswith(REVIEWS[persona])
    if not (writes or reviews):
        return 404
    if not reviews:
        return 403
    is_corrector = CORRECTOR[code] == persona
    return 200 if is_corrector != approves else 403


@pytest.fixture
def world(room, demo):
    actors = api_actors(room, demo)
    regions = {COUNTY: (room.county, room.county_editor), WUYUAN: (room.wuyuan, room.wuyuan_editor)}

    def corrected(code: str, title: str) -> Article:
        region, editor = regions[code]
        corrector = actors[CORRECTOR[code]]
        article = publish(editor, demo.county_admin, region, title=title)
        services.article_update(actor=corrector, article=article, title=f"{title}（更正）")
        return article

    return {"actors": actors, "corrected": corrected}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_approve_reject_or_withdraw_a_correction(world, persona):
    api = ApiClient(world["actors"][persona])
    for code in (COUNTY, WUYUAN):
        case = (persona, code)
        steps = {
            "approve": ({"version": 1}, oracle(persona, code, approves=True)),
            "reject": ({"reason": "请核实"}, oracle(persona, code, approves=True)),
            "withdraw": (None, oracle(persona, code, approves=False)),
        }
        for step, (body, expected) in steps.items():
            article = world["corrected"](code, f"{code}{step}")
            response = api.post(f"/articles/{article.pk}/correction/{step}", body)
            assert response.status_code == expected, (case, step, response.json())
            stored = Article.objects.get(pk=article.pk)
            pending = ArticleCorrection.objects.filter(article=article).exists()
            # A refusal changes nothing; an allowed step did what it says.
            assert pending == (expected != 200), (case, step)
            assert stored.title == (
                f"{code}{step}（更正）" if step == "approve" and expected == 200 else f"{code}{step}"
            )
        detail = api.get(f"/articles/manage/{article.pk}")
        if detail.status_code == 200:
            assert "correction" in detail.json()
