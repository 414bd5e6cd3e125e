"""Template helpers for showing activities to the public: where one stands (`activity_state`),
where it is held (`activity_place`) and map links for a venue's coordinates."""

from decimal import Decimal
from urllib.parse import quote, urlencode

from django import template

from lifelong.activities.choices import Audience
from lifelong.activities.models import Activity
from lifelong.activities.public_state import PublicState, activity_public_state
from lifelong.institutions.models import Institution, Venue
from lifelong.regions.models import Region

register = template.Library()


@register.simple_tag
def activity_state(activity: Activity) -> PublicState:
    """`{% activity_state activity as state %}`: state.code, .badge, .text, .short, .action."""
    return activity_public_state(activity)


def _town(region: Region | None) -> Region | None:
    """The town of a village (its parent), a town itself; None for the county (its places are
    in the county seat, and "Haiyan County" beside every county venue says nothing)."""
    if region is None or region.level == "county":
        return None
    if region.level == "village":
        return region.parent
    return region


@register.simple_tag
def activity_place(activity: Activity) -> dict[str, Institution | Region | None]:
    """`{% activity_place activity as place %}`: place.institution (whose venue it is held at,
    else the organizer) and place.town. Needs the relations with_card_data selects."""
    venue: Venue | None = activity.venue
    institution = venue.institution if venue is not None else activity.institution
    return {"institution": institution, "town": _town(institution.region), "venue": venue}


def _coordinates(venue: Venue) -> tuple[str, str] | None:
    if venue.latitude is None or venue.longitude is None:
        return None
    return f"{Decimal(venue.latitude):.6f}", f"{Decimal(venue.longitude):.6f}"


def _map_name(venue: Venue) -> str:
    return f"{venue.institution.name} {venue.name}"


@register.filter
def geo_url(venue: Venue) -> str:
    """A `geo:` link the phone's own map app opens, with the place's name as its label; the
    numbers are all it needs, so it works without the internet."""
    coordinates = _coordinates(venue)
    if coordinates is None:
        return ""
    lat, lng = coordinates
    return f"geo:{lat},{lng}?q={lat},{lng}({quote(_map_name(venue))})"


@register.filter
def amap_url(venue: Venue) -> str:
    """Gaode (Amap) marker page: most phones in the county have its app, which the page
    opens (`callnative`). Our coordinates are GPS (WGS-84), which it is told."""
    coordinates = _coordinates(venue)
    if coordinates is None:
        return ""
    lat, lng = coordinates
    query = urlencode({"position": f"{lng},{lat}", "name": _map_name(venue), "coordinate": "wgs84", "callnative": "1"})
    return f"https://uri.amap.com/marker?{query}"


@register.filter
def audience_label(code: str) -> str:
    """The words for an audience code ("elderly" → 老年人)."""
    return str(Audience(code).label) if code in Audience.values else code
