"""The publishing console: an editor writes, edits and submits through the form; a reviewer
finds the submission in their queue, sends it back with a comment or publishes it (now or
at a release time); nobody publishes their own article; other towns' articles answer 404;
the editor's picture upload checks the bytes; the list page costs a fixed number of
queries; and the editor pages open their style policy to Trix's nonce only."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifelong.campaigns.services import campaign_create
from lifelong.news import selectors, services
from lifelong.news.models import Article, ArticleImage
from lifelong.regions.models import Region

from . import helpers
from .helpers import publish, write

COUNTY_TIME = ZoneInfo("Asia/Shanghai")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def clients(room, demo, verified_client):
    return helpers.english_console_clients(verified_client, room, demo, organizer=demo.organizer)


def stored(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


def form_data(region: Region, **overrides) -> dict:
    return {
        "region": region.code,
        "channel": "news",
        "campaign": "",
        "title": "社区学校开设智能手机课",
        "title_en": "Smartphone classes at the community school",
        "summary": "老年人学用手机。",
        "summary_en": "",
        "source": "海盐县社区教育学校",
        "source_en": "Haiyan Community Education School",
        "body": "<div>课程每周二上午开课。</div>",
        "body_en": "",
        **overrides,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def images_stored() -> list[str]:
    try:
        folders, _files = default_storage.listdir("news")
    except FileNotFoundError:
        return []
    names = []
    for year in folders:
        for month in default_storage.listdir(f"news/{year}")[0]:
            names += default_storage.listdir(f"news/{year}/{month}")[1]
    return names


# --- Writing ----------------------------------------------------------------------------------


def test_an_editor_writes_a_draft_whose_body_is_stored_clean_then_edits_and_submits_it(room, clients):
    editor = clients["county_editor"]
    page = editor.get("/console/news/new/")
    assert page.status_code == 200
    offered = set(page.context["form"].fields["region"].queryset.values_list("code", flat=True))
    assert helpers.COUNTY in offered and helpers.WUYUAN in offered  # the whole county's subtree

    body = (
        '<div>课程每周二上午开课。<script>alert(document.cookie)</script><a href="javascript:alert(1)">报名</a></div>'
    )
    response = editor.post("/console/news/new/", form_data(room.county, body=body))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/news/{article.pk}/"
    assert (article.status, article.author, article.region) == ("draft", room.county_editor, room.county)
    assert "script" not in article.body and "javascript" not in article.body and "alert" not in article.body
    assert "课程每周二上午开课。" in article.body

    response = editor.post(f"/console/news/{article.pk}/", form_data(room.county, title="智能手机课十月开班"))
    assert response.status_code == 302
    assert stored(article).title == "智能手机课十月开班"
    assert list(article.revisions.values_list("number", "title")) == [
        (2, "智能手机课十月开班"),
        (1, "社区学校开设智能手机课"),
    ]
    first = editor.get(f"/console/news/{article.pk}/revisions/1/")
    assert first.status_code == 200 and "社区学校开设智能手机课" in first.content.decode()
    assert editor.get(f"/console/news/{article.pk}/revisions/9/").status_code == 404
    page = editor.get(f"/console/news/{article.pk}/")
    assert f"/console/news/{article.pk}/revisions/2/" in page.content.decode()
    assert f'href="/news/{article.pk}/"' in page.content.decode()

    assert editor.post(f"/console/news/{article.pk}/submit/").status_code == 302
    assert stored(article).status == "in_review"
    # In review, the editor reads it but no longer changes it.
    page = editor.get(f"/console/news/{article.pk}/")
    assert page.context["form"] is None and 'data-testid="article-words"' in page.content.decode()
    refused = editor.post(f"/console/news/{article.pk}/", form_data(room.county, title="改标题"))
    assert refused.status_code == 403 and stored(article).title == "智能手机课十月开班"


def test_without_javascript_typed_paragraphs_are_kept(room, clients):
    typed = "活动周今天开幕。\r\n地点：县文化中心。\r\n\r\n欢迎市民参加 & 报名。"
    clients["county_editor"].post("/console/news/new/", form_data(room.county, body=typed))
    assert Article.objects.get().body == (
        "<p>活动周今天开幕。<br>地点：县文化中心。</p>\n\n<p>欢迎市民参加 &amp; 报名。</p>"
    )


def test_the_form_reports_bad_input_on_its_fields_and_stores_nothing(room, clients):
    editor = clients["wuyuan_editor"]
    # A picture the cleaner drops leaves no text: the service's refusal lands on the body.
    response = editor.post("/console/news/new/", form_data(room.wuyuan, body='<img src="https://evil.example/x.gif">'))
    assert response.status_code == 200 and response.context["form"].errors["body"]
    # Another town's region is no choice at all.
    response = editor.post("/console/news/new/", form_data(room.county))
    assert response.status_code == 200 and response.context["form"].errors["region"]
    response = editor.post("/console/news/new/", form_data(room.wuyuan, title="", channel="gossip"))
    assert set(response.context["form"].errors) == {"title", "channel"}
    assert not Article.objects.exists()


def test_a_trix_picture_becomes_a_plain_figure_of_a_site_image(room, clients):
    key = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
    trix = (
        f'<div>开幕式现场</div><figure data-trix-attachment="{{&quot;contentType&quot;:&quot;image/png&quot;}}" '
        f'data-trix-content-type="image/png" class="attachment attachment--preview">'
        f'<img src="/news/images/{key}/" width="640" height="480">'
        f'<figcaption class="attachment__caption">开幕式</figcaption></figure>'
    )
    clients["county_editor"].post("/console/news/new/", form_data(room.county, body=trix))
    body = Article.objects.get().body
    assert (
        f'<figure><img src="/news/images/{key}/" width="640" height="480"><figcaption>开幕式</figcaption></figure>'
        in body
    )
    assert "data-trix" not in body and "class=" not in body


def test_campaigns_offered_are_those_held_over_or_under_the_writers_region(room, demo, clients):
    week = campaign_create(
        actor=demo.county_admin,
        host_region=room.county,
        slug="week",
        name="终身学习活动周",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=6),
    )
    ganpu_day = campaign_create(
        actor=demo.county_admin,
        host_region=room.ganpu,
        slug="ganpu-day",
        name="澉浦学习日",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    page = clients["wuyuan_editor"].get("/console/news/new/")
    assert list(page.context["form"].fields["campaign"].queryset) == [week]
    page = clients["county_editor"].get("/console/news/new/")
    assert set(page.context["form"].fields["campaign"].queryset) == {week, ganpu_day}
    response = clients["wuyuan_editor"].post("/console/news/new/", form_data(room.wuyuan, campaign=week.pk))
    assert response.status_code == 302 and Article.objects.get().campaign == week


# --- Review -----------------------------------------------------------------------------------


def test_a_reviewer_sends_a_submission_back_with_a_comment_the_editor_reads_and_resubmits(room, clients):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    reviewer, editor = clients["county_reviewer"], clients["county_editor"]
    listing = reviewer.get("/console/news/")
    assert [a.pk for a in listing.context["queue"]] == [article.pk]
    assert 'data-testid="review-queue"' in listing.content.decode()
    assert not editor.get("/console/news/").context["queue"]  # editors do not review

    refused = reviewer.post(f"/console/news/{article.pk}/return/", {"comment": "  "})
    assert refused.status_code == 422
    assert refused.context["return_form"].errors["comment"] == ["Say what should change."]
    assert stored(article).status == "in_review"

    response = reviewer.post(f"/console/news/{article.pk}/return/", {"comment": "请补上开课地点。"})
    assert response.status_code == 302
    assert (stored(article).status, stored(article).review_comment) == ("draft", "请补上开课地点。")
    page = editor.get(f"/console/news/{article.pk}/")
    assert 'data-testid="review-comment"' in page.content.decode() and "请补上开课地点。" in page.content.decode()
    assert "submit" in page.context["actions"]

    editor.post(f"/console/news/{article.pk}/", form_data(room.county, body="<div>地点：县社区学校三楼。</div>"))
    assert editor.post(f"/console/news/{article.pk}/submit/").status_code == 302
    assert stored(article).status == "in_review"


def test_a_reviewer_schedules_a_release_in_county_time_and_it_stays_private_until_then(room, clients):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    release = (timezone.now() + timedelta(days=2)).astimezone(COUNTY_TIME).replace(second=0, microsecond=0)
    with timezone.override("UTC"):  # whatever zone is active, the typed time is the county's
        response = clients["county_reviewer"].post(
            f"/console/news/{article.pk}/publish/", {"release_at": release.strftime("%Y-%m-%dT%H:%M"), "later": "1"}
        )
    assert response.status_code == 302
    assert stored(article).status == "published" and stored(article).published_at == release
    assert selectors.article_public(article_id=article.pk) is None
    assert not selectors.articles_public().filter(pk=article.pk).exists()
    assert selectors.article_public(article_id=article.pk, now=release + timedelta(seconds=1)) is not None
    listing = clients["county_reviewer"].get("/console/news/")
    assert "(scheduled)" in listing.content.decode()


def test_publishing_needs_a_release_time_or_now_and_refuses_a_past_one(room, clients):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    reviewer = clients["county_reviewer"]
    response = reviewer.post(f"/console/news/{article.pk}/publish/", {"release_at": "", "later": "1"})
    assert response.status_code == 422 and response.context["publish_form"].errors["release_at"]
    past = (timezone.now() - timedelta(days=1)).astimezone(COUNTY_TIME).strftime("%Y-%m-%dT%H:%M")
    response = reviewer.post(f"/console/news/{article.pk}/publish/", {"release_at": past, "later": "1"})
    assert response.status_code == 422
    assert response.context["publish_form"].errors["release_at"] == ["The release time has already passed."]
    assert stored(article).status == "in_review"

    before = timezone.now()
    response = reviewer.post(f"/console/news/{article.pk}/publish/", {"now": "1", "release_at": past})
    assert response.status_code == 302
    published = stored(article)
    assert published.status == "published" and before <= published.published_at <= timezone.now()
    assert selectors.article_public(article_id=article.pk) is not None
    page = reviewer.get(f"/console/news/{article.pk}/")
    assert page.context["actions"] == {"archive"}


def test_an_author_who_also_reviews_cannot_publish_their_own_article(room, demo, clients):
    article = write(demo.county_admin, room.county)  # the county admin both writes and reviews
    services.article_submit(actor=demo.county_admin, article=article)
    admin = clients["county_admin"]
    page = admin.get(f"/console/news/{article.pk}/")
    assert "publish" not in page.context["actions"] and 'data-testid="four-eyes"' in page.content.decode()
    response = admin.post(f"/console/news/{article.pk}/publish/", {"now": "1"})
    assert response.status_code == 403
    assert messages_of(response) == ["Someone else must review and publish your own article."]
    assert stored(article).status == "in_review" and stored(article).published_at is None
    # A second pair of eyes may.
    assert clients["county_reviewer"].post(f"/console/news/{article.pk}/publish/", {"now": "1"}).status_code == 302


def in_review_as_in_form(author, region) -> Article:
    """A submission whose words are exactly what `form_data` sends."""
    data = form_data(region)
    fields = {
        name: data[name] for name in ("channel", "title", "title_en", "summary", "summary_en", "source", "source_en")
    }
    article = write(author, region, body=data["body"], **fields)
    services.article_submit(actor=author, article=article)
    return article


def test_a_reviewer_who_rewrites_a_submission_is_told_who_must_publish_it_instead(room, demo, clients):
    article = in_review_as_in_form(room.county_editor, room.county)
    reviewer = clients["county_reviewer"]
    page = reviewer.get(f"/console/news/{article.pk}/")
    assert "publish" in page.context["actions"]
    assert 'data-testid="four-eyes-hint"' in page.content.decode()  # the form says what a change means
    rewrite = form_data(room.county, body="<div>审核人整篇改写的正文。</div>")
    assert reviewer.post(f"/console/news/{article.pk}/", rewrite).status_code == 302
    assert stored(article).content_changed_by == room.county_reviewer and stored(article).status == "in_review"

    page = reviewer.get(f"/console/news/{article.pk}/")
    html = page.content.decode()
    assert "publish" not in page.context["actions"] and 'data-testid="publish-form"' not in html
    assert "return" in page.context["actions"]  # sending it back stays theirs
    assert 'data-testid="four-eyes"' in html
    assert "You changed the text last, so another reviewer must publish this version." in html
    assert f"text last changed by {room.county_reviewer.name}" in html
    assert article.pk not in {a.pk for a in reviewer.get("/console/news/").context["queue"]}

    response = reviewer.post(f"/console/news/{article.pk}/publish/", {"now": "1"})
    assert response.status_code == 403
    assert messages_of(response) == ["You changed the text last, so another reviewer must publish this version."]
    assert stored(article).status == "in_review" and stored(article).published_at is None

    admin = clients["county_admin"]
    assert article.pk in {a.pk for a in admin.get("/console/news/").context["queue"]}
    assert "publish" in admin.get(f"/console/news/{article.pk}/").context["actions"]
    assert admin.post(f"/console/news/{article.pk}/publish/", {"now": "1"}).status_code == 302
    assert stored(article).status == "published" and stored(article).body == "<div>审核人整篇改写的正文。</div>"


def test_the_writer_who_also_reviews_may_publish_the_reviewers_rewrite(room, demo, clients):
    article = in_review_as_in_form(demo.county_admin, room.county)
    reviewer, admin = clients["county_reviewer"], clients["county_admin"]
    assert (
        reviewer.post(f"/console/news/{article.pk}/", form_data(room.county, title="审核人改的标题")).status_code == 302
    )
    html = reviewer.get(f"/console/news/{article.pk}/").content.decode()
    assert (
        f"You changed the text last, so another reviewer or its writer, {demo.county_admin.name}, "
        "must publish this version."
    ) in html
    page = admin.get(f"/console/news/{article.pk}/")
    assert "publish" in page.context["actions"] and 'data-testid="four-eyes"' not in page.content.decode()
    assert admin.post(f"/console/news/{article.pk}/publish/", {"now": "1"}).status_code == 302
    assert stored(article).status == "published" and stored(article).title == "审核人改的标题"


def test_the_editor_without_publish_rights_cannot_publish_the_reviewers_rewrite(room, clients):
    article = in_review_as_in_form(room.county_editor, room.county)
    clients["county_reviewer"].post(f"/console/news/{article.pk}/", form_data(room.county, title="审核人改的标题"))
    editor = clients["county_editor"]
    page = editor.get(f"/console/news/{article.pk}/")
    assert "publish" not in page.context["actions"] and "withdraw" in page.context["actions"]
    assert f"text last changed by {room.county_reviewer.name}" in page.content.decode()
    assert editor.post(f"/console/news/{article.pk}/publish/", {"now": "1"}).status_code == 403
    assert stored(article).status == "in_review"


def test_saving_the_form_unchanged_leaves_the_publishing_to_the_reviewer(room, clients):
    article = in_review_as_in_form(room.county_editor, room.county)
    reviewer = clients["county_reviewer"]
    assert reviewer.post(f"/console/news/{article.pk}/", form_data(room.county)).status_code == 302
    assert stored(article).content_changed_by == room.county_editor and article.revisions.count() == 1
    page = reviewer.get(f"/console/news/{article.pk}/")
    assert "publish" in page.context["actions"] and 'data-testid="four-eyes"' not in page.content.decode()
    assert reviewer.post(f"/console/news/{article.pk}/publish/", {"now": "1"}).status_code == 302


def test_publishing_what_was_read_is_refused_once_the_words_changed_since(room, demo, clients):
    article = in_review_as_in_form(room.county_editor, room.county)
    reviewer = clients["county_reviewer"]
    page = reviewer.get(f"/console/news/{article.pk}/")
    read = page.context["publish_form"]["revision"].value()
    assert read == 1 and 'name="revision" value="1"' in page.content.decode()
    services.article_update(actor=demo.county_admin, article=article, title="管理员刚改的标题")
    response = reviewer.post(f"/console/news/{article.pk}/publish/", {"now": "1", "revision": str(read)})
    assert response.status_code == 409
    assert messages_of(response) == [
        "The text has changed since you opened it: read this version before you publish it."
    ]
    assert stored(article).status == "in_review"
    assert 'name="revision" value="2"' in response.content.decode()  # the page shows the new version
    assert reviewer.post(f"/console/news/{article.pk}/publish/", {"now": "1", "revision": "2"}).status_code == 302
    assert stored(article).status == "published"


def test_an_editor_cannot_publish_or_archive_and_nothing_changes(room, clients):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    editor = clients["county_editor"]
    response = editor.post(f"/console/news/{article.pk}/publish/", {"now": "1"})
    assert response.status_code == 403 and stored(article).status == "in_review"
    assert editor.post(f"/console/news/{article.pk}/return/", {"comment": "改"}).status_code == 403
    assert stored(article).status == "in_review" and stored(article).review_comment == ""


def test_a_step_in_the_wrong_status_is_explained_never_an_error_page(room, clients):
    article = write(room.county_editor, room.county)
    response = clients["county_reviewer"].post(f"/console/news/{article.pk}/publish/", {"now": "1"})
    assert response.status_code == 409
    assert messages_of(response) == ["This cannot be done while the article is “Draft”."]
    assert clients["county_editor"].post(f"/console/news/{article.pk}/reopen/").status_code == 409
    assert clients["county_editor"].post(f"/console/news/{article.pk}/dance/").status_code == 404
    assert clients["county_editor"].get(f"/console/news/{article.pk}/submit/").status_code == 405
    assert stored(article).status == "draft"


def test_archive_and_reopen(room, clients):
    article = publish(room.county_editor, room.county_reviewer, room.county)
    assert clients["county_editor"].post(f"/console/news/{article.pk}/archive/").status_code == 403
    assert clients["county_reviewer"].post(f"/console/news/{article.pk}/archive/").status_code == 302
    assert stored(article).status == "archived" and selectors.article_public(article_id=article.pk) is None
    assert clients["county_reviewer"].post(f"/console/news/{article.pk}/reopen/").status_code == 403  # not a writer
    assert clients["county_editor"].post(f"/console/news/{article.pk}/reopen/").status_code == 302
    assert stored(article).status == "draft"


def test_a_withdrawn_submission_is_a_draft_again(room, clients):
    article = write(room.wuyuan_editor, room.wuyuan)
    services.article_submit(actor=room.wuyuan_editor, article=article)
    assert clients["wuyuan_editor"].post(f"/console/news/{article.pk}/withdraw/").status_code == 302
    assert stored(article).status == "draft"


def test_a_reviewers_correction_of_a_published_article_is_kept_as_a_revision_once_approved(room, clients):
    """The correction waits for another reviewer (test_correction_console.py has the rest)."""
    article = publish(room.county_editor, room.county_reviewer, room.county)
    response = clients["county_reviewer"].post(
        f"/console/news/{article.pk}/", form_data(room.county, title="更正：开幕式改在周六")
    )
    assert response.status_code == 302
    assert stored(article).title == "全民终身学习活动周开幕" and stored(article).status == "published"
    response = clients["county_admin"].post(f"/console/news/{article.pk}/correction-approve/", {"version": "1"})
    assert response.status_code == 302
    assert stored(article).title == "更正：开幕式改在周六" and stored(article).status == "published"
    assert article.revisions.first().saved_by == room.county_reviewer


# --- Scope ------------------------------------------------------------------------------------


def test_another_towns_editor_gets_404_on_a_county_article_and_its_actions(room, clients):
    article = write(room.county_editor, room.county)
    wuyuan = clients["wuyuan_editor"]
    for url in (f"/console/news/{article.pk}/", f"/console/news/{article.pk}/revisions/1/"):
        assert wuyuan.get(url).status_code == 404
    assert wuyuan.post(f"/console/news/{article.pk}/", form_data(room.wuyuan, title="改")).status_code == 404
    for action in ("submit", "withdraw", "return", "publish", "archive", "reopen"):
        assert wuyuan.post(f"/console/news/{article.pk}/{action}/", {"comment": "x", "now": "1"}).status_code == 404
    assert clients["wuyuan_reviewer"].post(f"/console/news/{article.pk}/publish/", {"now": "1"}).status_code == 404
    assert stored(article).status == "draft" and stored(article).title == "全民终身学习活动周开幕"
    assert article.pk not in {a.pk for a in wuyuan.get("/console/news/").context["page"]}


def test_staff_without_a_newsroom_role_and_learners_get_404_and_visitors_sign_in(room, demo, clients):
    article = write(room.county_editor, room.county)
    learner = Client()
    learner.force_login(demo.young_learner)
    urls = ["/console/news/", "/console/news/new/", f"/console/news/{article.pk}/"]
    for url in urls:
        assert clients["organizer"].get(url).status_code == 404
        assert learner.get(url).status_code == 404
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    for url in (f"/console/news/{article.pk}/submit/", "/console/news/images/"):
        response = Client().post(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert 'data-testid="console-news-link"' not in clients["organizer"].get("/console/").content.decode()
    assert 'data-testid="console-news-link"' in clients["county_reviewer"].get("/console/").content.decode()
    # Reviewers read and judge, they do not start articles.
    assert clients["county_reviewer"].get("/console/news/new/").status_code == 404


def test_every_post_needs_the_csrf_token(room, clients):
    article = write(room.county_editor, room.county)
    editor = clients["county_editor"]
    editor.handler.enforce_csrf_checks = True
    assert editor.post(f"/console/news/{article.pk}/submit/").status_code == 403
    assert editor.post("/console/news/new/", form_data(room.county)).status_code == 403
    upload = SimpleUploadedFile("p.png", PNG, "image/png")
    assert editor.post("/console/news/images/", {"file": upload, "region": helpers.COUNTY}).status_code == 403
    assert stored(article).status == "draft" and Article.objects.count() == 1 and not ArticleImage.objects.exists()


# --- Pictures ---------------------------------------------------------------------------------


def test_a_png_upload_answers_its_address(room, clients):
    upload = SimpleUploadedFile("photo.png", PNG, "image/png")
    response = clients["wuyuan_editor"].post("/console/news/images/", {"file": upload, "region": helpers.WUYUAN})
    assert response.status_code == 201
    image = ArticleImage.objects.get()
    assert response.json() == {"url": f"/news/images/{image.key}/", "key": str(image.key)}
    assert image.region == room.wuyuan and image.uploaded_by == room.wuyuan_editor


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("photo.png", HTML, 422, "wrong_file_type"),
        ("big.png", PNG + b"\x00" * (5 * 1024 * 1024), 422, "file_too_large"),
        (None, None, 422, "file_required"),
    ],
)
def test_a_disguised_or_oversized_upload_is_refused_as_json_and_nothing_is_stored(
    room, clients, name, content, status, code
):
    before = images_stored()
    data = {"region": helpers.COUNTY}
    if name:
        data["file"] = SimpleUploadedFile(name, content, "image/png")
    response = clients["county_editor"].post("/console/news/images/", data)
    assert response.status_code == status and response.json()["code"] == code and response.json()["detail"]
    assert not ArticleImage.objects.exists() and images_stored() == before


def test_an_upload_for_a_region_outside_scope_is_not_found(room, clients):
    for region in (helpers.COUNTY, helpers.GANPU, "999999", "x"):
        upload = SimpleUploadedFile("photo.png", PNG, "image/png")
        response = clients["wuyuan_editor"].post("/console/news/images/", {"file": upload, "region": region})
        assert response.status_code == 404 and response.json()["code"] == "not_found", region
    assert clients["wuyuan_editor"].get("/console/news/images/").status_code == 405
    assert not ArticleImage.objects.exists()


# --- The pages --------------------------------------------------------------------------------


def test_the_editor_pages_open_style_src_to_trix_nonce_only(room, clients):
    """…and img-src to blob: addresses, Trix's preview of a picture being uploaded."""
    editor = clients["county_editor"]
    page = editor.get("/console/news/new/")
    policy = page["Content-Security-Policy"]
    nonce = page.wsgi_request.csp_nonce
    assert f"style-src 'self' 'nonce-{nonce}'" in policy and "unsafe-inline" not in policy
    assert "script-src 'self';" in policy + ";" and "img-src 'self' data: blob:" in policy
    html = page.content.decode()
    assert f'<meta name="csp-nonce" content="{nonce}">' in html.split("</head>")[0]  # Trix reads it there
    assert "vendor/trix/trix.umd.min.js" in html and "news/editor.js" in html
    assert 'data-upload-url="/console/news/images/"' in html
    listing_policy = editor.get("/console/news/")["Content-Security-Policy"]
    assert "nonce-" not in listing_policy and "blob:" not in listing_policy


def test_the_list_filters_by_status_and_searches_titles(room, clients):
    draft = write(room.county_editor, room.county, title="读书节征文启事")
    published = publish(
        room.county_editor, room.county_reviewer, room.wuyuan, title="武原街道读书会", title_en="Reading club"
    )
    reviewer = clients["county_reviewer"]
    listed = lambda **query: {a.pk for a in reviewer.get("/console/news/", query).context["page"]}  # noqa: E731
    assert listed() == {draft.pk, published.pk}
    assert listed(status="published") == {published.pk}
    assert listed(status="nonsense") == {draft.pk, published.pk}
    assert listed(q="读书会") == {published.pk}
    assert listed(q="reading") == {published.pk}


def test_the_list_page_costs_the_same_queries_for_a_few_articles_or_many(room, clients):
    reviewer = clients["county_reviewer"]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert reviewer.get("/console/news/").status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            article = write(room.wuyuan_editor, room.wuyuan, title=f"通知{i}")
            services.article_submit(actor=room.wuyuan_editor, article=article)
        publish(room.county_editor, room.county_reviewer, room.county)

    add(2)
    count()  # the first request also touches the session and two-factor device
    few = count()
    add(12)
    assert count() == few
