"""What the activities app asks of campaigns, which sit above it and which it does not import.

An activity may be proposed for a campaign (`Activity.campaign`, with its `campaign_status`),
but which campaigns still take proposals, where a proposal lands and how a campaign is named in
a request are the campaigns app's rules: CampaignsConfig.ready() registers them here
(`register_campaign_rules`). The activity services, forms and API ask through the functions
below.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from lifelong.accounts.models import User

from .choices import CampaignStatus

if TYPE_CHECKING:  # campaigns sits above activities: for type hints only
    from lifelong.campaigns.models import Campaign


@dataclass(frozen=True)
class CampaignRules:
    # The place in `campaign` of an activity `actor` adds to it: accepted at once or proposed;
    # raises a domain error when the campaign takes no more proposals from the actor.
    placement: "Callable[[User, Campaign], CampaignStatus]"
    # The campaigns an organizer may still propose an activity for.
    open_for_proposals: "Callable[[], QuerySet[Campaign]]"
    # The campaign of a slug, or None.
    by_slug: "Callable[[str], Campaign | None]"


_registered: list[CampaignRules] = []


def register_campaign_rules(rules: CampaignRules) -> None:
    _registered[:] = [rules]


def _rules() -> CampaignRules:
    if not _registered:
        raise LookupError("No campaign rules are registered (lifelong.campaigns registers them in ready()).")
    return _registered[0]


def campaign_placement(actor: User, campaign: "Campaign") -> CampaignStatus:
    return _rules().placement(actor, campaign)


def campaigns_open_for_proposals() -> "QuerySet[Campaign]":
    return _rules().open_for_proposals()


def campaign_by_slug(slug: str) -> "Campaign | None":
    return _rules().by_slug(slug)
