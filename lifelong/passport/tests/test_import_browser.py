"""Staff import a village roster in a real browser: the county admin uploads a resident CSV in
the console and reads the report (progress, counts, the bad row and why)."""

import re

import pytest
from playwright.sync_api import expect

from lifelong.accounts.models import User
from lifelong.passport.models import RecordImport
from lifelong.testkit.browser import staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_admin_uploads_a_resident_roster_and_reads_the_report(demo, new_page, tmp_path):
    roster = tmp_path / "丰义村花名册.csv"
    # GB18030, as Chinese Excel saves "CSV"; line 4 names a village in no town of the county.
    roster.write_bytes(
        "姓名,手机号,出生年份,村（社区）\n"
        "沈阿大,13712341001,1949,通元镇丰义村\n"
        "沈阿婆,,1944,330424105201\n"
        "沈小弟,13712341002,1962,月亮村\n".encode("gb18030")
    )
    page = new_page()
    staff_sign_in(page, demo.county_admin.phone, demo.password)
    page.goto("/console/imports/")
    page.locator("#id_kind").select_option("learners")
    page.locator("#id_file").set_input_files(str(roster))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()

    job = RecordImport.objects.get()
    expect(page).to_have_url(re.compile(rf"/console/imports/{job.pk}/$"))
    expect(page.get_by_test_id("import-progress").locator("progress")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("import-counts")).to_contain_text("3")
    problems = page.get_by_test_id("import-problems").locator("tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.locator("td").first).to_have_text("4")
    expect(problems.locator("td").nth(1)).to_contain_text("月亮村")

    assert (job.kind, job.status, job.imported, job.bad_rows) == ("learners", "done", 2, 1)
    assert User.objects.get(phone="13712341001").home_region.code == "330424105201"
    assert User.objects.get(name="沈阿婆").is_managed_profile

    # The list of imports shows the roster with what it holds.
    page.get_by_role("link", name=re.compile("全部导入|All imports")).first.click()
    expect(page.get_by_role("link", name="丰义村花名册.csv")).to_be_visible()
