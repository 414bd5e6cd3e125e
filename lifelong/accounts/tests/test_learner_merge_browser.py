"""A town admin merges two records of one person in a real browser, on a phone in elder mode:
from the learner list to the merge page, a search by name, the side-by-side comparison, the
confirm dialog (Escape keeps both records), and the message saying what moved where."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import Personas
from lifelong.accounts.models import User
from lifelong.common.demo.load import demo_county_load
from lifelong.passport.models import LearningRecord
from lifelong.passport.services import entry_write
from lifelong.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(transactional_db, settings) -> Personas:
    settings.STAFF_TWO_FACTOR_REQUIRED = False  # two-factor has its own browser test
    demo_county_load(with_activities=False)
    return Personas()


def sign_in(page, phone: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill("lifelong-demo")
    page.locator("#main").get_by_role("button", name="登录").click()


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

    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, county.town_admin.phone)
    page.goto("/console/learners/")
    page.get_by_test_id("elder-switch").click()
    expect(page.locator("html")).to_have_class(re.compile("elder"))
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
