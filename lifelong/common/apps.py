from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class CommonConfig(AppConfig):
    name = "lifelong.common"
    label = "common"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks


class StaticFilesConfig(BaseStaticFilesConfig):
    """collectstatic leaves out django-ninja's Redoc bundle: Lifelong's API docs use Swagger UI,
    and Redoc would load its logo from a CDN (county intranets are often offline)."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "redoc.standalone.js*"]
