"""News shown on pages of the apps below news (which do not import it): a campaign's page lists
its latest articles with `{% load news_tags %}{% campaign_news campaign as news %}`."""

from django import template

from lifelong.news.selectors import articles_public

register = template.Library()

CAMPAIGN_NEWS_SHOWN = 5


@register.simple_tag
def campaign_news(campaign) -> list:
    """The campaign's latest released articles, newest first (one query)."""
    return list(articles_public(campaign_id=campaign.pk)[:CAMPAIGN_NEWS_SHOWN])
