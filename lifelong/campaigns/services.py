"""Changes to campaigns: admins of the host region take proposed activities into the programme."""

from django.db import transaction
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.choices import CampaignStatus
from lifelong.activities.models import Activity
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, NotFound
from lifelong.common.services import audit_record


def may_run_campaign(actor: User, campaign) -> bool:
    """Admins whose subtree covers the campaign's host region decide on its programme."""
    return policy.covers(actor, campaign.host_region)


@transaction.atomic
def campaign_proposal_decide(*, actor: User, activity: Activity, accept: bool) -> Activity:
    """Accept a proposed activity into its campaign's programme, or decline it (the activity
    itself stays as it is, outside the programme). A decided proposal may be decided again:
    an admin may take back an acceptance or accept after all."""
    current = (
        Activity.objects.select_for_update(of=("self",), no_key=True)
        .select_related("campaign__host_region")
        .filter(pk=activity.pk, campaign__isnull=False)
        .first()
    )
    if current is None or not may_run_campaign(actor, current.campaign):
        raise NotFound()
    wanted = CampaignStatus.ACCEPTED if accept else CampaignStatus.DECLINED
    if current.campaign_status == wanted:
        raise Conflict(_("The proposal has already been decided this way."), code="already_decided")
    current.campaign_status = wanted
    current.save(update_fields=["campaign_status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        changes={"campaign": current.campaign.slug, "campaign_status": wanted.value},
    )
    return current
