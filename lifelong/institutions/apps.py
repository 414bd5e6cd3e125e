from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "lifelong.institutions"
    label = "institutions"
