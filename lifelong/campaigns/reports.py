"""A campaign's report: its figures counted once the campaign is over and kept. An admin makes
it, or the task worker the day after the campaign (scheduled by lifelong.campaigns.services)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, NotFound
from lifelong.common.services import audit_record

from .models import Campaign, CampaignReport
from .policy import may_run_campaign
from .selectors import campaign_figures


def campaign_has_ended(campaign: Campaign, *, now: datetime | None = None) -> bool:
    """Has the campaign's last day passed in county time (so its report may be made)?"""
    return timezone.localdate(now or timezone.now()) > campaign.ends_on


@transaction.atomic
def campaign_report_generate(
    *, campaign: Campaign, actor: User | None = None, now: datetime | None = None
) -> CampaignReport:
    """Count the campaign's figures now and keep them as its report (replacing an earlier one).
    `actor` is None when the task worker generates it after the campaign. A report is public
    once made, so before the campaign's last day has passed (county time) it answers 409
    `campaign_not_ended` and writes nothing: half a week's figures would read as the result."""
    if actor is not None and not may_run_campaign(actor, campaign):
        raise NotFound()
    now = now or timezone.now()
    if not campaign_has_ended(campaign, now=now):
        raise Conflict(
            _("The report can be made once the campaign has ended, from %(day)s.")
            % {"day": (campaign.ends_on + timedelta(days=1)).isoformat()},
            code="campaign_not_ended",
        )
    report, _created = CampaignReport.objects.update_or_create(
        campaign=campaign,
        defaults={
            "figures": campaign_figures(campaign=campaign),
            "generated_at": now,
            "generated_by": actor,
        },
    )
    if actor is not None:
        audit_record(actor=actor, action=AuditAction.UPDATED, target=campaign, changes={"report": "generated"})
    return report


def campaign_report_due(*, campaign_id: int, ends_on: str, now: datetime | None = None) -> CampaignReport | None:
    """The task worker's call after the campaign: generate the report unless the campaign has
    moved its dates since the task was scheduled (the move scheduled a new one) or is gone, or
    the task runs before the campaign has ended (then it does nothing)."""
    campaign = Campaign.objects.select_related("host_region").filter(pk=campaign_id, ends_on=ends_on).first()
    if campaign is None or not campaign_has_ended(campaign, now=now):
        return None
    return campaign_report_generate(campaign=campaign, now=now)
