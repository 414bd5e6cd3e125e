from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.activities import services
from lifelong.activities.choices import ActivityStatus
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.institutions.models import Institution, Venue


@pytest.fixture
def draft_fields():
    now = timezone.now()
    return {
        "title": "智能手机课堂",
        "category": "digital_skills",
        "audiences": ["elderly"],
        "capacity": 20,
        "registration_opens": now,
        "registration_closes": now + timedelta(days=5),
        "sessions": [{"starts_at": now + timedelta(days=6), "ends_at": now + timedelta(days=6, hours=1)}],
    }


@pytest.fixture
def school(db):
    return Institution.objects.get(kind="community_school", region__code="330424105")


def test_organizer_drafts_submits_and_an_admin_in_scope_publishes(demo, school, draft_fields):
    activity = services.activity_create(actor=demo.organizer, institution=school, **draft_fields)
    assert activity.status == ActivityStatus.DRAFT and activity.sessions.count() == 1
    services.activity_submit(actor=demo.organizer, activity=activity)
    with pytest.raises(NotFound):
        services.activity_publish(actor=demo.town_admin, activity=activity)  # Wuyuan does not cover Tongyuan
    with pytest.raises(NotFound):
        services.activity_publish(actor=demo.organizer, activity=activity)  # organizers do not publish
    published = services.activity_publish(actor=demo.county_admin, activity=activity)
    assert published.status == ActivityStatus.PUBLISHED


def test_rejection_needs_a_reason_and_the_organizer_may_resubmit(demo, school, draft_fields):
    activity = services.activity_create(actor=demo.organizer, institution=school, **draft_fields)
    services.activity_submit(actor=demo.organizer, activity=activity)
    with pytest.raises(InvalidInput):
        services.activity_reject(actor=demo.county_admin, activity=activity, reason="  ")
    rejected = services.activity_reject(actor=demo.county_admin, activity=activity, reason="请补充授课教师")
    assert rejected.status == ActivityStatus.REJECTED and rejected.rejection_reason == "请补充授课教师"
    resubmitted = services.activity_submit(actor=demo.organizer, activity=rejected)
    assert resubmitted.status == ActivityStatus.SUBMITTED and resubmitted.rejection_reason == ""
    with pytest.raises(Conflict) as error:
        services.activity_submit(actor=demo.organizer, activity=resubmitted)
    assert error.value.code == "invalid_transition"


def test_nobody_creates_activities_for_institutions_outside_their_scope(demo, draft_fields):
    ganpu_school = Institution.objects.get(kind="community_school", region__code="330424104")
    with pytest.raises(NotFound):
        services.activity_create(actor=demo.organizer, institution=ganpu_school, **draft_fields)
    with pytest.raises(NotFound):
        services.activity_create(actor=demo.young_learner, institution=ganpu_school, **draft_fields)


def test_bad_drafts_are_refused_with_a_field(demo, school, draft_fields):
    with pytest.raises(InvalidInput) as error:
        services.activity_create(actor=demo.organizer, institution=school, **{**draft_fields, "reserved_offline": 30})
    assert error.value.field in ("reserved_offline", None)
    with pytest.raises(InvalidInput):
        services.activity_create(actor=demo.organizer, institution=school, **{**draft_fields, "sessions": []})
    with pytest.raises(InvalidInput):
        services.activity_create(actor=demo.organizer, institution=school, **{**draft_fields, "category": "casino"})
    elsewhere = Venue.objects.filter(institution__region__code__startswith="330424104").first()
    with pytest.raises(NotFound):
        services.activity_create(actor=demo.organizer, institution=school, **{**draft_fields, "venue": elsewhere})
    assert not school.activities.exists()
