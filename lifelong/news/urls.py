from django.urls import path

from . import feeds, views

app_name = "news"
urlpatterns = [
    path("news/", views.article_list, name="list"),
    path("news/<int:pk>/", views.article_detail, name="detail"),
    # lifelong.common.richtext.IMAGE_PATH: article bodies may only show pictures from exactly this address.
    path("news/images/<uuid:key>/", views.article_image, name="image"),
    path("news/feed/rss/", feeds.LatestArticlesRss(), name="feed_rss"),
    path("news/feed/atom/", feeds.LatestArticlesAtom(), name="feed_atom"),
]
