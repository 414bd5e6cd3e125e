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

        # The campaign rules the activities app asks (lifelong.activities.campaign_rules): where
        # an activity added to a campaign lands, which campaigns take proposals, a slug's campaign.
        from lifelong.activities.campaign_rules import CampaignRules, register_campaign_rules

        from .selectors import campaign_by_slug, campaigns_open_for_proposals
        from .services import campaign_placement

        register_campaign_rules(
            CampaignRules(
                placement=campaign_placement,
                open_for_proposals=campaigns_open_for_proposals,
                by_slug=campaign_by_slug,
            )
        )
