"""The task worker's half of the article view counter: fold fresh views into the articles'
counters. `services.article_view_count` counts a view and asks for a fold now and then."""

from datetime import date

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from .models import Article, ArticleView


def article_views_fold(*, today: date | None = None, batch: int = 10_000) -> int:
    """Add fresh views to their articles' counters and mark them folded, in one transaction (a
    page reading counter plus fresh views sees either all before or all after). Folded views
    of past days are no longer needed to count a visitor once a day, and are deleted. Returns
    how many views were folded."""
    today = today or timezone.localdate()
    with transaction.atomic():
        fresh = ArticleView.objects.select_for_update(skip_locked=True).filter(folded=False).order_by("pk")
        ids = list(fresh.values_list("pk", flat=True)[:batch])
        if ids:
            per_article = ArticleView.objects.filter(pk__in=ids).values("article_id").annotate(n=Count("pk")).order_by()
            for row in per_article:
                Article.objects.filter(pk=row["article_id"]).update(view_count=F("view_count") + row["n"])
            ArticleView.objects.filter(pk__in=ids).update(folded=True)
        ArticleView.objects.filter(folded=True, day__lt=today).delete()
    return len(ids)
