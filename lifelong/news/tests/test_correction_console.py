"""Corrections of published articles in the console: a reviewer's correction is saved for
review and the public pages, search and feeds keep the published words; the article page shows
the correction waiting, what it changes, and the approve and reject buttons to another reviewer
only (the corrector is told why not, and may withdraw it); the review queue lists it; approving
puts the words on the public page, rejecting needs a reason; other towns' staff get 404."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifelong.news import services
from lifelong.news.models import Article, ArticleCorrection
from lifelong.notifications.models import Notification

from . import helpers


@pytest.fixture
def clients(room, demo, verified_client):
    return helpers.english_console_clients(verified_client, room, demo)


@pytest.fixture
def live(room):
    return room.county_article(title="全民终身学习活动周开幕")


def form_of(article: Article, **overrides) -> dict:
    return {
        "region": article.region.code,
        "channel": article.channel,
        "campaign": "",
        "title": article.title,
        "title_en": article.title_en,
        "summary": article.summary,
        "summary_en": article.summary_en,
        "source": article.source,
        "source_en": article.source_en,
        "body": article.body,
        "body_en": article.body_en,
        **overrides,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def public_reads(article: Article) -> str:
    """What a visitor reads of the article: its page, the list, a search and the feeds."""
    visitor = Client()
    pages = [
        visitor.get(f"/news/{article.pk}/"),
        visitor.get("/news/"),
        visitor.get("/news/", {"q": "周六"}),
        visitor.get("/news/feed/rss/"),
        visitor.get("/news/feed/atom/"),
    ]
    assert all(page.status_code == 200 for page in pages)
    return "\n".join(page.content.decode() for page in pages)


CORRECTION = {"title": "更正：开幕式改在周六", "body": "<div>开幕式改在周六上午九点。</div>"}


def test_a_reviewers_correction_waits_and_the_public_keeps_the_published_words(room, clients, live):
    reviewer = clients["county_reviewer"]
    response = reviewer.post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION), follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "Your correction is saved. It waits for another reviewer: the public site shows the published text until then."
    ]
    stored = Article.objects.get(pk=live.pk)
    assert (stored.title, stored.body) == (live.title, live.body)
    public = public_reads(live)
    assert live.title in public and "开幕式改在周六" not in public and "周六上午九点" not in public

    page = response.content.decode()
    assert 'data-testid="correction"' in page
    assert "Correction waiting for review by another reviewer" in page
    assert "Removed: </span>全民终身学习活动周开幕</del>" in page
    assert "Added: </span>更正：开幕式改在周六</ins>" in page
    # The corrector may not approve or reject it, and is told why; they may withdraw it.
    assert 'data-testid="correction-approve"' not in page and 'data-testid="correction-reject"' not in page
    assert "You changed this correction last, so another reviewer must approve it." in page
    assert 'data-testid="correction-withdraw"' in page
    # The form carries the correction, so a further edit builds on it.
    assert response.context["form"].initial["title"] == CORRECTION["title"]


def test_another_reviewer_finds_it_in_the_queue_approves_it_and_the_public_reads_it(room, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION))
    assert live.pk not in {a.pk for a in clients["county_reviewer"].get("/console/news/").context["queue"]}
    listing = clients["county_admin"].get("/console/news/")
    assert live.pk in {a.pk for a in listing.context["queue"]}
    assert 'data-testid="queue-correction"' in listing.content.decode()

    page = clients["county_admin"].get(f"/console/news/{live.pk}/").content.decode()
    assert 'data-testid="correction-approve"' in page and 'data-testid="correction-reject"' in page
    assert 'data-testid="correction-withdraw"' not in page
    response = clients["county_admin"].post(f"/console/news/{live.pk}/correction-approve/", {"version": "1"})
    assert response.status_code == 302
    stored = Article.objects.get(pk=live.pk)
    assert (stored.title, stored.content_changed_by, stored.published_at) == (
        CORRECTION["title"],
        room.county_reviewer,
        live.published_at,
    )
    assert "更正：开幕式改在周六" in public_reads(live)
    assert not ArticleCorrection.objects.exists()


def test_the_corrector_cannot_approve_by_posting_either(room, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION))
    response = clients["county_reviewer"].post(f"/console/news/{live.pk}/correction-approve/", {"version": "1"})
    assert response.status_code == 403
    assert "You changed this correction last, so another reviewer must approve it." in messages_of(response)
    assert Article.objects.get(pk=live.pk).title == live.title


def test_a_rejection_needs_a_reason_and_the_corrector_is_told(room, clients, live, django_capture_on_commit_callbacks):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION))
    admin = clients["county_admin"]
    response = admin.post(f"/console/news/{live.pk}/correction-reject/", {"reason": "  "})
    assert response.status_code == 422
    assert response.context["reject_form"].errors["reason"] == ["Say why the correction is not approved."]
    assert ArticleCorrection.objects.filter(article=live).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/console/news/{live.pk}/correction-reject/", {"reason": "开幕时间没有变"})
    assert response.status_code == 302
    assert not ArticleCorrection.objects.exists() and Article.objects.get(pk=live.pk).title == live.title
    notice = Notification.objects.get(recipient=room.county_reviewer, kind="correction_no")
    assert "开幕时间没有变" in notice.text


def test_the_corrector_withdraws_it_and_nobody_else_may(room, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION), follow=True)
    assert clients["county_admin"].post(f"/console/news/{live.pk}/correction-withdraw/").status_code == 403
    response = clients["county_reviewer"].post(f"/console/news/{live.pk}/correction-withdraw/", follow=True)
    assert messages_of(response) == ["The correction is withdrawn: the published text stays as it is."]
    assert not ArticleCorrection.objects.exists() and Article.objects.get(pk=live.pk).title == live.title


def test_approving_what_was_read_is_refused_once_the_correction_changed_since(room, demo, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION))
    read = clients["county_admin"].get(f"/console/news/{live.pk}/").context["approve_form"].initial["version"]
    services.article_update(actor=room.county_reviewer, article=live, title="更正：开幕式改在周日")
    response = clients["county_admin"].post(f"/console/news/{live.pk}/correction-approve/", {"version": read})
    assert response.status_code == 409
    assert response.context["approve_form"].initial["version"] == 2  # a fresh form for what is shown now
    assert Article.objects.get(pk=live.pk).title == live.title


def test_bad_input_changes_nothing(room, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION))
    before = ArticleCorrection.objects.values().get(article=live)
    response = clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, title="", body=""))
    assert response.status_code == 200 and response.context["form"].errors
    response = clients["county_admin"].post(f"/console/news/{live.pk}/correction-approve/", {"version": "zero"})
    assert response.status_code == 422
    assert ArticleCorrection.objects.values().get(article=live) == before
    assert Article.objects.get(pk=live.pk).title == live.title


def test_outside_scope_the_correction_and_its_steps_are_not_found(room, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION))
    for name in ("wuyuan_reviewer", "wuyuan_editor"):
        client = clients[name]
        assert client.get(f"/console/news/{live.pk}/").status_code == 404
        for step in ("correction-approve", "correction-reject", "correction-withdraw"):
            response = client.post(f"/console/news/{live.pk}/{step}/", {"version": "1", "reason": "不对"})
            assert response.status_code == 404, (name, step)
    # The county's editor sees the article and the correction, but does not review.
    page = clients["county_editor"].get(f"/console/news/{live.pk}/").content.decode()
    assert 'data-testid="correction"' in page and 'data-testid="correction-approve"' not in page
    response = clients["county_editor"].post(f"/console/news/{live.pk}/correction-approve/", {"version": "1"})
    assert response.status_code == 403
    assert ArticleCorrection.objects.get(article=live).title == CORRECTION["title"]
    assert Article.objects.get(pk=live.pk).title == live.title


def test_an_edit_back_to_the_published_words_undoes_the_correction(room, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION), follow=True)
    response = clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live), follow=True)
    assert messages_of(response) == ["The correction is undone: the text is the published one again."]
    assert not ArticleCorrection.objects.exists()


def test_the_article_page_costs_no_more_queries_with_a_correction(room, clients, live):
    clients["county_reviewer"].post(f"/console/news/{live.pk}/", form_of(live, **CORRECTION))
    admin = clients["county_admin"]
    admin.get(f"/console/news/{live.pk}/")  # warm the session and the caches
    plain = room.county_article(title="另一篇")
    with CaptureQueriesContext(connection) as without:
        admin.get(f"/console/news/{plain.pk}/")
    with CaptureQueriesContext(connection) as with_correction:
        admin.get(f"/console/news/{live.pk}/")
    assert len(with_correction) <= len(without)
