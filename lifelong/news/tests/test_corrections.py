"""Corrections of published articles wait for a second pair of eyes (security issue 15,
finding 2): a reviewer's change of a published article's words is kept as a pending
correction, the public keeps reading the published words until another reviewer approves it,
and whoever changed the correction last may not approve it. Another reviewer may reject it
with a reason the corrector is told, the corrector may withdraw it, and an article's other
changes (its region, its campaign) still apply at once."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.news import corrections, selectors, services, steps
from lifelong.news.models import Article, ArticleCorrection
from lifelong.notifications.models import Notification

from . import helpers

CORRECTED = {"title": "更正：开幕式改在周六上午", "body": "<p>开幕式改在周六上午九点举行。</p>"}


def stored(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


def published_words(article: Article) -> dict:
    row = stored(article)
    return {name: getattr(row, name) for name in (*steps.CONTENT_FIELDS, "body_text", "updated_at")}


def audit_summaries(article: Article) -> list[tuple[int, str]]:
    events = AuditEvent.objects.filter(object_type="news.article", object_id=str(article.pk)).order_by("id")
    return [(event.actor_id, event.summary) for event in events]


@pytest.fixture
def live(room):
    """A county article written by the county editor and published by the county reviewer."""
    return helpers.publish(room.county_editor, room.county_reviewer, room.county)


def test_a_reviewers_correction_of_a_published_article_waits_and_the_public_reads_the_published_words(room, live):
    before = published_words(live)
    revisions = live.revisions.count()
    services.article_update(actor=room.county_reviewer, article=live, **CORRECTED)
    assert published_words(live) == before
    assert live.revisions.count() == revisions
    assert stored(live).content_changed_by == room.county_editor
    correction = ArticleCorrection.objects.get(article=live)
    assert (correction.title, correction.body, correction.source) == (
        CORRECTED["title"],
        CORRECTED["body"],
        live.source,
    )
    assert (correction.changed_by, correction.proposed_by, correction.version) == (
        room.county_reviewer,
        room.county_reviewer,
        1,
    )
    # Every public read keeps the published words: the page, the lists, the search, the feeds.
    assert selectors.article_public(article_id=live.pk).title == live.title
    assert [a.title for a in selectors.articles_public()] == [live.title]
    assert not selectors.articles_public(q="周六上午").exists()
    assert selectors.articles_public(q="活动周今天开幕").exists()
    assert (room.county_reviewer.pk, "article correction proposed") in audit_summaries(live)


def test_whoever_changed_the_correction_last_cannot_approve_it_and_another_reviewer_may(room, demo, live):
    published_at = stored(live).published_at
    services.article_update(actor=room.county_reviewer, article=live, **CORRECTED)
    with pytest.raises(Forbidden) as refused, translation.override("en"):
        corrections.correction_approve(actor=room.county_reviewer, article=live)
    assert refused.value.code == "own_article"
    assert refused.value.detail == "You changed this correction last, so another reviewer must approve it."
    assert stored(live).title == live.title and ArticleCorrection.objects.filter(article=live).exists()

    approved_at = timezone.now()
    corrections.correction_approve(actor=demo.county_admin, article=live, version=1, now=approved_at)
    after = stored(live)
    assert (after.title, after.body, after.status, after.published_at) == (
        CORRECTED["title"],
        CORRECTED["body"],
        "published",
        published_at,  # a correction is no new release
    )
    assert after.body_text == "开幕式改在周六上午九点举行。"
    assert after.content_changed_by == room.county_reviewer  # the corrector's words
    revision = after.revisions.first()
    assert (revision.title, revision.saved_by) == (CORRECTED["title"], room.county_reviewer)
    assert after.content_changed_at == revision.saved_at
    assert not ArticleCorrection.objects.filter(article=live).exists()
    assert selectors.article_public(article_id=live.pk).title == CORRECTED["title"]
    assert selectors.articles_public(q="周六上午").exists()
    approval = AuditEvent.objects.get(object_id=str(live.pk), summary="article correction approved")
    assert approval.actor_id == demo.county_admin.pk and approval.changes["title"] == CORRECTED["title"]
    assert approval.changes["corrected_by"] == room.county_reviewer.pk


def test_an_admin_who_corrects_cannot_approve_their_own_correction_either(room, demo, live):
    services.article_update(actor=demo.county_admin, article=live, title="管理员改的标题")
    with pytest.raises(Forbidden) as refused:
        corrections.correction_approve(actor=demo.county_admin, article=live)
    assert refused.value.code == "own_article"
    corrections.correction_approve(actor=room.county_reviewer, article=live)
    assert stored(live).title == "管理员改的标题"


def test_a_further_edit_changes_the_one_correction_and_makes_its_writer_the_last_to_change_it(room, demo, live):
    services.article_update(actor=room.county_reviewer, article=live, title="审核人改的标题")
    services.article_update(actor=demo.county_admin, article=live, body="<p>管理员补充的正文。</p>")
    assert ArticleCorrection.objects.filter(article=live).count() == 1
    correction = ArticleCorrection.objects.get(article=live)
    # The second edit builds on the first: both changes wait together.
    assert (correction.title, correction.body) == ("审核人改的标题", "<p>管理员补充的正文。</p>")
    assert (correction.proposed_by, correction.changed_by, correction.version) == (
        room.county_reviewer,
        demo.county_admin,
        2,
    )
    with pytest.raises(Forbidden):
        corrections.correction_approve(actor=demo.county_admin, article=live)
    # The first corrector did not write the last words: theirs is a second pair of eyes.
    corrections.correction_approve(actor=room.county_reviewer, article=live, version=2)
    after = stored(live)
    assert (after.title, after.body, after.content_changed_by) == (
        "审核人改的标题",
        "<p>管理员补充的正文。</p>",
        demo.county_admin,
    )


def test_the_same_words_again_change_nothing_and_words_back_to_the_published_drop_the_correction(room, live):
    same = {name: getattr(live, name) for name in steps.CONTENT_FIELDS}
    services.article_update(actor=room.county_reviewer, article=live, **same)
    assert not ArticleCorrection.objects.filter(article=live).exists()
    services.article_update(actor=room.county_reviewer, article=live, title="审核人改的标题")
    services.article_update(actor=room.county_reviewer, article=live, title="审核人改的标题")  # again
    assert ArticleCorrection.objects.get(article=live).version == 1
    services.article_update(actor=room.county_reviewer, article=live, title=f" {live.title} ")
    assert not ArticleCorrection.objects.filter(article=live).exists()
    assert (room.county_reviewer.pk, "article correction undone") in audit_summaries(live)
    assert stored(live).title == live.title


def test_approving_a_version_other_than_the_one_read_is_refused(room, demo, live):
    services.article_update(actor=room.county_reviewer, article=live, title="审核人改的标题")
    services.article_update(actor=room.county_reviewer, article=live, title="审核人再改的标题")
    with pytest.raises(Conflict) as refused:
        corrections.correction_approve(actor=demo.county_admin, article=live, version=1)
    assert refused.value.code == "text_changed" and stored(live).title == live.title
    corrections.correction_approve(actor=demo.county_admin, article=live, version=2)
    assert stored(live).title == "审核人再改的标题"


def test_a_rejection_needs_a_reason_which_the_corrector_is_told(room, demo, live, django_capture_on_commit_callbacks):
    before = published_words(live)
    services.article_update(actor=room.county_reviewer, article=live, **CORRECTED)
    for reason in ("", "  \n "):
        with pytest.raises(InvalidInput) as refused:
            corrections.correction_reject(actor=demo.county_admin, article=live, reason=reason)
        assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    with pytest.raises(Forbidden) as refused:  # one's own correction is withdrawn, not rejected
        corrections.correction_reject(actor=room.county_reviewer, article=live, reason="不改了")
    assert refused.value.code == "own_article"
    assert ArticleCorrection.objects.filter(article=live).exists()

    with django_capture_on_commit_callbacks(execute=True):
        corrections.correction_reject(actor=demo.county_admin, article=live, reason="开幕时间未变，请核实")
    assert not ArticleCorrection.objects.filter(article=live).exists()
    assert published_words(live) == before
    notice = Notification.objects.get(recipient=room.county_reviewer)
    assert notice.kind == "correction_no" and "开幕时间未变，请核实" in notice.text and live.title in notice.text
    assert notice.link == f"/console/news/{live.pk}/"
    rejection = AuditEvent.objects.get(object_id=str(live.pk), summary="article correction rejected")
    assert rejection.actor_id == demo.county_admin.pk and rejection.changes["reason"] == "开幕时间未变，请核实"


def test_the_correctors_are_told_of_an_approval(room, demo, live, django_capture_on_commit_callbacks):
    services.article_update(actor=room.county_reviewer, article=live, title="审核人改的标题")
    services.article_update(actor=demo.county_admin, article=live, body="<p>管理员补充的正文。</p>")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        corrections.correction_approve(actor=room.county_reviewer, article=live)
    told = set(Notification.objects.filter(kind="correction_ok").values_list("recipient", flat=True))
    assert told == {demo.county_admin.pk}  # the approver is not told of their own approval


def test_only_whoever_changed_it_last_withdraws_a_correction(room, demo, live):
    before = published_words(live)
    services.article_update(actor=room.county_reviewer, article=live, **CORRECTED)
    with pytest.raises(Forbidden) as refused:
        corrections.correction_withdraw(actor=demo.county_admin, article=live)
    assert refused.value.code == "not_corrector"
    corrections.correction_withdraw(actor=room.county_reviewer, article=live)
    assert not ArticleCorrection.objects.filter(article=live).exists()
    assert published_words(live) == before
    assert (room.county_reviewer.pk, "article correction withdrawn") in audit_summaries(live)


def test_without_a_pending_correction_the_steps_answer_409(room, demo, live):
    steps = [
        lambda: corrections.correction_approve(actor=demo.county_admin, article=live),
        lambda: corrections.correction_reject(actor=demo.county_admin, article=live, reason="不对"),
        lambda: corrections.correction_withdraw(actor=demo.county_admin, article=live),
    ]
    for step in steps:
        with pytest.raises(Conflict) as refused:
            step()
        assert refused.value.code == "no_correction"


def test_outside_scope_it_is_not_found_and_a_writer_is_no_reviewer(room, demo, live):
    services.article_update(actor=room.county_reviewer, article=live, **CORRECTED)
    outside = [room.wuyuan_reviewer, demo.town_admin, demo.village_admin, demo.organizer, demo.young_learner]
    steps = (
        lambda actor: services.article_update(actor=actor, article=live, title="外人改的标题"),
        lambda actor: corrections.correction_approve(actor=actor, article=live),
        lambda actor: corrections.correction_reject(actor=actor, article=live, reason="不对"),
        lambda actor: corrections.correction_withdraw(actor=actor, article=live),
    )
    for actor in outside:
        for step in steps:
            with pytest.raises(NotFound):
                step(actor)
    for step in (
        lambda: services.article_update(actor=room.county_editor, article=live, title="编辑改的标题"),
        lambda: corrections.correction_approve(actor=room.county_editor, article=live),
        lambda: corrections.correction_reject(actor=room.county_editor, article=live, reason="不对"),
        lambda: corrections.correction_withdraw(actor=room.county_editor, article=live),
    ):
        with pytest.raises(Forbidden) as refused:
            step()
        assert refused.value.code == "not_reviewer"
    correction = ArticleCorrection.objects.get(article=live)
    assert (correction.title, correction.changed_by) == (CORRECTED["title"], room.county_reviewer)
    assert stored(live).title == live.title


def test_bad_words_are_refused_and_change_nothing(room, live):
    services.article_update(actor=room.county_reviewer, article=live, title="审核人改的标题")
    before = ArticleCorrection.objects.values().get(article=live)
    for bad in ({"body": "<p> </p><script>x</script>"}, {"channel": "gossip"}, {"title": "标" * 161}):
        with pytest.raises(InvalidInput):
            services.article_update(actor=room.county_reviewer, article=live, **bad)
    assert ArticleCorrection.objects.values().get(article=live) == before
    assert stored(live).title == live.title


def test_the_region_and_campaign_of_a_published_article_still_change_at_once(room, demo, live):
    services.article_update(actor=demo.county_admin, article=live, region=room.wuyuan, title="管理员改的标题")
    after = stored(live)
    assert (after.region, after.title) == (room.wuyuan, live.title)
    assert ArticleCorrection.objects.get(article=live).title == "管理员改的标题"


def test_a_scheduled_release_is_corrected_the_same_way(room, demo):
    article = helpers.publish(
        room.county_editor, room.county_reviewer, room.county, release_at=timezone.now() + timedelta(days=2)
    )
    services.article_update(actor=room.county_reviewer, article=article, title="审核人改的标题")
    assert stored(article).title == "全民终身学习活动周开幕"
    with pytest.raises(Forbidden):
        corrections.correction_approve(actor=room.county_reviewer, article=article)


def test_archiving_discards_a_pending_correction(room, demo, live):
    services.article_update(actor=room.county_reviewer, article=live, **CORRECTED)
    services.article_archive(actor=demo.county_admin, article=live)
    assert not ArticleCorrection.objects.filter(article=live).exists()
    archived = AuditEvent.objects.get(object_id=str(live.pk), summary="article archived")
    assert archived.changes["correction"] == "discarded"
    assert stored(live).title == live.title


def test_submissions_and_drafts_are_still_changed_in_place(room):
    """Before publication the four-eyes rule is the publisher's (policy.article_publish_refusal)."""
    article = helpers.write(room.county_editor, room.county)
    services.article_update(actor=room.county_editor, article=article, title="编辑改的标题")
    services.article_submit(actor=room.county_editor, article=article)
    services.article_update(actor=room.county_reviewer, article=article, title="审核人改的标题")
    assert stored(article).title == "审核人改的标题" and not ArticleCorrection.objects.exists()
