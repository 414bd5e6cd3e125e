"""Reads for publishing: the public news (published and released articles only), one
article with its view count, feeds, and the console's scoped lists.

The view count shown is the folded counter plus the views not folded yet, in one query, so a
reader sees their own view at once and never a count that goes backwards."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import reduce
from operator import or_

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.campaigns.models import Campaign
from lifelong.common import richtext
from lifelong.regions.models import Region
from lifelong.regions.selectors import over_or_under_q

from . import policy as news_policy
from .choices import ArticleStatus, Channel
from .models import Article, ArticleCorrection, ArticleImage, ArticleRevision, ArticleView


def with_views(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Annotate `views`: the counter plus fresh (unfolded) views."""
    fresh = (
        ArticleView.objects.filter(article=OuterRef("pk"), folded=False)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return articles.annotate(views=Coalesce(Subquery(fresh, output_field=IntegerField()), Value(0)) + F("view_count"))


def _released(now: datetime | None = None) -> Q:
    return Q(status=ArticleStatus.PUBLISHED, published_at__lte=now or timezone.now())


def articles_public(
    *,
    q: str = "",
    channel: str | None = None,
    campaign_id: int | None = None,
    region: Region | None = None,
    now: datetime | None = None,
) -> QuerySet[Article]:
    """Released articles, newest first. `q` matches titles, summaries and text as a substring
    (short Chinese words such as 读书 work); `region` keeps articles for its subtree."""
    articles = Article.objects.filter(_released(now))
    if q:
        articles = articles.filter(
            Q(title__icontains=q) | Q(title_en__icontains=q) | Q(summary__icontains=q) | Q(body_text__icontains=q)
        )
    if channel:
        articles = articles.filter(channel=channel)
    if campaign_id is not None:
        articles = articles.filter(campaign_id=campaign_id)
    if region is not None:
        articles = articles.filter(region__path__startswith=region.path)
    return with_views(articles.select_related("region")).order_by("-published_at", "-id")


def article_public(*, article_id: int, now: datetime | None = None) -> Article | None:
    return (
        with_views(Article.objects.filter(_released(now), pk=article_id)).select_related("region", "campaign").first()
    )


def article_preview(*, actor: User | None, article_id: int) -> Article | None:
    """An unreleased article, for staff who may see it in the console (a draft never shows to
    anyone else)."""
    if actor is None or not actor.is_authenticated or not policy.is_staff_member(actor):
        return None
    articles = policy.restrict(actor, policy.Action.VIEW, Article.objects.filter(pk=article_id))
    return with_views(articles).select_related("region", "campaign").first()


def articles_latest(*, limit: int = 5, now: datetime | None = None) -> list[Article]:
    """The newest released articles, for the home page."""
    return list(
        Article.objects.filter(_released(now)).select_related("region").order_by("-published_at", "-id")[:limit]
    )


def articles_managed(*, actor: User, status: str | None = None, q: str = "") -> QuerySet[Article]:
    """The console list: articles the actor writes or reviews, latest change first."""
    articles = policy.restrict(actor, policy.Action.VIEW, Article.objects.all())
    if status:
        articles = articles.filter(status=status)
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(title_en__icontains=q))
    articles = articles.select_related("region", "author", "content_changed_by", "correction")
    return with_views(articles).order_by("-updated_at", "-id")


def article_managed(*, actor: User, article_id: int) -> Article | None:
    articles = policy.restrict(actor, policy.Action.VIEW, Article.objects.filter(pk=article_id))
    articles = with_views(articles).select_related(
        "region",
        "campaign",
        "author",
        "reviewed_by",
        "content_changed_by",
        "correction__proposed_by",
        "correction__changed_by",
    )
    return articles.first()


def review_queue(*, actor: User) -> QuerySet[Article]:
    """What waits for the actor's review, longest waiting first: submissions, and corrections
    of published articles (`waiting_since`: when submitted, or when the correction was last
    changed). Not those whose words the actor changed last, which wait for someone else (four
    eyes on the words)."""
    submissions = Q(status=ArticleStatus.IN_REVIEW) & ~Q(content_changed_by=actor)
    corrections = Q(status=ArticleStatus.PUBLISHED, correction__isnull=False) & ~Q(correction__changed_by=actor)
    articles = policy.restrict(actor, policy.Action.REVIEW, Article.objects.filter(submissions | corrections))
    waiting_since = Case(
        When(status=ArticleStatus.PUBLISHED, then=F("correction__changed_at")), default=F("submitted_at")
    )
    return (
        articles.select_related("region", "author", "correction__changed_by")
        .annotate(waiting_since=waiting_since)
        .order_by("waiting_since", "id")
    )


