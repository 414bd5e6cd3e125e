"""End-to-end flows in a real browser: a learner and a town admin sign in, switch language
and elder mode; the town admin passes two-factor and works in the console."""

import re

import pytest
from playwright.sync_api import expect

from lifelong.testkit.browser import elder_mode_on, english_on, sign_in, staff_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_signs_in_switches_language_and_elder_mode(county, page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("人人学习，就在家门口")
    expect(page.get_by_role("link", name="通元镇")).to_be_visible()
    sign_in(page, "139 0000 0005")
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("钱桂英")

    english_on(page)
    expect(page.get_by_role("heading", level=2, name="My profile")).to_be_visible()

    expect(page.locator("html")).not_to_have_class(re.compile("elder"))
    elder_mode_on(page)
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 18
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile("elder"))
    expect(page.get_by_test_id("elder-switch")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="Sign out").click()
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_town_admin_passes_two_factor_and_manages_their_town(county, page):
    staff_sign_in(page, "13900000002")  # enrols in two-factor: the SMS code, then the authenticator app's
    expect(page.get_by_text("镇（街道）管理员 · 武原街道")).to_be_visible()

    page.get_by_role("navigation", name="工作台").get_by_role("link", name="场地").click()
    expect(page.get_by_role("cell", name="武原社区学校").first).to_be_visible()
    expect(page.get_by_role("cell", name="通元社区学校")).to_have_count(0)

    page.get_by_role("button", name="添加场地").click()
    page.get_by_label("机构").select_option(label="武原社区学校")
    page.get_by_label(re.compile(r"^名称")).fill("老年书画室")
    page.get_by_label("容量").fill("24")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(page.get_by_role("link", name="老年书画室")).to_be_visible()

    english_on(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Venues")
    elder_mode_on(page)

    response = page.goto("/console/institutions/1/")  # the county school: outside a town admin's scope
    assert response.status == 404


def test_the_api_docs_render_offline_under_the_content_security_policy(transactional_db, page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    external = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url) if "127.0.0.1" not in request.url and "localhost" not in request.url else None
        ),
    )
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Lifelong API")
    expect(page.get_by_text("/api/v1/auth/token").first).to_be_visible()
    assert external == [] and violations == []


def test_read_aloud_speaks_the_main_text(county, page):
    page.add_init_script(
        "window.__spoken = [];"
        "window.speechSynthesis.speak = function (u) { window.__spoken.push({text: u.text, lang: u.lang}); };"
    )
    page.goto("/network/330424105/")
    page.get_by_test_id("read-aloud").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and "通元镇" in spoken[0]["text"] and spoken[0]["lang"] == "zh-Hans"


def test_live_learner_search_in_the_console(county, page, settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = False  # this test is about search, not sign-in
    sign_in(page, "13900000003")
    page.goto("/console/learners/")
    page.get_by_label("姓名或手机号码").fill("钱")
    expect(page.locator("#learner-results")).to_contain_text("钱桂英")
    assert "钱" not in page.url and "%E9%92%B1" not in page.url  # names stay out of URLs
    page.get_by_label("姓名或手机号码").fill("没有这个人")
    expect(page.locator("#learner-results")).to_contain_text("没有找到学员。")
    page.get_by_label("姓名或手机号码").fill("139 0000 0005")  # a whole number finds its owner
    expect(page.locator("#learner-results")).to_contain_text("139****0005")
    assert "0005" not in page.url


def test_a_learner_finds_an_activity_registers_is_waitlisted_on_a_full_one_and_cancels(county, page):
    from lifelong.activities import services
    from lifelong.activities.tests.helpers import new_learner, published_activity

    demo = county
    published_activity(demo, title="太极拳晨练", capacity=5)
    full_one = published_activity(demo, title="书法提高班", capacity=1)
    someone = new_learner(demo)
    services.registration_create(actor=someone, activity=full_one, learner=someone)

    sign_in(page, "13900000005")
    page.get_by_role("link", name="活动").first.click()
    page.get_by_label("搜索").fill("太极")
    page.locator("form.filters").get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="太极拳晨练").click()
    page.get_by_role("button", name="我要报名").click()
    expect(page.get_by_test_id("my-status")).to_contain_text("已确认")
    expect(page.get_by_test_id("seats-left")).to_contain_text("4")

    page.goto(f"/activities/{full_one.pk}/")
    page.get_by_role("button", name="加入候补").click()
    expect(page.get_by_test_id("my-status")).to_contain_text("候补")

    page.goto("/me/")
    row = page.get_by_test_id("my-registrations").get_by_role("listitem").filter(has_text="太极拳晨练")
    row.get_by_role("button", name="取消").click()
    page.get_by_test_id("confirm-dialog").locator("[data-confirm-yes]").click()  # cancelling asks first
    expect(page.get_by_test_id("my-registrations")).not_to_contain_text("太极拳晨练")
    expect(page.get_by_test_id("my-registrations")).to_contain_text("书法提高班")


