from ninja import Query, Router, Schema
from pydantic import Field

from lifelong.common.api import PageQuery, paginate
from lifelong.common.errors import NotFound
from lifelong.regions.api import RegionRef
from lifelong.regions.selectors import region_get_by_code

from .choices import InstitutionKind
from .selectors import institution_public_list, venue_public_list

router = Router(tags=["network"])


class InstitutionOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    region: RegionRef
    address: str


class InstitutionRef(Schema):
    id: int
    name: str
    name_en: str
    kind: str


class VenueOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str = Field(description="The kind of the institution the venue belongs to")
    institution: InstitutionRef
    region: RegionRef
    capacity: int
    address: str
    accessibility_notes: str
    accessibility_notes_en: str

    @staticmethod
    def resolve_kind(venue) -> str:
        return venue.institution.kind


class InstitutionPage(Schema):
    items: list[InstitutionOut]
    count: int


class VenuePage(Schema):
    items: list[VenueOut]
    count: int


class InstitutionQuery(PageQuery):
    region: str | None = Field(None, description="Region code; the whole subtree is included")
    kind: InstitutionKind | None = None


class VenueQuery(PageQuery):
    region: str | None = Field(None, description="Region code; the whole subtree is included")


def _region_filter(code: str | None):
    if not code:
        return None
    region = region_get_by_code(code)
    if region is None:
        raise NotFound(code="not_found", field="region")
    return region


@router.get("/institutions", response=InstitutionPage)
def institutions(request, query: Query[InstitutionQuery]):
    return paginate(institution_public_list(region=_region_filter(query.region), kind=query.kind), query)


@router.get("/institutions/{institution_id}", response=InstitutionOut)
def institution_detail(request, institution_id: int):
    institution = institution_public_list().filter(pk=institution_id).first()
    if institution is None:
        raise NotFound()
    return institution


@router.get("/venues", response=VenuePage)
def venues(request, query: Query[VenueQuery]):
    return paginate(venue_public_list(region=_region_filter(query.region)), query)


@router.get("/venues/{venue_id}", response=VenueOut)
def venue_detail(request, venue_id: int):
    venue = venue_public_list().filter(pk=venue_id).first()
    if venue is None:
        raise NotFound()
    return venue
