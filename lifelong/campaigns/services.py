"""Changes to campaigns: admins create and edit them, take proposed activities into the
programme, and the post-week report is scheduled (it is made by lifelong.campaigns.reports)."""

from datetime import datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.choices import ActivityStatus, CampaignStatus
from lifelong.activities.models import Activity
from lifelong.activities.policy import may_manage_activities_of
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.pictures import cover_from_upload
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.common.updates import CoverEdit, apply_changes, cover_key
from lifelong.regions.models import Region

from .models import Campaign
from .policy import may_run_campaign
from .tasks import campaign_report_build

CAMPAIGN_FIELDS = (
    "slug",
    "name",
    "name_en",
    "theme",
    "starts_on",
    "ends_on",
    "host_region",
    "opening_event",
    "goals",
    "target_activities",
    "target_registrations",
    "target_attendance",
    "target_hours",
    "registration_cap",
)
# Activities that may still be proposed for a campaign.
PROPOSABLE_STATUSES = [ActivityStatus.DRAFT, ActivityStatus.SUBMITTED, ActivityStatus.PUBLISHED]
# The report is generated this long after the campaign's last day begins (local time): the
# last evening's sign-in sheets have been entered by then.
REPORT_AFTER = timedelta(days=1, hours=2)


def campaign_placement(actor: User, campaign: Campaign) -> CampaignStatus:
    """Where an activity `actor` adds to `campaign` (created with it, moved to it, copied, or
    proposed here) lands: a proposal waits for an admin of the campaign's host region; theirs
    join at once. Once a campaign is over only its admins add activities (recording a past
    year's programme); anyone else 409 `campaign_over`. The activity services ask it through
    lifelong.activities.campaign_rules (registered in CampaignsConfig.ready())."""
    if policy.covers(actor, campaign.host_region):
        return CampaignStatus.ACCEPTED
    if campaign.ends_on < timezone.localdate():
        raise Conflict(_("This campaign is over; it takes no more proposals."), code="campaign_over", field="campaign")
    return CampaignStatus.PROPOSED


@transaction.atomic
def campaign_create(
    *, actor: User, host_region: Region, cover_upload: UploadedFile | None = None, cover_alt: str = "", **fields: Any
) -> Campaign:
    """A campaign hosted by a region in the actor's admin scope (the county admin hosts the
    county-wide Learning Week; a town admin may run a town's own). Its cover may be uploaded
    with it (`cover_upload`, made into a Picture in the same transaction)."""
    if not policy.covers(actor, host_region):
        raise NotFound(field="host_region")
    campaign = Campaign(host_region=host_region, **{k: v for k, v in fields.items() if k in CAMPAIGN_FIELDS})
    full_clean_or_raise(campaign)
    with cover_from_upload(actor=actor, upload=cover_upload, alt=cover_alt) as cover:
        campaign.cover = cover
        campaign.save()
    _schedule_report(campaign)
    audit_record(actor=actor, action=AuditAction.CREATED, target=campaign, changes={"slug": campaign.slug})
    return campaign


@transaction.atomic
@short_lock_wait()
def campaign_update(
    *,
    actor: User,
    campaign: Campaign,
    cover_upload: UploadedFile | None = None,
    cover_alt: str | None = None,
    cover_clear: bool = False,
    **fields: Any,
) -> Campaign:
    """Change a campaign; the host region may only move within the actor's scope. A new cover
    upload replaces the cover (the old picture stays stored), `cover_clear` removes it."""
    current = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("host_region", "cover")
        .filter(pk=campaign.pk)
        .first()
    )
    if current is None or not may_run_campaign(actor, current):
        raise NotFound()
    if "host_region" in fields and not policy.covers(actor, fields["host_region"]):
        raise NotFound(field="host_region")
    changed = apply_changes(
        current,
        {name: fields[name] for name in CAMPAIGN_FIELDS if name in fields},
        actor=actor,
        cover=CoverEdit(cover_upload, cover_alt, cover_clear),
        recorded=lambda name, value: cover_key(value) if name == "cover" else str(value),
    )
    if "ends_on" in changed:
        _schedule_report(current)
    return current


@transaction.atomic
@short_lock_wait()
def campaign_propose(*, actor: User, activity: Activity, campaign: Campaign) -> Activity:
    """Propose an existing activity for a campaign (see `campaign_placement` for who may, and
    when). An activity is in one campaign at a time: a
    declined proposal may go to another campaign, or to the same one again."""
    current = (
        Activity.objects.select_for_update(of=("self",), no_key=True)
        .select_related("institution__region", "campaign")
        .filter(pk=activity.pk)
        .first()
    )
    if current is None or not may_manage_activities_of(actor, current.institution):
        raise NotFound()
    if current.status not in PROPOSABLE_STATUSES:
        raise Conflict(_("A cancelled, rejected or finished activity cannot join a campaign."), code="invalid_status")
    if current.campaign_id and current.campaign_status != CampaignStatus.DECLINED:
        raise Conflict(
            _("The activity is already proposed for “%(campaign)s”.") % {"campaign": current.campaign.display_name},
            code="already_proposed",
            field="campaign",
        )
    current.campaign = campaign
    current.campaign_status = campaign_placement(actor, campaign)
    current.save(update_fields=["campaign", "campaign_status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        changes={"campaign": campaign.slug, "campaign_status": current.campaign_status},
    )
    return current


@transaction.atomic
@short_lock_wait()
def campaign_proposal_decide(*, actor: User, activity: Activity, accept: bool) -> Activity:
    """Accept a proposed activity into its campaign's programme, or decline it (the activity
    itself stays as it is, outside the programme). A decision may be changed: an admin may take
    back an acceptance or accept after all."""
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


def _schedule_report(campaign: Campaign) -> None:
    """A report is due the day after the campaign. A campaign recorded after it ended (a past
    year's week) has its activities entered later: an admin generates its report when ready."""
    last_day = datetime.combine(campaign.ends_on, time.min, tzinfo=timezone.get_current_timezone())
    run_after = last_day + REPORT_AFTER
    if run_after <= timezone.now():
        return
    campaign_id, ends_on = campaign.pk, campaign.ends_on.isoformat()
    transaction.on_commit(lambda: campaign_report_build.using(run_after=run_after).enqueue(campaign_id, ends_on))
