from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lifelong.notifications"
    label = "notifications"
