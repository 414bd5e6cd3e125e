"""Venue bookings in the access-control matrix: persona × venue × (booking page, book, cancel,
API list/book/cancel, the venue's public page), checked against an oracle.

The oracle decides from region *codes* and a plain table: an admin may book a venue when their
region's code prefixes the code of the venue's institution's region; the organizer may book
the venues of their own institution (the Tongyuan community school). Outside: 404 (pages and
API), a login redirect (pages) or 401 (API) when signed out; a refusal writes nothing.
"""

import pytest

from lifelong.institutions.models import Institution, Venue, VenueBooking
from lifelong.institutions.selectors import venue_bookable_list
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import covers, expect_api, expect_page, matrix_world

from .helpers import booked, county_time


@pytest.fixture
def world(demo, verified_client):
    world = matrix_world(demo, verified_client, ganpu_phone="13600000039")
    own = {"organizer": demo.organizer.role_grants.get().institution_id}
    village = Region.objects.get(code=world["codes"]["village_admin"])
    venues = {
        "county school": Venue.objects.filter(institution__kind="community_college").first(),
        "tongyuan school": Venue.objects.get(institution_id=own["organizer"], capacity=60),
        "village culture hall": Venue.objects.get(institution__kind="culture_hall", institution__region=village),
        "wuyuan memorial hall": Venue.objects.get(institution__name="步鑫生纪念馆"),
        "ganpu study hall": Venue.objects.get(institution__name="南北湖生态研学馆"),
    }
    return {**world, "own": own, "venues": venues}


def oracle_may_book(world, persona: str, venue: Venue) -> bool:
    institution = Institution.objects.select_related("region").get(pk=venue.institution_id)
    return covers(world["codes"], persona, institution.region.code) or world["own"].get(persona) == institution.pk


def a_booking(world, venue: Venue, days: int) -> VenueBooking:
    return booked(world["demo"].county_admin, venue, days, "县里预订")


@pytest.mark.parametrize("persona", PERSONAS)
def test_bookable_venues_are_exactly_what_the_oracle_allows(world, persona):
    actor = world["actors"][persona]
    venues = Venue.objects.filter(is_active=True)
    expected = {v.pk for v in venues if oracle_may_book(world, persona, v)}
    assert set(venue_bookable_list(actor=actor).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_console_booking_page_books_and_cancels_in_scope_only(world, persona):
    client = world["web"][persona]
    for days, (label, venue) in enumerate(world["venues"].items(), start=3):
        allowed = oracle_may_book(world, persona, venue)
        url = f"/console/venues/{venue.pk}/bookings/"
        expect_page(client.get(url), allowed, persona)
        theirs = a_booking(world, venue, days)
        day = county_time(days, 14).date().isoformat()
        response = client.post(url, {"starts_at": f"{day}T14:00", "ends_at": f"{day}T15:00", "purpose": "矩阵测试"})
        expect_page(response, allowed, persona, ok=302)
        assert VenueBooking.objects.filter(venue=venue, purpose="矩阵测试").exists() == allowed, label
        response = client.post(f"/console/bookings/{theirs.pk}/cancel/")
        expect_page(response, allowed, persona, ok=302)
        assert VenueBooking.objects.filter(pk=theirs.pk).exists() != allowed, label


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_bookings_api_answers_in_scope_only(world, persona):
    api = ApiClient(world["actors"][persona])
    for days, (label, venue) in enumerate(world["venues"].items(), start=3):
        allowed = oracle_may_book(world, persona, venue)
        theirs = a_booking(world, venue, days)
        listing = api.get(f"/venues/{venue.pk}/bookings")
        expect_api(listing, allowed, persona, refused_code="not_found")
        if allowed:
            assert [item["id"] for item in listing.json()["items"]] == [theirs.pk]
        slot = {
            "starts_at": county_time(days, 14).isoformat(),
            "ends_at": county_time(days, 15).isoformat(),
            "purpose": "矩阵测试",
        }
        expect_api(api.post(f"/venues/{venue.pk}/bookings", slot), allowed, persona, ok=201, refused_code="not_found")
        assert VenueBooking.objects.filter(venue=venue, purpose="矩阵测试").exists() == allowed, label
        expect_api(api.delete(f"/bookings/{theirs.pk}"), allowed, persona, ok=204, refused_code="not_found")
        assert VenueBooking.objects.filter(pk=theirs.pk).exists() != allowed, label


@pytest.mark.parametrize("persona", PERSONAS)
def test_venue_pages_are_public_and_show_bookings_to_staff_in_scope_only(world, persona):
    client = world["web"][persona]
    assert client.get("/venues/").status_code == 200
    for days, venue in enumerate(world["venues"].values(), start=3):
        a_booking(world, venue, days)
        html = client.get(f"/venues/{venue.pk}/").content.decode()
        assert ('data-testid="bookings"' in html) == oracle_may_book(world, persona, venue)
        assert ("县里预订" in html) == oracle_may_book(world, persona, venue)