def test_an_organizer_creates_and_submits_an_activity_and_a_town_admin_publishes_it(
    county, page, second_page, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from lifelong.accounts.models import RoleGrant, User
    from lifelong.regions.models import Region

    settings.STAFF_TWO_FACTOR_REQUIRED = False  # two-factor has its own browser test
    tongyuan_admin = User.objects.create_user("13600000021", "tongyuan-admin-1", name="通元镇管理员")
    RoleGrant.objects.create(user=tongyuan_admin, role="town_admin", region=Region.objects.get(code="330424105"))

    sign_in(page, "13900000004")
    page.goto("/console/activities/")
    page.get_by_test_id("new-activity").click()
    start = timezone.localtime() + timedelta(days=9)
    page.locator("#id_title").fill("葡萄种植技术讲座")
    page.locator("#id_category").select_option("agriculture")
    page.get_by_label("农民").check()
    page.locator("#id_capacity").fill("40")
    page.locator("#id_reserved_offline").fill("10")
    page.locator("#id_registration_opens").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_registration_closes").fill((start - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_hours").fill("2")
    page.locator("#id_sessions-0-starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_sessions-0-ends_at").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("activity-status")).to_have_text("草稿")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("activity-status")).to_have_text("待审核")

    sign_in(second_page, "13600000021", "tongyuan-admin-1")
    second_page.goto("/console/activities/")
    second_page.get_by_test_id("awaiting-approval").get_by_role("link", name="葡萄种植技术讲座").click()
    second_page.get_by_role("button", name="发布").click()
    expect(second_page.get_by_test_id("activity-status")).to_have_text("已发布")

    page.goto("/activities/")
    expect(page.get_by_role("link", name="葡萄种植技术讲座")).to_be_visible()


def test_staff_open_the_check_in_screen_and_a_learner_scans_it(county, page, second_page, settings):

    from lifelong.activities import services
    from lifelong.activities.tests.helpers import new_learner, published_activity, under_way

    settings.STAFF_TWO_FACTOR_REQUIRED = False
    demo = county
    activity = published_activity(demo, title="智能手机课")
    under_way(activity.sessions.get())
    services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    neighbour = new_learner(demo, name="邻居老沈")
    services.registration_create(actor=neighbour, activity=activity, learner=neighbour)

    sign_in(page, "13900000004")
    page.goto(f"/console/activities/{activity.pk}/")
    page.get_by_test_id("open-checkin").click()
    expect(page.get_by_test_id("checkin-qr").locator("svg")).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()  # full screen: nothing but the code and the list
    link = page.get_by_test_id("checkin-qr").locator("[data-qr-link]").get_attribute("data-qr-link")

    sign_in(second_page, "13900000005")
    second_page.goto(link.replace("http://127.0.0.1:8000", ""))
    second_page.get_by_test_id("checkin-confirm").click()
    expect(second_page.get_by_test_id("checkin-done")).to_be_visible()

    page.get_by_placeholder("输入姓名或手机尾号").fill("老沈")
    expect(page.get_by_test_id("checkin-list").get_by_role("listitem").filter(has_text="钱桂英")).to_be_hidden()
    page.get_by_test_id("checkin-list").get_by_role("listitem").filter(has_text="邻居老沈").get_by_role(
        "button", name="签到"
    ).click()
    expect(page.get_by_text("邻居老沈 已签到。")).to_be_visible()
    expect(page.get_by_test_id("checkin-qr")).to_contain_text("已签到 2 人")
