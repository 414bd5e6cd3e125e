from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lifelong.regions"
    label = "regions"
