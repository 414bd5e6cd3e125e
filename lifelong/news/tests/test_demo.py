"""The demo newsroom: the 2019 opening report as released on the county's old site, this
year's notices, a draft and a submission that stay out of public view, and a reviewer's
correction of a notice waiting for another reviewer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.news import policy, selectors
from lifelong.news.choices import ArticleStatus
from lifelong.news.models import Article
from lifelong.site.demo.load import demo_county_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_loaded():
    demo_county_load()


def test_the_2019_opening_report_is_released_at_its_original_time(demo_loaded):
    report = Article.objects.get(campaign__slug="learning-week-2019")
    assert report.status == ArticleStatus.PUBLISHED
    county_time = ZoneInfo("Asia/Shanghai")
    assert timezone.localtime(report.published_at, county_time) == datetime(2019, 11, 4, 14, 11, tzinfo=county_time)
    assert "2015" in report.body_text and "步鑫生纪念馆" in report.body_text
    assert report.title_en and report.body_en
    assert report.author.phone == "13900000008" and report.reviewed_by.phone == "13900000009"
    assert selectors.article_public(article_id=report.pk).views == report.view_count > 0


def test_this_years_notices_are_public_but_not_the_draft_the_submission_or_the_scheduled_one(demo_loaded):
    public = list(selectors.articles_public())
    hidden = Article.objects.exclude(pk__in=[a.pk for a in public])
    assert len(public) >= 4
    assert {a.status for a in hidden} >= {ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED}
    scheduled = hidden.get(status=ArticleStatus.PUBLISHED)
    assert scheduled.published_at > timezone.now()


def test_the_demo_editor_writes_and_the_reviewer_reviews_for_the_county(demo_loaded):
    editor, reviewer = User.objects.get(phone="13900000008"), User.objects.get(phone="13900000009")
    report = Article.objects.get(campaign__slug="learning-week-2019")
    assert policy.may_write_articles_for(editor, report.region)
    assert not policy.may_review_articles_for(editor, report.region)
    assert policy.may_review_articles_for(reviewer, report.region)
    assert editor.check_password("lifelong-demo") and reviewer.check_password("lifelong-demo")


def test_the_reviewers_correction_of_a_notice_waits_for_the_county_admin(demo_loaded):
    reviewer, admin = User.objects.get(phone="13900000009"), User.objects.get(phone="13900000001")
    notice = Article.objects.get(correction__isnull=False)
    assert notice.correction.changed_by == reviewer and "身份证" in notice.correction.body
    assert "身份证" not in selectors.article_public(article_id=notice.pk).body
    assert notice.pk in {a.pk for a in selectors.review_queue(actor=admin)}
    assert notice.pk not in {a.pk for a in selectors.review_queue(actor=reviewer)}
