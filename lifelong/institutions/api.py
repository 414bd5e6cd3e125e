from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.accounts.auth import BearerToken
from lifelong.common.api import CountyDateTime, ErrorOut, InputSchema, IsoDate, PageQuery, PersonRef, paginate
from lifelong.common.errors import NotFound
from lifelong.regions.schemas import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import services
from .choices import InstitutionKind
from .models import VenueBooking
from .schemas import InstitutionRef, VenueRef
from .selectors import (
    booking_for_actor,
    institution_public_list,
    venue_bookable_list,
    venue_bookings,
    venue_public_list,
)

router = Router(tags=["network"])
bearer = BearerToken()
ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class InstitutionOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    region: RegionRef
    address: str


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


@router.get("/institutions", response={200: InstitutionPage, 404: ErrorOut})
def institutions(request, query: Query[InstitutionQuery]):
    return paginate(institution_public_list(region=_region_filter(query.region), kind=query.kind), query)


@router.get("/institutions/{institution_id}", response=InstitutionOut)
def institution_detail(request, institution_id: int):
    institution = institution_public_list().filter(pk=institution_id).first()
    if institution is None:
        raise NotFound()
    return institution


@router.get("/venues", response={200: VenuePage, 404: ErrorOut})
def venues(request, query: Query[VenueQuery]):
    return paginate(venue_public_list(region=_region_filter(query.region)), query)


@router.get("/venues/{venue_id}", response=VenueOut)
def venue_detail(request, venue_id: int):
    venue = venue_public_list().filter(pk=venue_id).first()
    if venue is None:
        raise NotFound()
    return venue


# --- Venue bookings (staff: admins over the venue, organizers of its institution) -------------


class BookingActivityRef(Schema):
    id: int
    title: str
    title_en: str


class BookingOut(Schema):
    id: int
    venue: VenueRef
    starts_at: datetime
    ends_at: datetime
    purpose: str
    session: int | None = Field(description="The session the booking was made for, if any")
    activity: BookingActivityRef | None = Field(description="The activity of that session")
    booked_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_session(booking: VenueBooking) -> int | None:
        return booking.session_id

    @staticmethod
    def resolve_activity(booking: VenueBooking):
        return booking.session.activity if booking.session_id else None

    @staticmethod
    def resolve_purpose(booking: VenueBooking) -> str:
        return booking.display_purpose


class BookingPage(Schema):
    items: list[BookingOut]
    count: int


class BookingQuery(PageQuery):
    date_from: IsoDate | None = Field(None, description="Bookings still running on or after this day")
    date_to: IsoDate | None = Field(None, description="Bookings starting on or before this day")


class BookingIn(InputSchema):
    starts_at: CountyDateTime
    ends_at: CountyDateTime
    purpose: str = Field(min_length=1, max_length=160)


def _bookable_venue(request, venue_id: int):
    venue = venue_bookable_list(actor=request.user).filter(pk=venue_id).first()
    if venue is None:
        raise NotFound()
    return venue


@router.get(
    "/venues/{venue_id}/bookings",
    auth=bearer,
    response={200: BookingPage, **ERRORS},
    summary="Staff: a venue's bookings (those not over yet, or those touching date_from–date_to)",
)
def booking_list(request, venue_id: int, query: Query[BookingQuery]):
    venue = _bookable_venue(request, venue_id)
    bookings = venue_bookings(actor=request.user, venue=venue, date_from=query.date_from, date_to=query.date_to)
    return paginate(bookings, query)


@router.post(
    "/venues/{venue_id}/bookings",
    auth=bearer,
    response={201: BookingOut, **ERRORS},
    summary="Staff: book a venue; 409 venue_booked names the booking in the way",
)
def booking_create(request, venue_id: int, body: BookingIn):
    booking = services.venue_booking_create(
        actor=request.user,
        venue=_bookable_venue(request, venue_id),
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        purpose=body.purpose,
        request=request,
    )
    return Status(201, booking_for_actor(actor=request.user, booking_id=booking.pk))


@router.delete(
    "/bookings/{booking_id}",
    auth=bearer,
    response={204: None, **ERRORS},
    summary="Staff: cancel a booking made by hand (a session's booking follows its session)",
)
def booking_cancel(request, booking_id: int):
    booking = booking_for_actor(actor=request.user, booking_id=booking_id)
    if booking is None:
        raise NotFound()
    services.venue_booking_cancel(actor=request.user, booking=booking, request=request)
    return Status(204, None)
