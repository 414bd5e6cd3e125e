from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "lifelong.news"
    label = "news"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from lifelong.accounts.policy import register_scope

        from . import policy
        from .models import Article

        register_scope(Article, policy.article_scope)

        # This app's kinds of notice (lifelong.notifications.registry).
        from . import notices  # noqa: F401 - registers them
