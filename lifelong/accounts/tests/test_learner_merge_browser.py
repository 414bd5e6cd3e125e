"""A town admin merges two records of one person in a real browser, on a phone in elder mode:
from the learner list to the merge page, a search by name, the side-by-side comparison, the
confirm dialog (Escape keeps both records), and the message saying what moved where."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lifelong.accounts.models import User
from lifelong.passport.models import LearningRecord
from lifelong.passport.services import entry_write
from lifelong.regions.models import Region
from lifelong.testkit.browser import PHONE_VIEWPORT, elder_mode_on, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_staff_two_factor"),  # two-factor has its own browser test
]


def test_a_town_admin_merges_two_records_of_one_villager(county, page):
    wuyuan_village = Region.objects.filter(parent__code="330424001", level="village").order_by("code").first()
    keep = User.objects.create_user("13711118888", "learner-pass-2026", name="周阿公", home_region=wuyuan_village)
    remove = User.objects.create_user(None, None, name="周阿公", home_region=wuyuan_village, birth_year=1941)
    for n in range(3):
        entry_write(
            learner=remove,
            source="adjustment",
            hours=Decimal("1.5"),
            points=15,
            learned_on=timezone.localdate(),
            title=f"讲座{n}",
        )

    page.set_viewport_size(PHONE_VIEWPORT)
    sign_in(page, county.town_admin.phone)
    page.goto("/console/learners/")
    elder_mode_on(page)
    page.locator("#learner-search").fill("周阿公")
    page.locator("#learner-search").press("Enter")
    row = page.locator("#learner-results tr").filter(has_text="137****8888")
    row.get_by_test_id("learner-merge").click()
    expect(page).to_have_url(re.compile(rf"/console/learners/{keep.pk}/merge/$"))

    page.locator("#merge-search").fill("周阿")
    page.locator("#merge-search").press("Enter")
    candidates = page.get_by_test_id("merge-candidates")
    expect(candidates).to_contain_text("周阿公")
    candidates.get_by_role("button").first.click()
    assert "周" not in page.url and "?" not in page.url  # nothing personal in the address

    expect(page.get_by_test_id(f"merge-side-{remove.pk}")).to_contain_text("3")  # three ledger entries
    expect(page.locator(f'input[name="keep"][value="{keep.pk}"]')).to_be_checked()
    submit = page.get_by_test_id("merge-submit")
    box = submit.bounding_box()
    assert box["height"] >= 60 and box["width"] >= 60  # the page's main action, elder mode

    # Escape keeps both records.
    submit.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert User.objects.get(pk=remove.pk).is_active

    submit.click()
    dialog.locator("[data-confirm-yes]").click()
    expect(page).to_have_url(re.compile(r"/console/learners/$"))
    expect(page.locator(".messages")).to_contain_text("周阿公")
    expect(page.locator(".messages")).to_contain_text("3")
    assert not User.objects.get(pk=remove.pk).is_active
    assert LearningRecord.objects.filter(learner=keep).count() == 3
    kept = User.objects.get(pk=keep.pk)
    assert kept.birth_year == 1941  # filled in from the other record
