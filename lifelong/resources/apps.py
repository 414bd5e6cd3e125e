from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "lifelong.resources"
    label = "resources"
