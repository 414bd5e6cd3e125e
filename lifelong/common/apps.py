from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "lifelong.common"
    label = "common"
