"""The steps every change of an article's words takes, shared by the article services
(`services.py`) and the corrections of published articles (`corrections.py`): lock the
article's row, check that the actor reviews it, keep a revision of its words."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.errors import Forbidden, NotFound

from . import selectors
from .models import Article, ArticleRevision
from .policy import may_review_articles_for

# The words of an article; a change to any of them keeps a revision.
CONTENT_FIELDS = ("title", "title_en", "summary", "summary_en", "body", "body_en", "source", "source_en", "channel")


def locked(article: Article) -> Article:
    # Only the article's row: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
    # join to the campaign, and locking the region or campaign would serialise unrelated work.
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("region", "campaign__host_region")
        .get(pk=article.pk)
    )


def require_reviewer(actor: User, article: Article) -> None:
    if not may_review_articles_for(actor, article.region):
        if policy.can(actor, policy.Action.VIEW, article):
            raise Forbidden(_("Only a reviewer for this part of the county may do this."), code="not_reviewer")
        raise NotFound()


def keep_revision(article: Article, *, actor: User, now: datetime) -> None:
    number = selectors.article_revision_number(article) + 1
    ArticleRevision.objects.create(
        article=article,
        number=number,
        saved_by=actor,
        saved_at=now,
        **{name: getattr(article, name) for name in CONTENT_FIELDS},
    )
