from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lifelong.notifications"
    label = "notifications"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the SMS system checks
