"""Booking a venue end to end in a real browser: the Wuyuan town admin passes two-factor,
opens the Bu Xinsheng Memorial Hall's bookings from the console's venue list, books a slot,
then tries an overlapping one and is refused with the clashing booking named."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifelong.institutions.models import VenueBooking
from lifelong.testkit.browser import staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOWN_ADMIN = "13900000002"


def fill_booking(page, day: str, starts: str, ends: str, purpose: str):
    form = page.get_by_test_id("booking-form")
    form.locator("input[name=starts_at]").fill(f"{day}T{starts}")
    form.locator("input[name=ends_at]").fill(f"{day}T{ends}")
    form.locator("input[name=purpose]").fill(purpose)
    form.locator("button[type=submit]").click()


def test_a_town_admin_books_a_hall_and_an_overlapping_slot_is_refused_by_name(county, page):
    staff_sign_in(page, TOWN_ADMIN)
    page.get_by_role("navigation", name="工作台").get_by_role("link", name="场地").click()
    page.get_by_role("row").filter(has_text="步鑫生纪念馆").get_by_test_id("venue-bookings-link").click()
    expect(page).to_have_url(re.compile(r"/console/venues/\d+/bookings/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("展厅")

    day = (timezone.localdate() + timedelta(days=6)).isoformat()
    fill_booking(page, day, "09:00", "11:00", "太极入门")
    bookings = page.get_by_test_id("bookings")
    expect(bookings.get_by_role("row").filter(has_text="太极入门")).to_contain_text(f"{day} 09:00")

    fill_booking(page, day, "10:30", "12:00", "书法班")
    refusal = page.locator(".form-errors[role=alert]")
    expect(refusal).to_contain_text("太极入门")
    expect(refusal).to_contain_text(f"{day} 09:00")
    expect(refusal).to_contain_text("11:00")
    expect(bookings.get_by_role("row").filter(has_text="书法班")).to_have_count(0)

    fill_booking(page, day, "11:00", "12:00", "书法班")  # touching the first: free
    expect(bookings.get_by_role("row").filter(has_text="书法班")).to_contain_text(f"{day} 11:00")
    assert list(VenueBooking.objects.order_by("starts_at").values_list("purpose", flat=True)) == ["太极入门", "书法班"]

    page.get_by_role("row").filter(has_text="太极入门").get_by_test_id("cancel-booking").click()
    dialog = page.get_by_test_id("confirm-dialog")  # a destructive action asks first
    expect(dialog).to_contain_text("太极入门")
    dialog.locator("[data-confirm-yes]").click()
    expect(bookings.get_by_role("row").filter(has_text="太极入门")).to_have_count(0)
    assert list(VenueBooking.objects.values_list("purpose", flat=True)) == ["书法班"]
