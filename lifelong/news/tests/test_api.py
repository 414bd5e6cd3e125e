"""The publishing API: the public news list and article (released articles only, to
everybody), and the newsroom's workflow for staff, in the API's usual contract."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from lifelong.campaigns.services import campaign_create
from lifelong.news import selectors, services, view_counter
from lifelong.news.models import Article, ArticleRevision, ArticleView
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient
from lifelong.testkit.regions import COUNTY, GANPU, WUYUAN

from .helpers import API_PERSONAS, REVIEWS, WRITES, api_actors, publish, write

LIST_FIELDS = {"id", "title", "title_en", "channel", "region", "source", "source_en", "published_at", "view_count"}
DETAIL_FIELDS = LIST_FIELDS | {"summary", "summary_en", "body", "body_en", "campaign", "url"}


def week(demo, slug="learning-week"):
    today = timezone.localdate()
    return campaign_create(
        actor=demo.county_admin,
        host_region=Region.objects.get(code=COUNTY),
        slug=slug,
        name="终身学习活动周",
        name_en="Lifelong Learning Week",
        starts_on=today,
        ends_on=today + timedelta(days=7),
    )


def read(article_id: int) -> dict:
    """A publish's body: the revision the publisher read (required)."""
    return {"revision": selectors.article_revision_number(Article.objects.get(pk=article_id))}


def titles(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {item["title"] for item in response.json()["items"]}


# --- The public list and article --------------------------------------------------------------


def test_the_list_is_items_and_count_with_the_contract_fields(room, demo):
    campaign = week(demo)
    first = room.county_article(
        title="活动周开幕",
        title_en="Learning Week opens",
        source_en="Haiyan Community College",
        campaign=campaign,
    )
    publish(room.wuyuan_editor, room.wuyuan_reviewer, room.wuyuan, title="武原读书会", channel="notices")
    response = ApiClient().get("/articles")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"items", "count"} and data["count"] == 2
    assert [item["title"] for item in data["items"]] == ["武原读书会", "活动周开幕"]  # newest first
    item = next(i for i in data["items"] if i["id"] == first.pk)
    assert set(item) == LIST_FIELDS
    assert item["region"] == {"code": COUNTY, "name": "海盐县", "name_en": "Haiyan County", "level": "county"}
    assert (item["title_en"], item["channel"], item["source"], item["view_count"]) == (
        "Learning Week opens",
        "news",
        "海盐县社区教育学校",
        0,
    )
    assert abs(datetime.fromisoformat(item["published_at"]) - first.published_at) < timedelta(milliseconds=1)
    assert datetime.fromisoformat(item["published_at"]).utcoffset() is not None
    detail = ApiClient().get(f"/articles/{first.pk}").json()
    assert set(detail) == DETAIL_FIELDS
    assert {k: detail[k] for k in LIST_FIELDS} == item
    assert (detail["body"], detail["campaign"], detail["url"]) == (
        "<p>活动周今天开幕。</p>",
        "learning-week",
        f"/news/{first.pk}/",
    )


def test_paging_clamps_a_large_page_size(room, settings):
    for n in range(3):
        room.county_article(title=f"通知{n}")
    api = ApiClient()
    paged = api.get("/articles", page_size=1, page=2).json()
    assert paged["count"] == 3 and [i["title"] for i in paged["items"]] == ["通知1"]
    settings.API_PAGE_SIZE_MAX = 2
    clamped = api.get("/articles", page_size=10_000)
    assert clamped.status_code == 200 and clamped.json()["count"] == 3 and len(clamped.json()["items"]) == 2
    assert api.get("/articles", page=99).json() == {"items": [], "count": 3}
    for bad in ({"page": 0}, {"page_size": 0}, {"page": "two"}):
        refused = api.get("/articles", **bad)
        assert refused.status_code == 422 and refused.json()["code"] == "invalid"


