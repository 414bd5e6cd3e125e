"""RSS and Atom feeds of the latest released articles, optionally of one channel
(`?channel=notices`). Drafts, submissions and scheduled releases never appear: the items are
`selectors.articles_public`."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from lifelong.common import richtext

from . import selectors
from .choices import Channel
from .models import Article

FEED_SIZE = 30
DESCRIPTION_CHARS = 200


class LatestArticlesRss(Feed):
    def get_object(self, request: HttpRequest) -> str:
        """The channel asked for; an unknown one is ignored (the whole news)."""
        channel = request.GET.get("channel", "")
        return channel if channel in Channel.values else ""

    def title(self, channel: str) -> str:
        if channel:
            return _("Haiyan lifelong learning: %(channel)s") % {"channel": Channel(channel).label}
        return _("Haiyan lifelong learning: news and notices")

    def link(self, channel: str) -> str:
        return reverse("news:list") + (f"?channel={channel}" if channel else "")

    def description(self, channel: str) -> str:
        return _("News and notices of the Haiyan County community education network.")

    def items(self, channel: str) -> QuerySet[Article]:
        return selectors.articles_public(channel=channel or None)[:FEED_SIZE]

    def item_title(self, article: Article) -> str:
        return article.display_title

    def item_description(self, article: Article) -> str:
        if article.display_summary:
            return article.display_summary
        # body_text is the Chinese body's; an English reader gets the English words.
        text = article.body_text if article.display_body == article.body else richtext.plain_text(article.display_body)
        return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)

    def item_link(self, article: Article) -> str:
        return reverse("news:detail", args=[article.pk])

    # In county time, as every date on the site (the offset keeps them exact for any reader).
    def item_pubdate(self, article: Article) -> datetime:
        return timezone.localtime(article.published_at)

    def item_updateddate(self, article: Article) -> datetime:
        return timezone.localtime(max(article.updated_at, article.published_at))

    def item_author_name(self, article: Article) -> str:
        return article.display_source

    def item_categories(self, article: Article) -> list[str]:
        return [article.get_channel_display()]


class LatestArticlesAtom(LatestArticlesRss):
    feed_type = Atom1Feed
    subtitle = LatestArticlesRss.description
