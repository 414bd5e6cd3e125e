from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "lifelong.site"
    label = "site"
