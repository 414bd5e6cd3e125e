"""Building blocks for tests about campaigns (used by the activities tests too)."""

from datetime import date

from lifelong.campaigns.models import Campaign
from lifelong.regions.models import Region


def capped_week(slug: str, cap: int | None, name: str = "活动周") -> Campaign:
    """The county's learning week of 7 to 13 December 2026, letting each person hold at most
    `cap` registrations among its activities (None: no cap)."""
    return Campaign.objects.create(
        slug=slug,
        name=name,
        starts_on=date(2026, 12, 7),
        ends_on=date(2026, 12, 13),
        host_region=Region.objects.get(level="county"),
        registration_cap=cap,
    )