def test_filters_by_channel_words_campaign_and_region_subtree(room, demo):
    campaign = week(demo)
    week(demo, slug="other-week")
    room.county_article(title="活动周开幕", campaign=campaign)
    room.county_article(
        title="县政策解读",
        channel="policy",
        body="<p>鼓励<strong>读书</strong>学习。</p>",
    )
    publish(
        room.wuyuan_editor,
        room.wuyuan_reviewer,
        room.wuyuan,
        title="武原社区通知",
        channel="notices",
        body="<p>社区学校下周停课。</p>",
    )
    api = ApiClient()
    assert titles(api.get("/articles", channel="notices")) == {"武原社区通知"}
    assert titles(api.get("/articles", q="读书")) == {"县政策解读"}  # a two-character word, in the text
    assert titles(api.get("/articles", q=" 开幕 ")) == {"活动周开幕"}
    assert titles(api.get("/articles", q="书读")) == set()
    assert titles(api.get("/articles", campaign="learning-week")) == {"活动周开幕"}
    assert titles(api.get("/articles", campaign="other-week")) == set()
    assert titles(api.get("/articles", region=WUYUAN)) == {"武原社区通知"}
    assert titles(api.get("/articles", region=COUNTY)) == {"活动周开幕", "县政策解读", "武原社区通知"}  # subtree
    assert titles(api.get("/articles", region=GANPU)) == set()
    assert titles(api.get("/articles", region=WUYUAN, channel="news")) == set()
    unknown_channel = api.get("/articles", channel="gossip")
    assert unknown_channel.status_code == 422 and unknown_channel.json()["code"] == "invalid"
    for params, field in [({"campaign": "no-such-week"}, "campaign"), ({"region": "999999"}, "region")]:
        refused = api.get("/articles", **params)
        assert refused.status_code == 404 and refused.json()["code"] == "not_found", refused.json()
        assert refused.json()["field"] == field
    assert api.get("/articles", q="长" * 51).status_code == 422


def unreleased(room) -> dict[str, Article]:
    """One article in each state that must never be public."""
    draft = write(room.county_editor, room.county, title="草稿")
    in_review = write(room.county_editor, room.county, title="待审")
    services.article_submit(actor=room.county_editor, article=in_review)
    returned = write(room.county_editor, room.county, title="退回")
    services.article_submit(actor=room.county_editor, article=returned)
    services.article_return(actor=room.county_reviewer, article=returned, comment="重写")
    scheduled = room.county_article(
        title="定时发布",
        release_at=timezone.now() + timedelta(days=1),
    )
    archived = room.county_article(title="已归档")
    services.article_archive(actor=room.county_reviewer, article=archived)
    return {"draft": draft, "in_review": in_review, "returned": returned, "scheduled": scheduled, "archived": archived}


def test_unreleased_articles_are_never_listed_nor_shown_even_to_their_staff(room, demo):
    hidden = unreleased(room)
    public = room.county_article(title="已发布")
    for user in (None, demo.young_learner, demo.county_admin, room.county_editor, room.county_reviewer):
        api = ApiClient(user)
        assert titles(api.get("/articles")) == {"已发布"}
        assert api.get(f"/articles/{public.pk}").status_code == 200
        for article in [*hidden.values(), None]:
            response = api.get(f"/articles/{article.pk if article else 999_999}")
            assert response.status_code == 404, (user, article)
            assert set(response.json()) == {"detail", "code"} and response.json()["code"] == "not_found"


def test_the_view_count_includes_fresh_views_and_reading_the_api_counts_none(room):
    article = publish(room.county_editor, room.county_reviewer, room.county)
    today = timezone.localdate()
    for visitor in ("u1", "u2", "c-3f9a", "u1"):
        services.article_view_count(article=article, visitor=visitor, day=today)
    api = ApiClient()
    for _ in range(3):
        assert api.get(f"/articles/{article.pk}").json()["view_count"] == 3
    assert api.get("/articles").json()["items"][0]["view_count"] == 3
    assert ArticleView.objects.count() == 3 and Article.objects.get(pk=article.pk).view_count == 0
    view_counter.article_views_fold()
    assert Article.objects.get(pk=article.pk).view_count == 3
    assert api.get(f"/articles/{article.pk}").json()["view_count"] == 3
    assert api.get("/articles").json()["items"][0]["view_count"] == 3


