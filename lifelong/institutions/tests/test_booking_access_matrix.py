"""Venue bookings in the access-control matrix: persona × venue × (booking page, book, cancel,
API list/book/cancel, the venue's public page), checked against an oracle.

The oracle decides from region *codes* and a plain table: an admin may book a venue when their
region's code prefixes the code of the venue's institution's region; the organizer may book
the venues of their own institution (the Tongyuan community school). Outside: 404 (pages and
API), a login redirect (pages) or 401 (API) when signed out; a refusal writes nothing.
"""

import pytest
from django.test import Client

from lifelong.accounts.models import RoleGrant, User
from lifelong.common.tests.api_helpers import MATRIX_PERSONAS as PERSONAS
from lifelong.common.tests.api_helpers import ApiClient
from lifelong.institutions.models import Institution, Venue, VenueBooking
from lifelong.institutions.selectors import venue_bookable_list
from lifelong.institutions.services import venue_booking_create
from lifelong.regions.models import Region

from .helpers import county_time

ADMIN_CODES = {"town_admin": "330424001", "ganpu_admin": "330424104", "county_admin": "330424"}


@pytest.fixture
def world(demo, verified_client):
    ganpu_admin = User.objects.create_user("13600000039", "ganpu-admin-pass", name="澉浦管理员")
    RoleGrant.objects.create(user=ganpu_admin, role="town_admin", region=Region.objects.get(code="330424104"))
    actors = {name: getattr(demo, name, None) for name in PERSONAS}
    actors["ganpu_admin"] = ganpu_admin
    codes = {**ADMIN_CODES, "village_admin": demo.village_admin.role_grants.get().region.code}
    own = {"organizer": demo.organizer.role_grants.get().institution_id}
    web = {}
    for name, user in actors.items():
        if user is None:
            web[name] = Client()
        elif name in codes or name in own:
            web[name] = verified_client(user)
        else:
            web[name] = Client()
            web[name].force_login(user)
    village = Region.objects.get(code=codes["village_admin"])
    venues = {
        "county school": Venue.objects.filter(institution__kind="community_college").first(),
        "tongyuan school": Venue.objects.get(institution_id=own["organizer"], capacity=60),
        "village culture hall": Venue.objects.get(institution__kind="culture_hall", institution__region=village),
        "wuyuan memorial hall": Venue.objects.get(institution__name="步鑫生纪念馆"),
        "ganpu study hall": Venue.objects.get(institution__name="南北湖生态研学馆"),
    }
    return {"demo": demo, "actors": actors, "web": web, "codes": codes, "own": own, "venues": venues}


def oracle_may_book(world, persona: str, venue: Venue) -> bool:
    code = world["codes"].get(persona)
    institution = Institution.objects.select_related("region").get(pk=venue.institution_id)
    return (code is not None and institution.region.code.startswith(code)) or world["own"].get(
        persona
    ) == institution.pk


def a_booking(world, venue: Venue, days: int) -> VenueBooking:
    return venue_booking_create(
        actor=world["demo"].county_admin,
        venue=venue,
        starts_at=county_time(days, 9),
        ends_at=county_time(days, 10),
        purpose="县里预订",
    )


def expect_page(response, allowed: bool, persona: str, ok: int = 200):
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], persona
    else:
        assert response.status_code == (ok if allowed else 404), (persona, response.status_code)


def expect_api(response, allowed: bool, persona: str, ok: int = 200):
    if persona == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == (ok if allowed else 404), (persona, response.status_code)
        if not allowed:
            assert response.json()["code"] == "not_found"


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
        expect_api(listing, allowed, persona)
        if allowed:
            assert [item["id"] for item in listing.json()["items"]] == [theirs.pk]
        slot = {
            "starts_at": county_time(days, 14).isoformat(),
            "ends_at": county_time(days, 15).isoformat(),
            "purpose": "矩阵测试",
        }
        expect_api(api.post(f"/venues/{venue.pk}/bookings", slot), allowed, persona, ok=201)
        assert VenueBooking.objects.filter(venue=venue, purpose="矩阵测试").exists() == allowed, label
        expect_api(api.delete(f"/bookings/{theirs.pk}"), allowed, persona, ok=204)
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