def pending_correction(article: Article) -> ArticleCorrection | None:
    """The correction of a published article waiting for review, if any (read once per
    article object, or with it through `select_related("correction")`)."""
    try:
        return article.correction
    except ArticleCorrection.DoesNotExist:
        return None


@dataclass(frozen=True)
class WordChange:
    """One field a correction changes, for the console: its label, the published and the
    corrected words, and the difference as (kind, text) pieces, kind "same", "del" or "ins"
    (long unchanged stretches shortened to their ends)."""

    name: str
    label: str
    published: str
    corrected: str
    pieces: list[tuple[str, str]]


# Where a body's text is cut into sentences to compare (Chinese and Western full stops, line
# ends): a sentence rewritten shows as removed and added whole, readable, and long articles
# compare in a moment. Short fields compare character by character.
SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]+|[^。！？!?；;\n]+")
SAME_KEPT = 40  # characters kept at each end of a long unchanged stretch


# Words less alike than this are shown as replaced whole: a title rewritten shares a few
# characters with the old one, and marking those as kept only makes both unreadable.
ALIKE = 0.5


def _pieces(published: str, corrected: str, *, by_sentence: bool) -> list[tuple[str, str]]:
    old = SENTENCE.findall(published) if by_sentence else list(published)
    new = SENTENCE.findall(corrected) if by_sentence else list(corrected)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if not by_sentence and matcher.ratio() < ALIKE:
        return [piece for piece in (("del", published), ("ins", corrected)) if piece[1]]
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = "".join(old[i1:i2])
            if len(same) > 3 * SAME_KEPT:
                same = f"{same[:SAME_KEPT]} … {same[-SAME_KEPT:]}"
            pieces.append(("same", same))
            continue
        if i2 > i1:
            pieces.append(("del", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("ins", "".join(new[j1:j2])))
    return pieces


def correction_changes(article: Article, correction: ArticleCorrection) -> list[WordChange]:
    """What approving `correction` would change of the article's published words, field by
    field in the form's order. Bodies are compared as their plain text (the full corrected
    text is shown beside); the channel by its name."""
    changes = []
    for name in ("channel", "title", "title_en", "summary", "summary_en", "source", "source_en", "body", "body_en"):
        published, corrected = getattr(article, name), getattr(correction, name)
        if published == corrected:
            continue
        if name == "channel":
            published, corrected = Channel(published).label, Channel(corrected).label
        elif name in ("body", "body_en"):
            published, corrected = richtext.plain_text(published), richtext.plain_text(corrected)
        changes.append(
            WordChange(
                name=name,
                label=capfirst(Article._meta.get_field(name).verbose_name),
                published=published,
                corrected=corrected,
                pieces=_pieces(published, corrected, by_sentence=name in ("body", "body_en")),
            )
        )
    return changes


def article_revisions(*, article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("saved_by").order_by("-number")


def article_revision_number(article: Article) -> int:
    """The number of the article's latest revision: the version its words are in now."""
    return article.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def article_regions(*, actor: User) -> QuerySet[Region]:
    """Regions the actor may write articles for (the form's choices)."""
    return news_policy.article_regions(actor).order_by("path")


def article_image(*, key) -> ArticleImage | None:
    return ArticleImage.objects.filter(key=key).first()


def article_campaigns(*, regions: Iterable[Region]) -> QuerySet[Campaign]:
    """Campaigns an article for one of `regions` may belong to: those hosted over or under
    it (the county's Learning Week for a town's article, a town's own week for the county's).
    The service checks the pair chosen; this only keeps the list to what could pass."""
    paths: list[str] = []
    for path in sorted(region.path for region in regions):  # an ancestor sorts before its subtree
        if not any(path.startswith(root) for root in paths):
            paths.append(path)
    if not paths:
        return Campaign.objects.none()
    over_or_under = reduce(or_, (over_or_under_q(path, "host_region__path") for path in paths))
    return Campaign.objects.filter(over_or_under).order_by("-starts_on", "id")
