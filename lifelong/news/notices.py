"""The notices to an article's author or correctors: their kinds, words and links, rendered in
the recipient's language when the notice is made (`params` carry the `article_id`, and a
reviewer's `comment`). Registered with lifelong.notifications when this module is imported
(NewsConfig.ready()); the codes are stored in notices, so they never change."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from lifelong.notifications.registry import NoticeContext, register, when

from .models import Article

WORDS = {
    "article_returned": gettext_lazy("Your article “%(title)s” was sent back: %(comment)s"),
    "article_pub": gettext_lazy("Your article “%(title)s” is published, released %(released)s."),
    # To whoever proposed or last changed a correction of a published article (news.corrections).
    "correction_ok": gettext_lazy("Your correction of “%(title)s” was approved and is on the public site."),
    "correction_no": gettext_lazy("Your correction of “%(title)s” was not approved: %(comment)s"),
}


def _load_article(*, activity_id: int | None, params: dict[str, Any]) -> Article | None:
    return Article.objects.filter(pk=params.get("article_id")).first()


def _article_notice(context: NoticeContext) -> tuple[str, str]:
    """An article notice names the article and links to its console page."""
    article = context.about
    values = {
        "title": article.display_title,
        "comment": context.params.get("comment", ""),
        "released": when(article.published_at),
    }
    return str(WORDS[context.kind]) % values, reverse("console:article", args=[article.pk])


def _article_kind(code: str, label, *, icon: str = "bell"):
    return register(code, label=label, render=_article_notice, load=_load_article, icon=icon)


ARTICLE_RETURNED = _article_kind("article_returned", gettext_lazy("Article sent back"), icon="pencil")
ARTICLE_PUBLISHED = _article_kind("article_pub", gettext_lazy("Article published"), icon="megaphone")
CORRECTION_APPROVED = _article_kind("correction_ok", gettext_lazy("Correction approved"))
CORRECTION_REJECTED = _article_kind("correction_no", gettext_lazy("Correction not approved"))
