"""Background work for publishing, run by the task worker."""

from django_tasks import task


@task()
def article_views_fold() -> None:
    """Folds fresh article views into the counters (enqueued a few seconds after views come in)."""
    from .services import article_views_fold as fold

    fold()
