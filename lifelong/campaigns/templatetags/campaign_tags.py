"""Campaign parts of pages of the apps below campaigns (which do not import it): an activity's
console page offers to propose it for a campaign with `{% campaign_proposal_form activity %}`."""

from django import template

from lifelong.activities.choices import CampaignStatus
from lifelong.campaigns.forms import ProposalForm
from lifelong.campaigns.services import PROPOSABLE_STATUSES

register = template.Library()


@register.inclusion_tag("campaigns/_proposal_form.html", takes_context=True)
def campaign_proposal_form(context, activity) -> dict:
    """The form proposing `activity` for a campaign still open (posted to the campaigns
    console), for an activity that may still join one and is not proposed or in one already."""
    shown = activity.status in PROPOSABLE_STATUSES and activity.campaign_status not in (
        CampaignStatus.PROPOSED,
        CampaignStatus.ACCEPTED,
    )
    return {
        "activity": activity,
        "proposal_form": ProposalForm() if shown else None,
        "csrf_token": context.get("csrf_token"),
    }