def test_the_list_endpoint_runs_a_fixed_number_of_queries(room, django_assert_num_queries):
    for n in range(2):
        article = room.county_article(title=f"新闻{n}")
        services.article_view_count(article=article, visitor="u1", day=timezone.localdate())
    with django_assert_num_queries(2):
        assert ApiClient().get("/articles").json()["count"] == 2
    for n in range(10):
        publish(room.wuyuan_editor, room.wuyuan_reviewer, room.wuyuan, title=f"武原{n}")
    with django_assert_num_queries(2):
        assert ApiClient().get("/articles").json()["count"] == 12


# --- Staff writing through the API ------------------------------------------------------------

DRAFT = {
    "region": COUNTY,
    "channel": "notices",
    "title": "关于举办2026年全民终身学习活动周的通知",
    "title_en": "Notice of the 2026 Learning Week",
    "summary": "活动周安排",
    "body": "<p>各镇（街道）：</p><p>活动周即将开幕。</p>",
    "source": "海盐县社区教育学校",
}


def test_staff_create_a_draft_and_the_body_is_stored_and_returned_clean(room):
    api = ApiClient(room.county_editor)
    body = '<p>活动周即将开幕。<script>alert(document.cookie)</script><img src="x" onerror="alert(1)"></p>'
    response = api.post("/articles", {**DRAFT, "body": body, "body_en": "<p onclick='x()'>Soon.</p>"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert set(created) == {"id", "status"} and created["status"] == "draft"
    article = Article.objects.get(pk=created["id"])
    assert (article.body, article.body_en) == ("<p>活动周即将开幕。<img></p>", "<p>Soon.</p>")
    assert (article.author, article.region.code, article.channel) == (room.county_editor, COUNTY, "notices")
    shown = api.get(f"/articles/manage/{article.pk}").json()
    assert shown["body"] == "<p>活动周即将开幕。<img></p>" and shown["status"] == "draft"
    changed = api.patch(f"/articles/{article.pk}", {"body": "<p>改期<iframe src='https://evil'></iframe></p>"})
    assert changed.status_code == 200 and changed.json()["body"] == "<p>改期</p>"
    assert ApiClient().get(f"/articles/{article.pk}").status_code == 404  # still a draft


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"view_count": 1000}, 422, "invalid"),  # unknown fields are refused, not ignored
        ({"status": "published"}, 422, "invalid"),
        ({"author": 1}, 422, "invalid"),
        ({"title": 42}, 422, "invalid"),
        ({"title": ""}, 422, "invalid"),
        ({"title": "长" * 161}, 422, "invalid"),
        ({"channel": "gossip"}, 422, "invalid"),
        ({"body": ["<p>x</p>"]}, 422, "invalid"),
        ({"body": "<p><br></p><script>x</script>"}, 422, "body_required"),
        ({"title": "标题\x00"}, 422, "invalid"),
        ({"region": "999999"}, 404, "not_found"),
        ({"region": "33042400"}, 404, "not_found"),
        ({"campaign": "no-such-week"}, 404, "not_found"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(room, change, status, code):
    response = ApiClient(room.county_editor).post("/articles", {**DRAFT, **change})
    assert response.status_code == status and response.json()["code"] == code, response.json()
    assert not Article.objects.exists()


def test_unparsable_json_gets_a_code_and_writes_nothing(room):
    api = ApiClient(room.county_editor)
    for raw in ('{"title": ', "[1, 2", "not json"):
        response = api.post("/articles", raw=raw)
        assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    missing = api.post("/articles", {"title": "只有标题"})
    assert missing.status_code == 422 and missing.json()["code"] == "invalid"
    assert not Article.objects.exists()


def test_writing_outside_scope_is_not_found(room, demo):
    wuyuan_editor = ApiClient(room.wuyuan_editor)
    for code in (COUNTY, GANPU):
        refused = wuyuan_editor.post("/articles", {**DRAFT, "region": code})
        assert refused.status_code == 404 and refused.json()["field"] == "region"
    mine = wuyuan_editor.post("/articles", {**DRAFT, "region": WUYUAN}).json()["id"]
    moved = wuyuan_editor.patch(f"/articles/{mine}", {"region": COUNTY})
    assert moved.status_code == 404 and Article.objects.get(pk=mine).region.code == WUYUAN
    county_draft = write(room.county_editor, room.county)
    assert wuyuan_editor.patch(f"/articles/{county_draft.pk}", {"title": "改"}).status_code == 404
    assert wuyuan_editor.post(f"/articles/{county_draft.pk}/submit").status_code == 404
    assert wuyuan_editor.get(f"/articles/manage/{county_draft.pk}").status_code == 404
    assert ApiClient(demo.young_learner).post("/articles", DRAFT).status_code == 404
    assert ApiClient().post("/articles", DRAFT).status_code == 401
    assert ApiClient(room.county_editor, two_factor_verified=False).post("/articles", DRAFT).status_code == 401
    assert Article.objects.count() == 2


def test_a_patch_changes_what_is_given_keeps_revisions_and_can_take_the_campaign_out(room, demo):
    campaign = week(demo)
    api = ApiClient(room.county_editor)
    article_id = api.post("/articles", {**DRAFT, "campaign": campaign.slug}).json()["id"]
    assert Article.objects.get(pk=article_id).campaign == campaign
    changed = api.patch(f"/articles/{article_id}", {"title": "活动周改期通知", "campaign": None})
    assert changed.status_code == 200, changed.json()
    data = changed.json()
    assert (data["title"], data["campaign"], data["summary"], data["status"]) == (
        "活动周改期通知",
        None,
        "活动周安排",
        "draft",
    )
    assert api.patch(f"/articles/{article_id}", {}).status_code == 200  # nothing given, nothing changes
    assert api.patch(f"/articles/{article_id}", {"title": "活动周改期通知"}).status_code == 200  # the same
    assert ArticleRevision.objects.filter(article_id=article_id).count() == 2
    for bad, status in [({"views": 3}, 422), ({"title": None}, 422), ({"campaign": "no-such"}, 404)]:
        assert api.patch(f"/articles/{article_id}", bad).status_code == status, bad
    assert api.patch("/articles/999999", {"title": "x"}).status_code == 404
    assert Article.objects.get(pk=article_id).title == "活动周改期通知"


def test_the_whole_workflow_by_api(room):
    editor, reviewer = ApiClient(room.county_editor), ApiClient(room.county_reviewer)
    article_id = editor.post("/articles", DRAFT).json()["id"]
    path = f"/articles/{article_id}"
    wrong = editor.post(f"{path}/withdraw")
    assert wrong.status_code == 409 and wrong.json()["code"] == "wrong_status"
    submitted = editor.post(f"{path}/submit")
    assert submitted.status_code == 200
    assert set(submitted.json()) == {"id", "status", "published_at", "submitted_at", "review_comment"}
    assert submitted.json()["status"] == "in_review" and submitted.json()["submitted_at"]
    refused = editor.post(f"{path}/publish", read(article_id))
    assert refused.status_code == 403 and refused.json()["code"] == "not_reviewer"
    no_comment = reviewer.post(f"{path}/return", {"comment": "  "})
    assert no_comment.status_code == 422 and no_comment.json()["code"] == "comment_required"
    assert reviewer.post(f"{path}/return", {}).status_code == 422
    assert reviewer.post(f"{path}/return", {"comment": "改", "extra": 1}).status_code == 422
    returned = reviewer.post(f"{path}/return", {"comment": "请写明报名方式"})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["review_comment"]) == ("draft", "请写明报名方式")
    assert editor.post(f"{path}/submit").json()["status"] == "in_review"
    assert editor.post(f"{path}/withdraw").json()["status"] == "draft"
    assert editor.post(f"{path}/submit").status_code == 200
    past = reviewer.post(f"{path}/publish", {**read(article_id), "release_at": "2019-11-04T14:11:00+08:00"})
    assert past.status_code == 422 and past.json()["code"] == "release_in_past"
    naive = reviewer.post(
        f"{path}/publish", {**read(article_id), "release_at": (timezone.now() + timedelta(days=1)).isoformat()[:19]}
    )
    assert naive.status_code == 422 and naive.json()["field"] == "release_at"
    assert reviewer.post(f"{path}/publish", {**read(article_id), "release_at": "tomorrow"}).status_code == 422
    release = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    scheduled = reviewer.post(
        f"{path}/publish", {**read(article_id), "release_at": timezone.localtime(release).isoformat()}
    )
    assert scheduled.status_code == 200, scheduled.json()
    assert scheduled.json()["status"] == "published"
    assert datetime.fromisoformat(scheduled.json()["published_at"]) == release
    assert ApiClient().get(path).status_code == 404 and ApiClient().get("/articles").json()["count"] == 0
    again = reviewer.post(f"{path}/publish", read(article_id))
    assert again.status_code == 409 and again.json()["code"] == "wrong_status"
    assert editor.post(f"{path}/archive").status_code == 403
    archived = reviewer.post(f"{path}/archive")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert reviewer.post(f"{path}/reopen").status_code == 403  # reopening is the writers'
    reopened = editor.post(f"{path}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "draft"
    editor.post(f"{path}/submit")
    now = reviewer.post(f"{path}/publish", read(article_id))
    assert now.status_code == 200 and ApiClient().get(path).status_code == 200  # released at once


def test_nobody_publishes_their_own_article_by_api(room, demo):
    admin = ApiClient(demo.county_admin)
    article_id = admin.post("/articles", DRAFT).json()["id"]
    admin.post(f"/articles/{article_id}/submit")
    refused = admin.post(f"/articles/{article_id}/publish", read(article_id))
    assert refused.status_code == 403 and refused.json()["code"] == "own_article"
    assert Article.objects.get(pk=article_id).status == "in_review"
    assert ApiClient(room.county_reviewer).post(f"/articles/{article_id}/publish", read(article_id)).status_code == 200


def test_a_reviewer_who_rewrites_a_submission_by_api_cannot_publish_it(room, demo):
    editor, reviewer = ApiClient(room.county_editor), ApiClient(room.county_reviewer)
    article_id = editor.post("/articles", DRAFT).json()["id"]
    editor.post(f"/articles/{article_id}/submit")
    rewritten = reviewer.patch(f"/articles/{article_id}", {"body": "<p>审核人整篇改写的正文。</p>"})
    assert rewritten.status_code == 200, rewritten.json()
    changed_by = rewritten.json()["content_changed_by"]
    assert changed_by == {"id": room.county_reviewer.pk, "name": room.county_reviewer.name}
    assert rewritten.json()["status"] == "in_review"
    refused = reviewer.post(f"/articles/{article_id}/publish", read(article_id))
    assert refused.status_code == 403 and refused.json()["code"] == "own_article"
    article = Article.objects.get(pk=article_id)
    assert (article.status, article.published_at, article.body) == ("in_review", None, "<p>审核人整篇改写的正文。</p>")
    # The writer, who only writes, cannot publish it either; the county admin (another pair of eyes) can.
    assert editor.post(f"/articles/{article_id}/publish", read(article_id)).json()["code"] == "not_reviewer"
    assert ApiClient(demo.county_admin).post(f"/articles/{article_id}/publish", read(article_id)).status_code == 200


def test_a_writer_who_reviews_cannot_publish_their_own_article_after_a_co_editors_change_by_api(room, demo):
    admin, editor = ApiClient(demo.county_admin), ApiClient(room.county_editor)
    article_id = admin.post("/articles", DRAFT).json()["id"]
    assert editor.patch(f"/articles/{article_id}", {"title": DRAFT["title"] + "。"}).status_code == 200
    admin.post(f"/articles/{article_id}/submit")
    refused = admin.post(f"/articles/{article_id}/publish", read(article_id))
    assert refused.status_code == 403 and refused.json()["code"] == "own_article"
    assert Article.objects.get(pk=article_id).status == "in_review"
    assert ApiClient(room.county_reviewer).post(f"/articles/{article_id}/publish", read(article_id)).status_code == 200


def test_a_patch_of_the_same_words_leaves_who_changed_them_last(room):
    editor, reviewer = ApiClient(room.county_editor), ApiClient(room.county_reviewer)
    article_id = editor.post("/articles", DRAFT).json()["id"]
    editor.post(f"/articles/{article_id}/submit")
    before = editor.get(f"/articles/manage/{article_id}").json()
    same = {name: before[name] for name in ("title", "summary", "body", "source", "channel")}
    assert reviewer.patch(f"/articles/{article_id}", same).json()["content_changed_by"]["id"] == room.county_editor.pk
    after = editor.get(f"/articles/manage/{article_id}").json()
    assert after["content_changed_at"] == before["content_changed_at"]
    assert reviewer.post(f"/articles/{article_id}/publish", read(article_id)).status_code == 200


def test_publishing_names_the_revision_read_and_a_newer_one_is_refused(room, demo):
    editor, reviewer = ApiClient(room.county_editor), ApiClient(room.county_reviewer)
    article_id = editor.post("/articles", DRAFT).json()["id"]
    editor.post(f"/articles/{article_id}/submit")
    read = editor.get(f"/articles/manage/{article_id}").json()["revision"]
    ApiClient(demo.county_admin).patch(f"/articles/{article_id}", {"title": "管理员刚改的标题"})
    stale = reviewer.post(f"/articles/{article_id}/publish", {"revision": read})
    assert stale.status_code == 409 and stale.json()["code"] == "text_changed"
    assert Article.objects.get(pk=article_id).status == "in_review"
    for bad in ({"revision": "one"}, {"revision": 0}, {}, {"release_at": None}):
        missing = reviewer.post(f"/articles/{article_id}/publish", bad)
        assert missing.status_code == 422 and missing.json()["field"] == "revision", bad
    no_body = reviewer.client.post(
        f"/api/v1/articles/{article_id}/publish", "", content_type="application/json", headers=reviewer.headers
    )
    assert no_body.status_code == 422
    assert Article.objects.get(pk=article_id).status == "in_review"
    published = reviewer.post(f"/articles/{article_id}/publish", {"revision": read + 1})
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_the_newsroom_list_shows_the_callers_articles_in_any_status(room, demo):
    hidden = unreleased(room)
    town = write(room.wuyuan_editor, room.wuyuan, title="武原草稿")
    api = ApiClient(room.county_reviewer)
    listed = api.get("/articles/manage")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert listed.json()["count"] == 6 and {i["id"] for i in items} == {a.pk for a in [*hidden.values(), town]}
    assert {i["status"] for i in items} == {"draft", "in_review", "published", "archived"}
    manage_fields = LIST_FIELDS | {
        "status",
        "submitted_at",
        "review_comment",
        "author",
        "content_changed_by",
        "content_changed_at",
        "updated_at",
        "correction_pending",
    }
    assert set(items[0]) == manage_fields
    assert titles(api.get("/articles/manage", status="in_review")) == {"待审"}
    assert titles(api.get("/articles/manage", q="武原")) == {"武原草稿"}
    assert api.get("/articles/manage", status="gone").status_code == 422
    assert titles(ApiClient(room.wuyuan_reviewer).get("/articles/manage")) == {"武原草稿"}
    assert titles(ApiClient(demo.young_learner).get("/articles/manage")) == set()
    assert ApiClient().get("/articles/manage").status_code == 401
    assert selectors.articles_managed(actor=room.county_reviewer).count() == 6


# --- The access matrix ------------------------------------------------------------------------
# The oracle, written apart from the policy module: a persona writes articles for a region
# whose code begins with the code of a region where it is an admin or an editor, reviews
# where it is an admin or a reviewer, and sees what it writes or reviews.

PERSONAS = API_PERSONAS


def oracle_writes(persona: str, code: str) -> bool:
    return persona in WRITES and code.startswith(WRITES[persona])


def oracle_reviews(persona: str, code: str) -> bool:
    return persona in REVIEWS and code.startswith(REVIEWS[persona])


def oracle_sees(persona: str, code: str) -> bool:
    return oracle_writes(persona, code) or oracle_reviews(persona, code)


@pytest.fixture
def world(room, demo):
    actors = api_actors(room, demo)
    articles = {}
    for code, region, editor, reviewer in [
        (COUNTY, room.county, room.county_editor, room.county_reviewer),
        (WUYUAN, room.wuyuan, room.wuyuan_editor, room.wuyuan_reviewer),
    ]:
        draft = write(editor, region, title=f"{code}草稿")
        to_publish, to_return = (write(editor, region, title=f"{code}{n}") for n in ("待发布", "待退回"))
        for article in (to_publish, to_return):
            services.article_submit(actor=editor, article=article)
        published = publish(editor, reviewer, region, title=f"{code}已发布")
        articles[code] = {"draft": draft, "publish": to_publish, "return": to_return, "published": published}
    return {"actors": actors, "articles": articles}


def expected(persona: str, allowed: bool, *, ok: int = 200, visible: bool | None = None) -> int:
    """401 for nobody signed in; else `ok` when allowed, 403 when the article is seen but the
    step is not theirs, and 404 when it is not seen at all."""
    if persona == "anonymous":
        return 401
    if allowed:
        return ok
    return 403 if visible else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_matrix(world, persona):
    api = ApiClient(world["actors"][persona])
    all_articles = [a for by_state in world["articles"].values() for a in by_state.values()]
    # Public reads: the same for everyone, released articles only.
    assert titles(api.get("/articles")) == {f"{COUNTY}已发布", f"{WUYUAN}已发布"}
    managed = api.get("/articles/manage")
    if persona == "anonymous":
        assert managed.status_code == 401
    else:
        seen = {i["id"] for i in managed.json()["items"]}
        assert seen == {a.pk for a in all_articles if oracle_sees(persona, a.region.code)}, persona
    for code, states in world["articles"].items():
        sees, writes, reviews = oracle_sees(persona, code), oracle_writes(persona, code), oracle_reviews(persona, code)
        case = (persona, code)
        assert api.get(f"/articles/{states['published'].pk}").status_code == 200, case
        assert api.get(f"/articles/{states['draft'].pk}").status_code == 404, case
        assert api.get(f"/articles/manage/{states['draft'].pk}").status_code == expected(persona, sees), case

        created = api.post("/articles", {**DRAFT, "region": code, "title": "矩阵新稿"})
        assert created.status_code == expected(persona, writes, ok=201), case
        edited = api.patch(f"/articles/{states['draft'].pk}", {"title": "矩阵改稿"})
        assert edited.status_code == expected(persona, writes, visible=sees), case
        submitted = api.post(f"/articles/{states['draft'].pk}/submit")
        assert submitted.status_code == expected(persona, writes, visible=sees), case
        published = api.post(f"/articles/{states['publish'].pk}/publish", read(states["publish"].pk))
        assert published.status_code == expected(persona, reviews, visible=sees), case
        returned = api.post(f"/articles/{states['return'].pk}/return", {"comment": "矩阵退回"})
        assert returned.status_code == expected(persona, reviews, visible=sees), case
        archived = api.post(f"/articles/{states['published'].pk}/archive")
        assert archived.status_code == expected(persona, reviews, visible=sees), case

        # A refusal changes nothing; an allowed step did what it says.
        now_in = {state: Article.objects.get(pk=a.pk).status for state, a in states.items()}
        draft = Article.objects.get(pk=states["draft"].pk)
        assert (draft.title == "矩阵改稿") == (writes and persona != "anonymous"), case
        assert now_in["draft"] == ("in_review" if writes else "draft"), case
        assert now_in["publish"] == ("published" if reviews else "in_review"), case
        assert now_in["return"] == ("draft" if reviews else "in_review"), case
        assert now_in["published"] == ("archived" if reviews else "published"), case
        assert Article.objects.filter(title="矩阵新稿", region__code=code).count() == int(writes), case


ARTICLE_NOT_NULLABLE = [
    "channel",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "body",
    "body_en",
    "source",
    "source_en",
]


@pytest.mark.parametrize("name", ARTICLE_NOT_NULLABLE)
def test_a_patch_leaves_a_field_out_rather_than_null(room, name):
    """A field left out of a PATCH stays as it is; null is no value for these (only `region`, kept,
    and `campaign`, taken out, take one), and both the document and the server say so (make fuzz:
    the document offered null for the channel, which the server refused)."""
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["ArticlePatch"]
    assert "null" not in json.dumps(schema["properties"][name])
    api = ApiClient(room.county_editor)
    article_id = api.post("/articles", DRAFT).json()["id"]
    before = Article.objects.filter(pk=article_id).values().get()
    response = api.patch(f"/articles/{article_id}", {name: None})
    assert response.status_code == 422 and response.json()["errors"][0]["loc"][-1] == name, response.json()
    assert Article.objects.filter(pk=article_id).values().get() == before
