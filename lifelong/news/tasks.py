"""Background work for publishing, run by the task worker."""

from django_tasks import task

from .view_counter import article_views_fold as fold


@task()
def article_views_fold() -> None:
    """Folds fresh article views into the counters (enqueued a few seconds after views come in)."""
    fold()
