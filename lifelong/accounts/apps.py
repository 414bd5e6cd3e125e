from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lifelong.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from .policy import register_account_scopes

        register_account_scopes()

        # This app's kinds of notice (lifelong.notifications.registry).
        from . import notices  # noqa: F401 - registers them

        # Where a person's audit events are filed (lifelong.common.audit_regions).
        from .audit_log.regions import register_user_region_resolver

        register_user_region_resolver()
