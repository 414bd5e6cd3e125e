from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "lifelong.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from lifelong.accounts.policy import register_scope

        from . import policy
        from .models import Campaign

        register_scope(Campaign, policy.campaign_scope)
