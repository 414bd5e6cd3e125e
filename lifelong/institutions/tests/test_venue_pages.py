"""The public venue pages (/venues/, /venues/<id>/) and the console's booking page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities import services as activity_services
from lifelong.institutions.models import Institution, Venue, VenueBooking

from .helpers import activity_at, booked, county_time, memorial_hall, school_classroom


def published_at(demo, venue, *slots, title="太极入门", **extra):
    activity = activity_at(demo.county_admin, venue, *slots, title=title, **extra)
    return activity_services.activity_publish(actor=demo.county_admin, activity=activity)


def test_the_directory_lists_experience_then_culture_halls_with_notes_and_whats_on(demo):
    hall = memorial_hall()
    published_at(demo, hall, (county_time(6, 9), county_time(6, 11)), title="步鑫生精神讲座")
    activity_at(demo.county_admin, hall, (county_time(7, 9), county_time(7, 11)), title="还在草稿的活动")
    published_at(demo, hall, (county_time(-3, 9), county_time(-3, 11)), title="已经结束的活动")
    html = Client().get("/venues/").content.decode()
    halls = re.findall(r'data-testid="hall">\s*<h2>([^<]+)</h2>', html)
    experience = set(Institution.objects.filter(kind="experience_hall").values_list("name", flat=True))
    assert set(halls[:6]) == experience and all(name.endswith("文化礼堂") for name in halls[6:])
    assert len(halls) == 20  # a page
    assert "正门设无障碍坡道" in html  # its accessibility notes
    assert "步鑫生精神讲座" in html and f"{timezone.localdate() + timedelta(days=6):%Y-%m-%d} 09:00" in html
    assert "还在草稿的活动" not in html and "已经结束的活动" not in html
    assert "通元社区学校" not in html  # only halls are listed


def test_the_directory_filters_by_town_and_kind(demo):
    client = Client()
    ganpu = client.get("/venues/", {"town": "330424104"}).content.decode()
    assert "南北湖生态研学馆" in ganpu and "步鑫生纪念馆" not in ganpu
    culture = client.get("/venues/", {"kind": "culture_hall", "town": "330424104"}).content.decode()
    assert "南北湖生态研学馆" not in culture and "文化礼堂" in culture
    experience = client.get("/venues/", {"kind": "experience_hall"}).content.decode()
    assert experience.count('data-testid="hall"') == 6 and "村文化礼堂</h2>" not in experience
    # Filters nobody could have chosen are ignored, not an error page.
    assert client.get("/venues/", {"kind": "casino", "town": "nowhere"}).status_code == 200


def test_english_pages_show_english_names_and_notes(demo):
    client = Client(headers={"accept-language": "en"})
    html = client.get("/venues/", {"kind": "experience_hall"}).content.decode()
    assert "Bu Xinsheng Memorial Hall" in html and "Ramp at the main door" in html
    page = client.get(f"/venues/{memorial_hall().pk}/").content.decode()
    assert "Exhibition hall" in page and "Ramp at the main door" in page


def test_a_venue_page_shows_the_venue_its_notes_and_upcoming_activities(demo):
    hall = memorial_hall()
    activity = published_at(demo, hall, (county_time(6, 9), county_time(6, 11)), title="步鑫生精神讲座")
    html = Client().get(f"/venues/{hall.pk}/").content.decode()
    assert "展厅" in html and "步鑫生纪念馆" in html and "正门设无障碍坡道" in html
    assert f"/activities/{activity.pk}/" in html
    assert f"{timezone.localdate() + timedelta(days=6):%Y-%m-%d} 09:00" in html
    assert 'data-testid="bookings"' not in html  # bookings are for staff in scope
    assert Client().get("/venues/999999/").status_code == 404
    Venue.objects.filter(pk=hall.pk).update(is_active=False)
    assert Client().get(f"/venues/{hall.pk}/").status_code == 404


def test_staff_in_scope_see_the_bookings_on_the_venue_page_and_others_do_not(demo, verified_client):
    hall = memorial_hall()
    booked(demo.town_admin, hall, 5, "党员学习日", hours=(14, 16))
    mine = verified_client(demo.town_admin).get(f"/venues/{hall.pk}/").content.decode()
    assert 'data-testid="bookings"' in mine and "党员学习日" in mine and "/console/venues/" in mine
    theirs = verified_client(demo.organizer).get(f"/venues/{hall.pk}/").content.decode()
    assert "党员学习日" not in theirs and 'data-testid="bookings"' not in theirs
    learner = Client()
    learner.force_login(demo.young_learner)
    assert "党员学习日" not in learner.get(f"/venues/{hall.pk}/").content.decode()


def grow(demo, n: int) -> None:
    """n more published activities at halls, and n more culture halls with a venue."""
    tongyuan_village = Institution.objects.filter(kind="culture_hall", region__parent__code="330424105").first()
    start = Institution.objects.count()
    for k in range(start, start + n):
        hall = Institution.objects.create(kind="culture_hall", name=f"新文化礼堂{k}", region=tongyuan_village.region)
        Venue.objects.create(institution=hall, name="礼堂", capacity=80, accessibility_notes="一楼")
        venue = Venue.objects.filter(institution__kind="culture_hall").order_by("-id")[k % 5]
        published_at(demo, venue, (county_time(3, 8 + k % 10), county_time(3, 9 + k % 10)), title=f"讲座{k}")


@pytest.mark.parametrize("path", ["/venues/", "/venues/?kind=culture_hall&town=330424105", "venue"])
def test_public_venue_pages_run_a_fixed_number_of_queries(demo, django_assert_num_queries, path):
    client = Client()
    # count, towns for the filter, halls, their venues, the venues' next sessions (a window
    # query); a chosen town adds its lookup. A venue's page: the venue and its sessions.
    expected = {"/venues/": 5, "venue": 2}.get(path, 6)
    path = f"/venues/{memorial_hall().pk}/" if path == "venue" else path
    grow(demo, 2)
    with django_assert_num_queries(expected):
        assert client.get(path).status_code == 200
    grow(demo, 12)
    with django_assert_num_queries(expected):
        assert client.get(path).status_code == 200


# --- The console's booking page ----------------------------------------------------------------


def test_the_venue_list_links_to_bookings_where_the_actor_may_book(demo, verified_client):
    organizer = verified_client(demo.organizer).get("/console/venues/").content.decode()
    assert f"/console/venues/{school_classroom().pk}/bookings/" in organizer
    admin = verified_client(demo.town_admin).get("/console/venues/").content.decode()
    assert f"/console/venues/{memorial_hall().pk}/bookings/" in admin
    edit = verified_client(demo.town_admin).get(f"/console/venues/{memorial_hall().pk}/").content.decode()
    assert f"/console/venues/{memorial_hall().pk}/bookings/" in edit


def form(days, start, end, purpose):
    day = (timezone.localdate() + timedelta(days=days)).isoformat()
    return {"starts_at": f"{day}T{start}", "ends_at": f"{day}T{end}", "purpose": purpose}


def test_staff_book_see_the_clash_refused_by_name_and_cancel(demo, verified_client):
    hall = memorial_hall()
    client = verified_client(demo.town_admin)
    url = f"/console/venues/{hall.pk}/bookings/"
    booked = client.post(url, form(5, "09:00", "11:00", "太极入门"))
    assert booked.status_code == 302 and booked["Location"] == url
    booking = VenueBooking.objects.get(venue=hall)
    assert booking.starts_at == county_time(5, 9) and booking.purpose == "太极入门"
    page = client.get(url).content.decode()
    assert "太极入门" in page and f"{timezone.localdate() + timedelta(days=5):%Y-%m-%d} 09:00" in page

    refused = client.post(url, form(5, "10:00", "12:00", "书法班"), headers={"accept-language": "en"})
    assert refused.status_code == 200
    day = timezone.localdate() + timedelta(days=5)
    assert f"The venue is already booked for 太极入门 from {day:%Y-%m-%d} 09:00 to 11:00." in refused.content.decode()
    assert VenueBooking.objects.filter(venue=hall).count() == 1

    bad = client.post(url, form(5, "12:00", "11:00", "倒着的"))
    assert bad.status_code == 200 and 'class="errorlist' in bad.content.decode()
    assert VenueBooking.objects.filter(venue=hall).count() == 1

    cancelled = client.post(f"/console/bookings/{booking.pk}/cancel/")
    assert cancelled.status_code == 302 and cancelled["Location"] == url
    assert not VenueBooking.objects.filter(venue=hall).exists()
    assert client.get(f"/console/bookings/{booking.pk}/cancel/").status_code == 405


def test_a_sessions_booking_shows_on_the_booking_page_without_a_cancel_button(demo, verified_client):
    hall = memorial_hall()
    activity = published_at(demo, hall, (county_time(6, 9), county_time(6, 11)), title="步鑫生精神讲座")
    page = verified_client(demo.town_admin).get(f"/console/venues/{hall.pk}/bookings/").content.decode()
    assert "步鑫生精神讲座" in page and f"/console/activities/{activity.pk}/" in page
    assert 'data-testid="cancel-booking"' not in page
    booking = VenueBooking.objects.get(session__activity=activity)
    response = verified_client(demo.town_admin).post(f"/console/bookings/{booking.pk}/cancel/")
    assert response.status_code == 302 and VenueBooking.objects.filter(pk=booking.pk).exists()


@pytest.mark.parametrize("size", [1, 10])
def test_the_booking_page_runs_a_fixed_number_of_queries(demo, verified_client, django_assert_num_queries, size):
    hall = memorial_hall()
    for n in range(size):
        booked(demo.town_admin, hall, 3 + n, f"预订{n}")
        published_at(demo, hall, (county_time(3 + n, 14), county_time(3 + n, 15)), title=f"讲座{n}")
    client = verified_client(demo.town_admin)
    client.get("/console/")  # the session and its device are warm
    # session, user, device, grants, the venue, the count, the page, unread notices
    with django_assert_num_queries(8):
        assert client.get(f"/console/venues/{hall.pk}/bookings/").status_code == 200


def test_a_venue_page_tells_how_to_get_there_and_lists_only_what_is_coming(demo):
    hall = memorial_hall()
    Venue.objects.filter(pk=hall.pk).update(
        latitude="30.526400",
        longitude="120.945300",
        transport_notes="乘 101 路到县政府站",
        address="武原街道海滨东路 1 号",
    )
    later = published_at(demo, hall, (county_time(9, 9), county_time(9, 11)), title="第二场讲座")
    sooner = published_at(demo, hall, (county_time(2, 9), county_time(2, 11)), title="第一场讲座")
    published_at(demo, hall, (county_time(-3, 9), county_time(-3, 11)), title="已经结束的活动")
    html = Client().get(f"/venues/{hall.pk}/").content.decode()
    assert "武原街道海滨东路 1 号" in html and "乘 101 路到县政府站" in html
    assert 'data-testid="venue-coordinates"' in html and "30.52640" in html and "120.94530" in html
    assert re.search(r'href="geo:30\.526400?,120\.945300?[^"]*" [^>]*data-testid="map-link"', html)
    assert re.search(r'href="https://uri\.amap\.com/marker\?position=120\.945300?%2C30\.526400?[^"]*"', html)
    coming = re.search(r'data-testid="venue-sessions".*?</ul>', html, re.S).group(0)
    assert coming.index(f"/activities/{sooner.pk}/") < coming.index(f"/activities/{later.pk}/")
    assert "已经结束的活动" not in html
