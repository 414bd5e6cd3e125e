"""Who manages an activity is one rule (activities/policy.py): the single check
`may_manage_activities_of` and the query `manages_q` (Activity's registered scope, the console's
lists) agree for every persona and institution."""

import pytest

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities import services
from lifelong.activities.models import Activity
from lifelong.activities.policy import manageable_institutions, may_manage_activities_of
from lifelong.activities.selectors import activities_managed, activity_managed
from lifelong.institutions.models import Institution
from lifelong.testkit.personas import PERSONA_PHONES

from .helpers import draft_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(demo):
    superuser = User.objects.create_user("13600000011", "superuser-pass", name="超级用户", is_superuser=True)
    return {**{name: getattr(demo, name) for name in PERSONA_PHONES}, "superuser": superuser, "anonymous": None}


def test_the_check_and_the_query_agree(actors):
    institutions = list(Institution.objects.select_related("region"))
    for name, actor in actors.items():
        in_query = set(manageable_institutions(actor).values_list("pk", flat=True))
        checked = {i.pk for i in institutions if may_manage_activities_of(actor, i)}
        assert checked == in_query, name
    assert len(set(manageable_institutions(actors["superuser"]))) == len(institutions)
    assert not manageable_institutions(actors["elder_learner"]).exists()


def test_activity_scope_is_the_console_list(demo, actors):
    mine = draft_activity(demo)  # the Tongyuan community school's, by its organizer
    elsewhere = Institution.objects.get(kind="community_school", region__code="330424001")
    theirs = services.activity_create(
        actor=demo.county_admin,
        institution=elsewhere,
        sessions=[{"starts_at": mine.sessions.get().starts_at, "ends_at": mine.sessions.get().ends_at}],
        title="书法入门",
        category=mine.category,
        audiences=["elderly"],
        capacity=mine.capacity,
        reserved_offline=0,
        registration_opens=mine.registration_opens,
        registration_closes=mine.registration_closes,
    )
    for name, actor in actors.items():
        if actor is None:
            continue
        scoped = set(policy.restrict(actor, policy.Action.CHANGE, Activity.objects.all()))
        assert set(activities_managed(actor=actor)) == scoped, name
        for activity in (mine, theirs):
            allowed = may_manage_activities_of(actor, activity.institution)
            assert (activity in scoped) == allowed, (name, activity)
            assert policy.can(actor, policy.Action.CHANGE, activity) == allowed, (name, activity)
            assert (activity_managed(actor=actor, activity_id=activity.pk) is not None) == allowed, (name, activity)
    assert may_manage_activities_of(demo.organizer, mine.institution)
    assert not may_manage_activities_of(demo.organizer, theirs.institution)
