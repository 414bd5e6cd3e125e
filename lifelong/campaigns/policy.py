"""Who may see and run campaigns (the scope rule registered with `lifelong.accounts.policy`
from this app's `AppConfig.ready()`)."""

from django.db.models import Q

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.accounts.policy import Action

from .models import Campaign


def campaign_scope(actor: User | None, action: Action) -> Q:
    """Admins whose subtree covers the host region."""
    return policy.subtree_q(actor, "host_region__path")


def may_run_campaign(actor: User, campaign: Campaign) -> bool:
    """Admins whose subtree covers the campaign's host region run it and decide its programme."""
    return policy.covers(actor, campaign.host_region)
