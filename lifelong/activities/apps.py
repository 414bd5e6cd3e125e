from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "lifelong.activities"
    label = "activities"
