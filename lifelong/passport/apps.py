from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "lifelong.passport"
    label = "passport"
