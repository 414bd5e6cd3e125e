from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "lifelong.honours"
    label = "honours"
