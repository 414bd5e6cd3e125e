"""The article view counter under real parallel readers (one database connection each), on
PostgreSQL: every distinct visitor counts, one visitor's racing requests count once, a fold
running among the readers neither loses nor doubles a view, and readers do not queue behind
a lock on the article row.

The lock test has its control: the same held lock makes the resource-style counter (an
UPDATE of the article row) fail with a lock timeout, so the test can see a lock when there
is one and the reader's success means it took none."""

import time

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from lifelong.news import selectors, services, view_counter
from lifelong.news.models import Article, ArticleView
from lifelong.testkit.races import race

from . import helpers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and real races need PostgreSQL"),
]
VISITORS = 24
SAME_VISITOR = 8
LOCK_TIMEOUT = "2s"


@pytest.fixture
def article(county):
    room = helpers.newsroom(county)
    return helpers.publish(room.county_editor, room.county_reviewer, room.county)


def readers(article: Article, *, then_read: bool = False) -> list:
    """24 distinct visitors and one visitor 8 times; with `then_read`, each also reads the
    count shown on the page right after its view."""
    today = timezone.localdate()

    def view(visitor: str):
        counted = services.article_view_count(article=article, visitor=visitor, day=today)
        if not then_read:
            return counted
        return counted, selectors.article_public(article_id=article.pk).views

    return [lambda n=n: view(f"c{n}") for n in range(VISITORS)] + [lambda: view("u42")] * SAME_VISITOR


def assert_no_errors(outcomes):
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes


def test_parallel_readers_count_exactly_once_each(article):
    outcomes = race(readers(article))
    assert_no_errors(outcomes)
    assert outcomes[:VISITORS] == [True] * VISITORS
    assert outcomes[VISITORS:].count(True) == 1
    assert selectors.article_public(article_id=article.pk).views == VISITORS + 1
    view_counter.article_views_fold()
    assert Article.objects.get(pk=article.pk).view_count == VISITORS + 1
    assert selectors.article_public(article_id=article.pk).views == VISITORS + 1
    assert ArticleView.objects.filter(article=article, visitor="u42").count() == 1


def test_a_fold_running_among_the_readers_loses_and_doubles_nothing(article):
    outcomes = race(readers(article, then_read=True) + [view_counter.article_views_fold] * 4)
    assert_no_errors(outcomes)
    views = outcomes[: VISITORS + SAME_VISITOR]
    assert [counted for counted, _ in views[:VISITORS]] == [True] * VISITORS
    assert [counted for counted, _ in views[VISITORS:]].count(True) == 1
    # Every page showed a count that includes at least its own view and never a doubled one.
    assert all(1 <= shown <= VISITORS + 1 for _, shown in views), views
    assert selectors.article_public(article_id=article.pk).views == VISITORS + 1
    view_counter.article_views_fold()
    assert Article.objects.get(pk=article.pk).view_count == VISITORS + 1
    assert selectors.article_public(article_id=article.pk).views == VISITORS + 1
    assert not ArticleView.objects.filter(folded=False).exists()


def with_lock_timeout(call):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        started = time.monotonic()
        try:
            return call(), time.monotonic() - started
        except OperationalError as error:
            return error, time.monotonic() - started

    return run


def while_the_article_row_is_locked(article: Article, call):
    """Run `call` in another connection while this one holds the lock an UPDATE of the
    article's counter would take."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM news_article WHERE id = %s FOR NO KEY UPDATE", [article.pk])
        [outcome] = race([with_lock_timeout(call)])
    return outcome


def test_a_reader_counts_while_the_article_row_is_locked(article, settings):
    # The fold is queued for the task worker, as in production: the test suite's task backend
    # would otherwise run it (an UPDATE of the article) inside the reader's own call.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    outcome, seconds = while_the_article_row_is_locked(
        article, lambda: services.article_view_count(article=article, visitor="u7", day=timezone.localdate())
    )
    assert outcome is True and seconds < 1, (outcome, seconds)
    assert selectors.article_public(article_id=article.pk).views == 1
    view_counter.article_views_fold()  # what the worker does once the lock is gone
    assert Article.objects.get(pk=article.pk).view_count == 1


def test_control_the_same_lock_stops_a_counter_that_updates_the_article_row(article):
    def resource_style_counter():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE news_article SET view_count = view_count + 1 WHERE id = %s", [article.pk])
        return True

    outcome, seconds = while_the_article_row_is_locked(article, resource_style_counter)
    assert isinstance(outcome, OperationalError) and "lock timeout" in str(outcome), outcome
    assert seconds >= 1.5
    assert Article.objects.get(pk=article.pk).view_count == 0
