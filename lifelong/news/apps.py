from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "lifelong.news"
    label = "news"
