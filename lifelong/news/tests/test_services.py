"""The publishing services: bodies are cleaned before they are stored, revisions and audit
events are kept, writers and reviewers each do their part of the workflow (nobody publishes
their own article), releases can be scheduled, authors are told, the view counter folds,
and article pictures are checked by their bytes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.news import selectors, services, view_counter
from lifelong.news.models import Article, ArticleImage, ArticleRevision, ArticleView
from lifelong.notifications.models import Notification
from lifelong.regions.models import Region

from . import helpers
from .helpers import write

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def stored(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


# --- Bodies are cleaned -----------------------------------------------------------------------

HOSTILE_BODIES = [
    "<p>开幕<script>alert(document.cookie)</script></p>",
    '<p>开幕<img src="x" onerror="alert(1)"></p>',
    '<p onclick="alert(1)">开幕</p>',
    '<p>开幕<a href="javascript:alert(1)">链接</a></p>',
    '<p>开幕<a href="JaVaScRiPt:alert(1)">链接</a></p>',
    '<p>开幕<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接</a></p>',
    "<p>开幕</p><svg onload=alert(1)></svg>",
    "<p>开幕</p><svg><script>alert(1)</script></svg>",
    "<p>开幕</p><math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<p>开幕<img src="https://tracker.example/pixel.gif?who=13900000005"></p>',
    '<p>开幕</p><iframe src="https://evil.example/"></iframe>',
    "<style>p{display:none}</style><p>开幕</p>",
]
DANGEROUS = (
    "script",
    "onerror",
    "onclick",
    "onload",
    "javascript",
    "data:",
    "svg",
    "math",
    "iframe",
    "style",
    "tracker",
)


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_a_hostile_body_is_stored_clean_on_create_and_on_update(room, body):
    article = write(room.county_editor, room.county, body=body, body_en=body)
    for text in (stored(article).body, stored(article).body_en):
        assert "开幕" in text and not any(word in text.lower() for word in DANGEROUS), text
    draft = write(room.county_editor, room.county)
    services.article_update(actor=room.county_editor, article=draft, body=body, body_en=body)
    for text in (stored(draft).body, stored(draft).body_en):
        assert "开幕" in text and not any(word in text.lower() for word in DANGEROUS), text
    assert stored(draft).body_text.startswith("开幕") and "alert" not in stored(draft).body_text


def test_the_sites_own_picture_is_kept(room):
    upload = services.article_image_upload(
        actor=room.county_editor, region=room.county, upload=SimpleUploadedFile("p.png", PNG)
    )
    article = write(room.county_editor, room.county, body=f'<p>开幕</p><img src="{upload.url}" alt="开幕式">')
    assert f'<img src="{upload.url}" alt="开幕式">' in stored(article).body
    picture_only = write(room.county_editor, room.county, body=f'<img src="{upload.url}">')
    assert stored(picture_only).body == f'<img src="{upload.url}">'


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "<p><br></p><div> </div>",
        "<script>alert(1)</script>",
        "<svg><text>看不见</text></svg>",
        '<p><img src="https://tracker.example/pixel.gif"></p>',  # the picture is dropped, nothing is left
    ],
)
def test_a_body_of_only_tags_is_refused_and_nothing_is_written(room, body):
    with pytest.raises(InvalidInput) as refused:
        write(room.county_editor, room.county, body=body)
    assert refused.value.code == "body_required" and refused.value.field == "body"
    draft = write(room.county_editor, room.county, title="草稿")
    with pytest.raises(InvalidInput) as refused:
        services.article_update(actor=room.county_editor, article=draft, body=body)
    assert refused.value.code == "body_required"
    assert Article.objects.get().body == "<p>活动周今天开幕。</p>"


def test_titles_and_sources_are_tidied_and_bad_fields_refused(room):
    article = write(room.county_editor, room.county, title="  活动周\n开幕  ", source=" 县社区学校 ")
    assert (article.title, article.source) == ("活动周 开幕", "县社区学校")
    for fields, field in [({"channel": "gossip"}, "channel"), ({"view_count": 9}, "view_count")]:
        with pytest.raises(InvalidInput) as refused:
            write(room.county_editor, room.county, **fields)
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as refused:
        write(room.county_editor, room.county, title="")
    assert refused.value.field == "title"
    assert Article.objects.count() == 1


# --- Revisions and audit ----------------------------------------------------------------------


def test_every_change_of_the_words_keeps_a_revision_and_a_no_op_keeps_none(room):
    article = write(room.county_editor, room.county, title="初稿")
    assert list(article.revisions.values_list("number", "title")) == [(1, "初稿")]
    services.article_update(actor=room.county_editor, article=article, title="二稿")
    services.article_update(actor=room.county_editor, article=article, body="<p>新的正文</p>")
    services.article_update(actor=room.county_editor, article=article, title="二稿", body="<p>新的正文</p>")  # no-op
    # The same words once cleaned: no revision either.
    services.article_update(actor=room.county_editor, article=article, body="<p>新的正文</p><script>x</script>")
    revisions = list(selectors.article_revisions(article=article).values_list("number", "title", "body"))
    assert revisions == [
        (3, "二稿", "<p>新的正文</p>"),
        (2, "二稿", "<p>活动周今天开幕。</p>"),
        (1, "初稿", "<p>活动周今天开幕。</p>"),
    ]
    assert set(ArticleRevision.objects.filter(article=article).values_list("saved_by", flat=True)) == {
        room.county_editor.pk
    }
    edits = AuditEvent.objects.filter(object_type="news.article", object_id=str(article.pk), summary="article edited")
    assert edits.count() == 2


def test_each_step_writes_an_audit_event_with_its_summary(room):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    services.article_withdraw(actor=room.county_editor, article=article)
    services.article_submit(actor=room.county_editor, article=article)
    services.article_return(actor=room.county_reviewer, article=article, comment="补充时间地点")
    services.article_submit(actor=room.county_editor, article=article)
    services.article_publish(actor=room.county_reviewer, article=article)
    services.article_archive(actor=room.county_reviewer, article=article)
    services.article_reopen(actor=room.county_editor, article=article)
    events = AuditEvent.objects.filter(object_type="news.article", object_id=str(article.pk)).order_by("id")
    assert [(e.actor_id, e.summary) for e in events] == [
        (room.county_editor.pk, "article created"),
        (room.county_editor.pk, "article submitted"),
        (room.county_editor.pk, "article withdrawn"),
        (room.county_editor.pk, "article submitted"),
        (room.county_reviewer.pk, "article sent back"),
        (room.county_editor.pk, "article submitted"),
        (room.county_reviewer.pk, "article published"),
        (room.county_reviewer.pk, "article archived"),
        (room.county_editor.pk, "article reopened"),
    ]
    assert events[4].changes["status"] == "draft" and events[6].changes["status"] == "published"
    assert stored(article).status == "draft"


# --- Who may do what, by status ---------------------------------------------------------------


def test_writers_edit_drafts_and_reviewers_correct_submissions_and_published_articles(room, demo):
    draft = write(room.county_editor, room.county)
    with pytest.raises(Forbidden) as refused:  # a reviewer does not write drafts
        services.article_update(actor=room.county_reviewer, article=draft, title="审核改稿")
    assert refused.value.code == "not_writer"
    services.article_update(actor=room.county_editor, article=draft, title="编辑改稿")
    services.article_submit(actor=room.county_editor, article=draft)
    with pytest.raises(Forbidden) as refused:  # in review only the reviewer corrects
        services.article_update(actor=room.county_editor, article=draft, title="偷偷改")
    assert refused.value.code == "not_reviewer"
    services.article_update(actor=room.county_reviewer, article=draft, title="审核更正")
    services.article_publish(actor=demo.county_admin, article=draft)  # not the one who changed it last
    with pytest.raises(Forbidden):
        services.article_update(actor=room.county_editor, article=draft, title="发布后改")
    services.article_update(actor=room.county_reviewer, article=draft, title="发布后更正")
    # After publication the words wait as a correction for another reviewer (test_corrections.py).
    assert stored(draft).title == "审核更正" and draft.correction.title == "发布后更正"
    with pytest.raises(Forbidden):  # archiving is the reviewer's
        services.article_archive(actor=room.county_editor, article=draft)
    services.article_archive(actor=room.county_reviewer, article=draft)
    with pytest.raises(Forbidden):  # reopening is the writers'
        services.article_reopen(actor=room.county_reviewer, article=draft)
    services.article_update(actor=room.county_editor, article=draft, title="归档后改")
    services.article_reopen(actor=room.county_editor, article=draft)
    assert (stored(draft).status, stored(draft).title) == ("draft", "归档后改")


def test_writers_do_not_review_and_reviewers_do_not_submit(room):
    article = write(room.county_editor, room.county)
    with pytest.raises(Forbidden) as refused:
        services.article_submit(actor=room.county_reviewer, article=article)
    assert refused.value.code == "not_writer"
    with pytest.raises(NotFound):  # a writer of another town does not even see it
        services.article_submit(actor=room.wuyuan_editor, article=article)
    services.article_submit(actor=room.county_editor, article=article)
    for step in (
        lambda actor: services.article_publish(actor=actor, article=article),
        lambda actor: services.article_return(actor=actor, article=article, comment="改"),
    ):
        with pytest.raises(Forbidden) as refused:
            step(room.county_editor)
        assert refused.value.code == "not_reviewer"
    with pytest.raises(NotFound):  # a town's reviewer does not see county articles
        services.article_publish(actor=room.wuyuan_reviewer, article=article)
    with pytest.raises(Forbidden):  # withdrawing is the writers'
        services.article_withdraw(actor=room.county_reviewer, article=article)
    assert stored(article).status == "in_review"


def test_a_town_article_is_written_by_its_editor_and_the_county_and_reviewed_by_both_reviewers(room, demo):
    article = write(room.wuyuan_editor, room.wuyuan)
    with pytest.raises(NotFound) as refused:  # the town's editor does not write for the county
        write(room.wuyuan_editor, room.county)
    assert refused.value.field == "region"
    with pytest.raises(NotFound):  # nor move an article there
        services.article_update(actor=room.wuyuan_editor, article=article, region=room.county)
    services.article_update(actor=room.county_editor, article=article, title="县编辑改")
    services.article_submit(actor=room.wuyuan_editor, article=article)
    services.article_return(actor=room.county_reviewer, article=article, comment="再核实")
    services.article_submit(actor=room.wuyuan_editor, article=article)
    services.article_publish(actor=room.wuyuan_reviewer, article=article)
    assert stored(article).status == "published" and stored(article).reviewed_by == room.wuyuan_reviewer
    for outsider in (demo.village_admin, demo.organizer, demo.young_learner):
        with pytest.raises(NotFound):
            write(outsider, room.wuyuan)


def test_steps_in_the_wrong_status_are_refused_with_409(room):
    article = write(room.county_editor, room.county)
    refusals = [
        lambda: services.article_withdraw(actor=room.county_editor, article=article),
        lambda: services.article_publish(actor=room.county_reviewer, article=article),
        lambda: services.article_return(actor=room.county_reviewer, article=article, comment="改"),
        lambda: services.article_archive(actor=room.county_reviewer, article=article),
        lambda: services.article_reopen(actor=room.county_editor, article=article),
    ]
    for refused_step in refusals:
        with pytest.raises(Conflict) as refused:
            refused_step()
        assert refused.value.code == "wrong_status"
    services.article_submit(actor=room.county_editor, article=article)
    with pytest.raises(Conflict):
        services.article_submit(actor=room.county_editor, article=article)
    assert stored(article).status == "in_review"


def test_nobody_publishes_their_own_article_not_even_an_admin(room, demo):
    own = write(demo.county_admin, room.county)
    services.article_submit(actor=demo.county_admin, article=own)
    with pytest.raises(Forbidden) as refused:
        services.article_publish(actor=demo.county_admin, article=own)
    assert refused.value.code == "own_article" and stored(own).status == "in_review"
    services.article_publish(actor=room.county_reviewer, article=own)
    assert stored(own).status == "published"


# --- Four eyes on the words ------------------------------------------------------------------
# Whoever changed an article's words last cannot publish that version: the rule is about the
# text, not who first wrote it.

WORD_CHANGES = {
    "title": "审核人改写的标题",
    "title_en": "A title the reviewer wrote",
    "summary": "审核人改写的摘要。",
    "summary_en": "A summary the reviewer wrote.",
    "body": "<p>审核人整篇改写的正文。</p>",
    "body_en": "<p>The text as the reviewer rewrote it.</p>",
    "source": "审核人改的来源",
    "source_en": "A source the reviewer gave",
    "channel": "notices",
}


def submitted(author, region, **fields) -> Article:
    article = write(author, region, **fields)
    services.article_submit(actor=author, article=article)
    return article


def test_a_new_article_was_changed_last_by_its_author(room):
    written_at = timezone.now() - timedelta(days=3)
    article = services.article_create(
        actor=room.county_editor, region=room.county, title="补写", body="<p>正文</p>", source="县", now=written_at
    )
    assert (stored(article).content_changed_by, stored(article).content_changed_at) == (room.county_editor, written_at)


def test_a_reviewer_who_rewrites_a_submission_cannot_publish_it_and_another_reviewer_may(room, demo):
    article = submitted(room.county_editor, room.county)
    services.article_update(actor=room.county_reviewer, article=article, body="<p>审核人整篇改写的正文。</p>")
    rewritten = stored(article)
    assert (rewritten.content_changed_by, rewritten.status) == (room.county_reviewer, "in_review")
    assert rewritten.content_changed_at == rewritten.revisions.first().saved_at
    with pytest.raises(Forbidden) as refused, translation.override("en"):
        services.article_publish(actor=room.county_reviewer, article=article)
    assert refused.value.code == "own_article"
    assert refused.value.detail == "You changed the text last, so another reviewer must publish this version."
    assert (stored(article).status, stored(article).published_at, stored(article).reviewed_by) == (
        "in_review",
        None,
        None,
    )
    # The edit is audited as every edit is.
    edit = AuditEvent.objects.get(object_type="news.article", object_id=str(article.pk), summary="article edited")
    assert edit.actor_id == room.county_reviewer.pk and edit.changes["body"] == "<p>审核人整篇改写的正文。</p>"
    services.article_publish(actor=demo.county_admin, article=article)  # a second pair of eyes
    assert stored(article).status == "published" and stored(article).reviewed_by == demo.county_admin


@pytest.mark.parametrize("field", sorted(WORD_CHANGES))
def test_a_change_to_any_of_the_words_in_either_language_hands_the_publishing_on(room, field):
    article = submitted(room.county_editor, room.county)
    services.article_update(actor=room.county_reviewer, article=article, **{field: WORD_CHANGES[field]})
    assert stored(article).content_changed_by == room.county_reviewer
    with pytest.raises(Forbidden) as refused:
        services.article_publish(actor=room.county_reviewer, article=article)
    assert refused.value.code == "own_article" and stored(article).status == "in_review"


def test_saving_the_same_words_does_not_change_who_changed_them_last(room, demo):
    article = submitted(room.county_editor, room.county, title_en="Learning Week opens")
    before = stored(article)
    same = {name: getattr(before, name) for name in WORD_CHANGES}
    services.article_update(actor=room.county_reviewer, article=article, **same)
    # The same words once tidied and cleaned are the same words too.
    services.article_update(
        actor=room.county_reviewer, article=article, title=f"  {before.title} ", body=before.body + "<script>x</script>"
    )
    services.article_update(actor=room.county_reviewer, article=article, campaign=None)  # not the words
    after = stored(article)
    assert (after.content_changed_by, after.content_changed_at) == (room.county_editor, before.content_changed_at)
    services.article_publish(actor=room.county_reviewer, article=article)
    assert stored(article).status == "published"


def test_the_editor_may_publish_the_reviewers_rewrite_only_with_publish_rights(room, demo):
    # The county editor only writes: the reviewer's rewrite is not theirs to publish.
    article = submitted(room.county_editor, room.county)
    services.article_update(actor=room.county_reviewer, article=article, title="审核人改写的标题")
    with pytest.raises(Forbidden) as refused:
        services.article_publish(actor=room.county_editor, article=article)
    assert refused.value.code == "not_reviewer" and stored(article).status == "in_review"
    # The county admin writes and reviews: the reviewer's rewrite of the admin's own article is
    # words the admin did not write last, so the admin may publish them (and the reviewer not).
    own = submitted(demo.county_admin, room.county)
    services.article_update(actor=room.county_reviewer, article=own, body="<p>审核人整篇改写的正文。</p>")
    with pytest.raises(Forbidden) as refused, translation.override("en"):
        services.article_publish(actor=room.county_reviewer, article=own)
    assert refused.value.detail == (
        f"You changed the text last, so another reviewer or its writer, {demo.county_admin.name}, "
        "must publish this version."
    )
    services.article_publish(actor=demo.county_admin, article=own)
    assert stored(own).status == "published" and stored(own).reviewed_by == demo.county_admin


def test_a_writer_who_reviews_cannot_publish_their_own_article_after_a_co_editors_change(room, demo):
    """A co-editor who does not review is no second pair of eyes: one character of theirs must
    not let the writer, who also reviews, publish their own text unread."""
    own = write(demo.county_admin, room.county)
    services.article_update(actor=room.county_editor, article=own, title=own.title + "。")
    services.article_submit(actor=demo.county_admin, article=own)
    assert stored(own).content_changed_by == room.county_editor
    with pytest.raises(Forbidden) as refused, translation.override("en"):
        services.article_publish(actor=demo.county_admin, article=own)
    assert refused.value.code == "own_article"
    assert refused.value.detail == (
        f"{room.county_editor.name}, who does not review this article, changed its text last, so another "
        "reviewer must publish your article."
    )
    assert (stored(own).status, stored(own).published_at, stored(own).reviewed_by) == ("in_review", None, None)
    services.article_publish(actor=room.county_reviewer, article=own)  # another reviewer may
    assert stored(own).status == "published" and stored(own).reviewed_by == room.county_reviewer


def test_the_author_who_changes_the_words_again_cannot_publish_them(room, demo):
    own = submitted(demo.county_admin, room.county)
    services.article_update(actor=room.county_reviewer, article=own, title="审核人改写的标题")
    services.article_update(actor=demo.county_admin, article=own, title="作者再改的标题")
    with pytest.raises(Forbidden) as refused:
        services.article_publish(actor=demo.county_admin, article=own)
    assert refused.value.code == "own_article"
    services.article_publish(actor=room.county_reviewer, article=own)
    assert stored(own).status == "published"


def test_sending_back_and_submitting_again_do_not_make_the_reviewers_words_the_writers(room, demo):
    """Sending back and submitting again do not change the words, so they do not change who
    may publish them: the writer's resubmission of the reviewer's text is no review of it."""
    article = submitted(room.county_editor, room.county)
    services.article_update(actor=room.county_reviewer, article=article, title="审核人改写的标题")
    services.article_return(actor=room.county_reviewer, article=article, comment="请确认我的修改")
    services.article_submit(actor=room.county_editor, article=article)
    with pytest.raises(Forbidden):
        services.article_publish(actor=room.county_reviewer, article=article)
    services.article_return(actor=demo.county_admin, article=article, comment="请作者定稿")
    services.article_update(actor=room.county_editor, article=article, title="编辑定稿的标题")
    services.article_submit(actor=room.county_editor, article=article)
    services.article_publish(actor=room.county_reviewer, article=article)
    assert stored(article).status == "published"


def test_publishing_a_version_other_than_the_one_read_is_refused(room, demo):
    """The publisher says which revision they read; if the words changed since, nothing is
    published and they are asked to read the new version."""
    article = submitted(room.county_editor, room.county)
    read = stored(article).revisions.first().number
    services.article_update(actor=demo.county_admin, article=article, body="<p>管理员刚改的正文。</p>")
    with pytest.raises(Conflict) as refused:
        services.article_publish(actor=room.county_reviewer, article=article, revision=read)
    assert refused.value.code == "text_changed" and stored(article).status == "in_review"
    services.article_publish(actor=room.county_reviewer, article=article, revision=read + 1)
    assert stored(article).status == "published"


def test_sending_back_needs_a_comment_which_the_writers_see(room):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    for comment in ("", "   \n"):
        with pytest.raises(InvalidInput) as refused:
            services.article_return(actor=room.county_reviewer, article=article, comment=comment)
        assert refused.value.code == "comment_required"
    assert stored(article).status == "in_review"
    services.article_return(actor=room.county_reviewer, article=article, comment="  请补充活动地点  ")
    returned = stored(article)
    assert (returned.status, returned.review_comment, returned.reviewed_by) == (
        "draft",
        "请补充活动地点",
        room.county_reviewer,
    )
    services.article_submit(actor=room.county_editor, article=article)
    services.article_publish(actor=room.county_reviewer, article=article)
    assert stored(article).review_comment == ""


# --- Release times ----------------------------------------------------------------------------


def test_a_scheduled_release_stays_hidden_until_its_time(room):
    now = timezone.now()
    release = now + timedelta(days=2)
    article = helpers.publish(room.county_editor, room.county_reviewer, room.county, release_at=release)
    assert (stored(article).status, stored(article).published_at) == ("published", release)
    assert selectors.article_public(article_id=article.pk) is None
    assert article not in selectors.articles_public() and article not in selectors.articles_latest()
    later = release + timedelta(seconds=1)
    assert selectors.article_public(article_id=article.pk, now=later).pk == article.pk
    assert list(selectors.articles_public(now=later)) == [article]


def test_a_release_time_in_the_past_is_refused_but_a_moment_ago_means_now(room):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    with pytest.raises(InvalidInput) as refused:
        services.article_publish(
            actor=room.county_reviewer, article=article, release_at=timezone.now() - timedelta(hours=1)
        )
    assert refused.value.code == "release_in_past" and stored(article).status == "in_review"
    naive = (timezone.now() + timedelta(days=1)).replace(tzinfo=None)
    with pytest.raises(InvalidInput) as refused:
        services.article_publish(actor=room.county_reviewer, article=article, release_at=naive)
    assert refused.value.field == "release_at"
    before = timezone.now()
    services.article_publish(
        actor=room.county_reviewer, article=article, release_at=timezone.now() - timedelta(minutes=2)
    )
    assert stored(article).published_at >= before
    assert selectors.article_public(article_id=article.pk) is not None


# --- Notices to the author --------------------------------------------------------------------


def test_the_author_is_told_when_sent_back_and_when_published(room, django_capture_on_commit_callbacks):
    article = write(room.county_editor, room.county, title="读书节通知")
    services.article_submit(actor=room.county_editor, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_return(actor=room.county_reviewer, article=article, comment="请补充报名方式")
    returned = Notification.objects.get(recipient=room.county_editor)
    assert returned.kind == "article_returned"
    assert "读书节通知" in returned.text and "请补充报名方式" in returned.text
    services.article_submit(actor=room.county_editor, article=article)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(actor=room.county_reviewer, article=article)
    published = Notification.objects.filter(recipient=room.county_editor, kind="article_pub").get()
    assert "读书节通知" in published.text
    assert not Notification.objects.filter(recipient=room.county_reviewer).exists()


def test_nothing_is_told_when_the_step_fails(room, django_capture_on_commit_callbacks):
    article = write(room.county_editor, room.county)
    services.article_submit(actor=room.county_editor, article=article)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InvalidInput):
        services.article_return(actor=room.county_reviewer, article=article, comment=" ")
    assert callbacks == [] and not Notification.objects.exists()


# --- The view counter -------------------------------------------------------------------------


def test_a_view_counts_once_per_visitor_per_day_and_shows_at_once(room):
    article = helpers.publish(room.county_editor, room.county_reviewer, room.county)
    today = timezone.localdate()
    assert services.article_view_count(article=article, visitor="u1", day=today) is True
    assert services.article_view_count(article=article, visitor="u1", day=today) is False
    assert services.article_view_count(article=article, visitor="c-abc", day=today) is True
    assert services.article_view_count(article=article, visitor="u1", day=today + timedelta(days=1)) is True
    assert selectors.article_public(article_id=article.pk).views == 3
    assert stored(article).view_count == 0  # nothing folded yet: the article row was not written


def test_the_fold_moves_fresh_views_into_the_counter_and_drops_past_days(room):
    article = helpers.publish(room.county_editor, room.county_reviewer, room.county)
    other = helpers.publish(room.county_editor, room.county_reviewer, room.county, title="另一篇")
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    for visitor in ("u1", "u2"):
        services.article_view_count(article=article, visitor=visitor, day=yesterday)
    services.article_view_count(article=article, visitor="u3", day=today)
    services.article_view_count(article=other, visitor="u3", day=today)
    assert view_counter.article_views_fold(today=today) == 4
    assert (stored(article).view_count, stored(other).view_count) == (3, 1)
    assert selectors.article_public(article_id=article.pk).views == 3  # not counted twice
    # Yesterday's folded views are gone; today's stay, so u3 still counts once today.
    assert set(ArticleView.objects.values_list("visitor", "day", "folded")) == {("u3", today, True)}
    assert services.article_view_count(article=article, visitor="u3", day=today) is False
    assert services.article_view_count(article=article, visitor="u1", day=today) is True
    assert selectors.article_public(article_id=article.pk).views == 4
    assert view_counter.article_views_fold(today=today) == 1
    assert stored(article).view_count == 4 and selectors.article_public(article_id=article.pk).views == 4
    assert view_counter.article_views_fold(today=today) == 0


def test_an_edit_does_not_overwrite_the_counter(room):
    article = helpers.publish(room.county_editor, room.county_reviewer, room.county)
    stale = stored(article)
    services.article_view_count(article=article, visitor="u1", day=timezone.localdate())
    view_counter.article_views_fold()
    services.article_update(actor=room.county_reviewer, article=stale, title="更正标题")
    services.article_archive(actor=room.county_reviewer, article=stale)
    assert stored(article).view_count == 1


# --- Pictures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "mime"), [("photo.png", PNG, "image/png"), ("x.jpg", JPEG, "image/jpeg")])
def test_a_png_or_jpeg_is_stored_by_its_bytes(room, name, content, mime):
    upload = services.article_image_upload(
        actor=room.wuyuan_editor, region=room.wuyuan, upload=SimpleUploadedFile(name, content, "text/html")
    )
    image = ArticleImage.objects.get()
    assert (image.content_type, image.file_size, image.region, image.uploaded_by) == (
        mime,
        len(content),
        room.wuyuan,
        room.wuyuan_editor,
    )
    assert upload.url == f"/news/images/{image.key}/"
    assert image.file.read() == content
    assert AuditEvent.objects.filter(object_type="news.articleimage", summary="article image uploaded").count() == 1


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("page.png", HTML, "image/png"), "wrong_file_type"),
        (SimpleUploadedFile("trick.png", PNG + b"<script>alert(1)</script>", "image/png"), "wrong_file_type"),
        (SimpleUploadedFile("notes.txt", "读书会".encode(), "text/plain"), "wrong_file_type"),
        (SimpleUploadedFile("big.png", PNG + b"\x00" * services.IMAGE_MAX_BYTES, "image/png"), "file_too_large"),
        (None, "file_required"),
    ],
)
def test_other_uploads_are_refused_and_nothing_is_stored(room, upload, code):
    with pytest.raises(InvalidInput) as refused:
        services.article_image_upload(actor=room.county_editor, region=room.county, upload=upload)
    assert refused.value.code == code and refused.value.field == "file"
    assert not ArticleImage.objects.exists()


def test_a_picture_for_a_region_outside_scope_is_not_found(room, demo):
    ganpu = Region.objects.get(code=helpers.GANPU)
    for actor, region in [(room.wuyuan_editor, ganpu), (room.wuyuan_editor, room.county), (demo.young_learner, ganpu)]:
        with pytest.raises(NotFound) as refused:
            services.article_image_upload(actor=actor, region=region, upload=SimpleUploadedFile("p.png", PNG))
        assert refused.value.field == "region"
    assert not ArticleImage.objects.exists()
