from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "lifelong.community"
    label = "community"
