from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "lifelong.honours"
    label = "honours"

    def ready(self) -> None:
        # This app's kinds of notice (lifelong.notifications.registry).
        from . import notices  # noqa: F401 - registers them
