"""The campaigns API (DESIGN §5): a campaign with its live counters against targets."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema

from lifelong.common.api import ErrorOut
from lifelong.common.errors import NotFound
from lifelong.regions.api import RegionRef

from . import selectors

router = Router(tags=["campaigns"])


class CountOut(Schema):
    value: int
    target: int | None


class HoursOut(Schema):
    value: Decimal
    target: int | None


class CountersOut(Schema):
    activities: CountOut
    registrations: CountOut
    attendance: CountOut
    hours: HoursOut


class CampaignOut(Schema):
    slug: str
    name: str
    name_en: str
    theme: str
    starts_on: dt.date
    ends_on: dt.date
    opening_event: str
    host_region: RegionRef
    registration_cap: int | None
    counters: CountersOut


@router.get("/campaigns/{slug}", response={200: CampaignOut, 404: ErrorOut}, summary="A campaign and its counters")
def campaign_detail(request, slug: str):
    """Public: the campaign, and live counts of its published activities, their registrations,
    attendances and learning hours, each beside its target (null: none set)."""
    campaign = selectors.campaign_get(slug=slug)
    if campaign is None:
        raise NotFound()
    campaign.counters = selectors.campaign_counters(campaign=campaign)
    return campaign
