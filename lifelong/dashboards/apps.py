from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "lifelong.dashboards"
    label = "dashboards"
