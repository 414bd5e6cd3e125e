"""The campaign page and API: counters equal the raw records, targets beside them."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities import services as activity_services
from lifelong.activities.models import Attendance, Registration, Session
from lifelong.activities.tests.helpers import new_learner
from lifelong.campaigns.models import Campaign
from lifelong.campaigns.selectors import campaign_counters
from lifelong.passport.models import LearningRecord
from lifelong.passport.services import record_reverse
from lifelong.passport.tests.helpers import attend, course
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient


@pytest.fixture
def week(demo):
    today = timezone.localdate()
    return Campaign.objects.create(
        slug="week-2026",
        name="终身学习活动周",
        name_en="Lifelong Learning Week",
        theme="学习在身边",
        opening_event="县社区教育学校开幕",
        starts_on=today,
        ends_on=today + timedelta(days=60),
        host_region=Region.objects.get(code="330424"),
        target_activities=10,
        target_registrations=100,
        target_attendance=50,
        target_hours=200,
    )


def test_counters_equal_the_raw_records_through_registrations_check_ins_and_corrections(demo, week):
    first = course(demo, sessions=2, campaign=week)
    second = course(demo, sessions=1, campaign=week, title="茶艺")
    outside = course(demo, sessions=1)  # not in the campaign
    draft = activity_services.activity_create(
        actor=demo.organizer,
        institution=first.institution,
        sessions=[
            {"starts_at": timezone.now() + timedelta(days=9), "ends_at": timezone.now() + timedelta(days=9, hours=1)}
        ],
        title="草稿",
        category="arts",
        audiences=["all"],
        capacity=5,
        registration_opens=timezone.now(),
        registration_closes=timezone.now() + timedelta(days=5),
        campaign=week,
    )
    learners = [new_learner(demo) for _ in range(4)]
    for learner in learners:
        for activity in (first, second, outside):
            activity_services.registration_create(actor=learner, activity=activity, learner=learner)
    activity_services.registration_cancel(
        actor=learners[0], registration=Registration.objects.get(learner=learners[0], activity=second)
    )
    for learner in learners[1:]:
        for session in first.sessions.all():
            attend(demo, session, learner)
    attend(demo, outside.sessions.get(), learners[1])
    record_reverse(actor=demo.organizer, record=LearningRecord.objects.filter(activity=first).first(), reason="代签")
    counters = campaign_counters(campaign=week)
    in_week = [first, second]
    assert counters["activities"] == {"value": 2, "target": 10} and draft.status == "draft"
    assert (
        counters["registrations"]["value"]
        == Registration.objects.filter(
            activity__in=in_week, status__in=["pending", "confirmed", "waitlisted", "offered"]
        ).count()
        == 7
    )
    assert counters["attendance"]["value"] == Attendance.objects.filter(session__activity__in=in_week).count() == 6
    assert counters["hours"]["value"] == sum(r.hours for r in LearningRecord.objects.filter(activity__in=in_week))
    assert counters["hours"]["value"] == 5 * 1.5  # six sessions attended, one corrected


def test_the_api_and_the_page_show_the_campaign(demo, week):
    course(demo, sessions=2, campaign=week)
    data = ApiClient().get("/campaigns/week-2026").json()
    assert data["name"] == "终身学习活动周" and data["host_region"]["code"] == "330424"
    assert data["counters"]["activities"] == {"value": 1, "target": 10}
    assert data["counters"]["hours"] == {"value": 0.0, "target": 200}
    missing = ApiClient().get("/campaigns/no-such-week")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    page = Client().get("/campaigns/week-2026/").content.decode()
    assert "学习在身边" in page and "数字生活课堂" in page and 'data-counter="registrations"' in page
    assert Client().get("/campaigns/no-such-week/").status_code == 404


@pytest.mark.parametrize("size", [1, 3])
def test_the_campaign_page_runs_a_fixed_number_of_queries(demo, week, django_assert_num_queries, size):
    for _ in range(size):
        course(demo, sessions=3, campaign=week)
    # The campaign, four counters, the sessions, their towns, whether a report exists, the
    # other campaigns, its news.
    with django_assert_num_queries(10):
        assert Client().get("/campaigns/week-2026/").status_code == 200


def test_the_home_page_features_the_running_or_next_campaign(demo, week):
    Campaign.objects.create(
        slug="week-2019",
        name="2019 活动周",
        starts_on=timezone.localdate().replace(year=2019),
        ends_on=timezone.localdate().replace(year=2019) + timedelta(days=6),
        host_region=week.host_region,
    )
    home = Client().get("/").content.decode()
    assert 'href="/campaigns/week-2026/"' in home and "week-2019" not in home


def test_the_campaign_page_lists_its_released_news_only(demo, week):
    from lifelong.news.tests.helpers import newsroom, write

    room = newsroom(demo)
    room.county_article(title="活动周开幕式通知", campaign=week)
    write(room.county_editor, room.county, title="尚未审核的草稿", campaign=week)
    room.county_article(title="与活动周无关的新闻")
    page = Client().get("/campaigns/week-2026/").content.decode()
    assert "活动周开幕式通知" in page
    assert "尚未审核的草稿" not in page and "与活动周无关的新闻" not in page


def test_each_counter_is_a_tile_with_a_labelled_bar_and_its_numbers_in_words(demo, week):
    """Not four thin bars: each figure in words against its target, with the percentage."""
    course(demo, sessions=2, campaign=week)
    page = Client().get("/campaigns/week-2026/").content.decode()
    tile = re.search(r'<div class="ll-stat ll-counter" data-counter="activities">.*?</div>\s*</div>', page, re.S).group(
        0
    )
    assert '<progress max="10" value="1" aria-hidden="true">' in tile
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tile))
    assert "已完成 1 / 目标 10（10%）" in words or "1 done of a target of 10 (10%)" in words


def test_days_already_held_fold_away_below_the_days_to_come(demo, week):
    Campaign.objects.filter(pk=week.pk).update(starts_on=timezone.localdate() - timedelta(days=30))
    activity = course(demo, sessions=2, campaign=week)
    first = activity.sessions.order_by("starts_at").first()
    Session.objects.filter(pk=first.pk).update(
        starts_at=first.starts_at - timedelta(days=14), ends_at=first.ends_at - timedelta(days=14)
    )
    page = Client().get("/campaigns/week-2026/").content.decode()
    held = re.search(r'data-testid="programme-past-days".*?</details>', page, re.S).group(0)
    assert f"{timezone.localtime(first.starts_at - timedelta(days=14)):%Y-%m-%d}" in held
    coming = page[page.index('id="programme-title"') : page.index('data-testid="programme-past-days"')]
    assert 'data-testid="programme-day"' in coming and "数字生活课堂" in coming
