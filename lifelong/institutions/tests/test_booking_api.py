"""The bookings API: GET/POST /venues/{id}/bookings and DELETE /bookings/{id}, with the
error contract ({"detail", "code"}), paging and ISO 8601 times with their offset."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from lifelong.institutions.models import VenueBooking
from lifelong.testkit.api import ApiClient

from .helpers import activity_at, booked, county_time, memorial_hall, school_classroom


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def slot(days: int, start: int, end: int) -> dict:
    return {"starts_at": county_time(days, start).isoformat(), "ends_at": county_time(days, end).isoformat()}


def test_book_list_and_cancel(demo):
    hall = memorial_hall()
    api = ApiClient(demo.town_admin)
    created = api.post(f"/venues/{hall.pk}/bookings", {**slot(5, 9, 11), "purpose": "党员学习日"})
    assert created.status_code == 201
    body = created.json()
    assert body["venue"] == {"id": hall.pk, "name": hall.name, "name_en": hall.name_en}
    assert datetime.fromisoformat(body["starts_at"]) == county_time(5, 9)  # ISO 8601 with its offset
    assert datetime.fromisoformat(body["ends_at"]).utcoffset() is not None
    assert body["purpose"] == "党员学习日" and body["session"] is None and body["activity"] is None
    assert body["booked_by"] == {"id": demo.town_admin.pk, "name": demo.town_admin.name}

    listing = api.get(f"/venues/{hall.pk}/bookings").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]

    assert api.delete(f"/bookings/{body['id']}").status_code == 204
    assert api.get(f"/venues/{hall.pk}/bookings").json() == {"items": [], "count": 0}
    gone = api.delete(f"/bookings/{body['id']}")
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"


def test_an_overlap_answers_409_venue_booked_naming_the_clash(demo):
    hall = memorial_hall()
    activity_at(demo.county_admin, hall, (county_time(8, 9), county_time(8, 11)), title="太极入门")
    api = ApiClient(demo.town_admin)
    api.headers["Accept-Language"] = "en"
    response = api.post(f"/venues/{hall.pk}/bookings", {**slot(8, 10, 12), "purpose": "另一场"})
    day = timezone.localdate() + timedelta(days=8)
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"The venue is already booked for 太极入门 from {day:%Y-%m-%d} 09:00 to 11:00.",
        "code": "venue_booked",
    }
    touching = api.post(f"/venues/{hall.pk}/bookings", {**slot(8, 11, 12), "purpose": "紧接着的一场"})
    assert touching.status_code == 201
    assert VenueBooking.objects.filter(venue=hall).count() == 2


def test_a_sessions_booking_is_listed_with_its_activity_and_cannot_be_deleted(demo):
    hall = memorial_hall()
    activity = activity_at(demo.county_admin, hall, (county_time(8, 9), county_time(8, 11)), title="太极入门")
    api = ApiClient(demo.town_admin)
    item = api.get(f"/venues/{hall.pk}/bookings").json()["items"][0]
    assert item["session"] == activity.sessions.get().pk
    assert item["activity"] == {"id": activity.pk, "title": "太极入门", "title_en": ""}
    assert item["purpose"] == "太极入门"
    refused = api.delete(f"/bookings/{item['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == "booked_by_session"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**slot(5, 11, 9), "purpose": "倒着的"}, "invalid_period"),
        ({**slot(5, 9, 9), "purpose": "零长度"}, "invalid_period"),
        (
            {"starts_at": county_time(5, 9).isoformat(), "ends_at": county_time(25, 9).isoformat(), "purpose": "太长"},
            "booking_too_long",
        ),
        ({**slot(-2, 9, 11), "purpose": "过去的"}, "booking_in_past"),
        ({**slot(5, 9, 11)}, "invalid"),  # no purpose
        ({**slot(5, 9, 11), "purpose": ""}, "invalid"),
        ({**slot(5, 9, 11), "purpose": "x" * 161}, "invalid"),
        ({**slot(5, 9, 11), "purpose": "会议", "booked_by": 1}, "invalid"),  # no mass assignment
        ({"starts_at": "tomorrow", "ends_at": "later", "purpose": "会议"}, "invalid"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_is_written(demo, body, code):
    response = ApiClient(demo.town_admin).post(f"/venues/{memorial_hall().pk}/bookings", body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code and response.json()["detail"]
    assert not VenueBooking.objects.exists()


def test_times_without_an_offset_are_county_time_and_bad_json_is_refused(demo):
    api = ApiClient(demo.town_admin)
    hall = memorial_hall()
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = api.post(
        f"/venues/{hall.pk}/bookings", {"starts_at": f"{day}T09:00", "ends_at": f"{day}T10:00", "purpose": "会议"}
    )
    assert response.status_code == 201
    assert datetime.fromisoformat(response.json()["starts_at"]) == county_time(5, 9)
    broken = api.post(f"/venues/{hall.pk}/bookings", raw="{not json")
    assert broken.status_code in (400, 422) and "code" in broken.json()


def test_the_list_filters_by_days_pages_and_clamps(demo):
    hall = memorial_hall()
    for days in range(2, 9):
        booked(demo.town_admin, hall, days, f"第{days}天")
    api = ApiClient(demo.town_admin)
    day = timezone.localdate()
    period = api.get(
        f"/venues/{hall.pk}/bookings",
        date_from=(day + timedelta(days=3)).isoformat(),
        date_to=(day + timedelta(days=5)).isoformat(),
    ).json()
    assert [item["purpose"] for item in period["items"]] == ["第3天", "第4天", "第5天"] and period["count"] == 3
    page = api.get(f"/venues/{hall.pk}/bookings", page=2, page_size=3).json()
    assert [item["purpose"] for item in page["items"]] == ["第5天", "第6天", "第7天"] and page["count"] == 7
    assert len(api.get(f"/venues/{hall.pk}/bookings", page_size=10**9).json()["items"]) == 7
    bad = api.get(f"/venues/{hall.pk}/bookings", date_from="someday")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_outside_scope_is_404_and_signed_out_is_401(demo):
    classroom, hall = school_classroom(), memorial_hall()
    booking = booked(demo.organizer, classroom, 5, "电脑班")
    town_admin = ApiClient(demo.town_admin)  # Wuyuan: the Tongyuan school is outside
    for response in (
        town_admin.get(f"/venues/{classroom.pk}/bookings"),
        town_admin.post(f"/venues/{classroom.pk}/bookings", {**slot(6, 9, 10), "purpose": "会议"}),
        town_admin.delete(f"/bookings/{booking.pk}"),
        town_admin.get("/venues/999999/bookings"),
        ApiClient(demo.organizer).get(f"/venues/{hall.pk}/bookings"),
        ApiClient(demo.young_learner).post(f"/venues/{hall.pk}/bookings", {**slot(6, 9, 10), "purpose": "会议"}),
    ):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    anonymous = ApiClient()
    assert anonymous.get(f"/venues/{hall.pk}/bookings").status_code == 401
    assert anonymous.delete(f"/bookings/{booking.pk}").status_code == 401
    assert VenueBooking.objects.count() == 1


def test_staff_tokens_without_two_factor_are_refused(demo):
    api = ApiClient(demo.town_admin, two_factor_verified=False)
    assert api.get(f"/venues/{memorial_hall().pk}/bookings").status_code == 401


@pytest.mark.parametrize("how_many", [2, 12])
def test_the_list_runs_a_fixed_number_of_queries(demo, django_assert_num_queries, how_many):
    hall = memorial_hall()
    for n in range(how_many):
        if n % 2:
            activity_at(demo.county_admin, hall, (county_time(3 + n, 9), county_time(3 + n, 10)), title=f"活动{n}")
        else:
            booked(demo.town_admin, hall, 3 + n, f"预订{n}")
    api = ApiClient(demo.town_admin)
    # token and grants, the venue, the page, the count
    with django_assert_num_queries(5):
        body = api.get(f"/venues/{hall.pk}/bookings", page_size=50).json()
    assert body["count"] == how_many


def test_the_openapi_document_lists_the_booking_endpoints(db):
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/venues/{venue_id}/bookings"]) == {"get", "post"}
    assert set(paths["/api/v1/bookings/{booking_id}"]) == {"delete"}
