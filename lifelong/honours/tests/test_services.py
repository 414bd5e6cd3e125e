"""The nomination → review → award flow through the services, as staff would run it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lifelong.activities.models import Attendance
from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.honours import selectors, services
from lifelong.honours.models import Honor, Nomination, Review
from lifelong.notifications.models import Notification
from lifelong.passport.selectors import passport_summary
from lifelong.passport.tests.helpers import attend, course, enrol

from .helpers import CITY_OF_LEARNING, HAPPY_LEARNING_TEAM, honour_recorded, open_call, places, staff


@pytest.fixture
def world(demo, django_capture_on_commit_callbacks):
    where = places(demo)
    activity = course(demo, sessions=2)
    enrol(activity, demo.elder_learner)
    with django_capture_on_commit_callbacks(execute=True):
        for session in activity.sessions.all():
            attend(demo, session, demo.elder_learner)
    return demo, where


def test_the_whole_flow_from_call_to_honours_and_notices(world, django_capture_on_commit_callbacks):
    demo, where = world
    reviewer = staff("13600000101", "reviewer", where.county, name="县评审")
    call = open_call(demo.county_admin, where.county, accepts=["learner", "team", "programme"])
    assert call.level == "county" and call.status == "open"
    star = services.nomination_create(
        actor=demo.village_admin, call=call, kind="learner", recipient=demo.elder_learner, statement="坚持学习"
    )
    team = services.nomination_create(
        actor=demo.town_admin, call=call, kind="team", recipient=where.team, statement="读书会带动社区阅读"
    )
    brand = services.nomination_create(
        actor=demo.county_admin, call=call, kind="programme", recipient=where.programme, statement="新农民讲堂"
    )
    with pytest.raises(Conflict) as error:  # reviews wait for the call to close
        services.review_submit(actor=reviewer, nomination=star, score=90)
    assert error.value.code == "call_open"
    services.honour_call_close(actor=demo.county_admin, call=call)
    with pytest.raises(Conflict) as error:
        services.nomination_create(
            actor=demo.county_admin, call=call, kind="learner", recipient=demo.young_learner, statement="迟到的推荐"
        )
    assert error.value.code == "call_closed"
    services.review_submit(actor=reviewer, nomination=star, score=92, comment="事迹突出")
    services.review_submit(actor=demo.county_admin, nomination=star, score=88)
    services.review_submit(actor=reviewer, nomination=team, score=70)
    with pytest.raises(Forbidden) as error:
        services.review_submit(actor=demo.county_admin, nomination=brand, score=99)
    assert error.value.code == "own_nomination"
    with pytest.raises(Conflict) as error:
        services.review_submit(actor=reviewer, nomination=star, score=10)
    assert error.value.code == "already_reviewed"
    listed = {n.pk: n for n in selectors.nominations_of_call(actor=demo.county_admin, call=call)}
    assert listed[star.pk].average_score == 90 and listed[star.pk].review_count == 2

    with django_capture_on_commit_callbacks(execute=True):
        honours = services.honour_call_award(actor=demo.county_admin, call=call, nomination_ids=[star.pk, team.pk])
    call.refresh_from_db()
    assert call.status == "awarded" and call.awarded_at is not None
    assert {h.recipient for h in honours} == {demo.elder_learner, where.team}
    assert all(h.level == "county" and h.year == call.year and h.title == call.title for h in honours)
    statuses = dict(Nomination.objects.values_list("pk", "status"))
    assert statuses == {star.pk: "awarded", team.pk: "awarded", brand.pk: "not_awarded"}
    assert Honor.objects.get(learner=demo.elder_learner).nomination == star
    # The honoured learner and every nominator hear of it.
    kinds = set(Notification.objects.values_list("recipient__phone", "kind"))
    assert (demo.elder_learner.phone, "honour_awarded") in kinds
    assert (demo.village_admin.phone, "nom_awarded") in kinds
    assert (demo.town_admin.phone, "nom_awarded") in kinds
    assert (demo.county_admin.phone, "nom_not_awarded") in kinds
    notice = Notification.objects.get(recipient=demo.elder_learner, kind="honour_awarded")
    assert call.title in notice.text and notice.link == "/me/passport/"
    with pytest.raises(Conflict) as error:
        services.honour_call_award(actor=demo.county_admin, call=call, nomination_ids=[brand.pk])
    assert error.value.code == "already_awarded"
    # Every step is in the audit log.
    summaries = set(AuditEvent.objects.values_list("summary", flat=True))
    assert {"honour call opened", "nominated", "honour call closed", "nomination reviewed"} <= summaries
    assert {"honour awarded", "honour call awarded"} <= summaries


def test_a_learning_star_nomination_carries_the_passport_figures(world):
    demo, where = world
    call = open_call(demo.county_admin, where.county)
    nomination = services.nomination_create(
        actor=demo.village_admin, call=call, kind="learner", recipient=demo.elder_learner, statement="坚持学习"
    )
    summary = passport_summary(learner=demo.elder_learner)
    record = nomination.record
    assert Decimal(record["in_all"]["hours"]) == summary.total_hours > 0
    assert record["in_all"]["points"] == summary.total_points > 0
    assert Decimal(record["this_year"]["hours"]) == summary.year_hours
    assert record["this_year"]["points"] == summary.year_points
    sessions_this_year = [
        s
        for s in Attendance.objects.filter(learner=demo.elder_learner).select_related("session")
        if timezone.localdate(s.checked_in_at).year == timezone.localdate().year
    ]
    assert record["in_all"]["activities"] == 1
    assert record["this_year"]["activities"] == (1 if sessions_this_year else 0)
    assert record["period"]["from"] == f"{timezone.localdate().year}-01-01"
    # The draft statement the form offers says the same.
    draft = selectors.learner_statement(
        learner=demo.elder_learner, record=selectors.learner_record(learner=demo.elder_learner)
    )
    assert str(summary.total_hours) in draft and demo.elder_learner.name in draft


def test_nominations_stay_inside_the_call_and_the_nominators_scope(world):
    demo, where = world
    tongyuan_call = open_call(demo.county_admin, where.tongyuan, accepts=["learner", "institution"])
    assert tongyuan_call.level == "town"
    with pytest.raises(NotFound):  # a Wuyuan learner lies outside a Tongyuan call
        services.nomination_create(
            actor=demo.county_admin, call=tongyuan_call, kind="learner", recipient=demo.young_learner, statement="x"
        )
    with pytest.raises(NotFound):  # the Wuyuan admin takes no part in a Tongyuan call
        services.nomination_create(
            actor=demo.town_admin, call=tongyuan_call, kind="learner", recipient=demo.elder_learner, statement="x"
        )
    county_call = open_call(demo.county_admin, where.county, accepts=["learner", "institution"])
    with pytest.raises(NotFound):  # inside the call, but outside the Wuyuan admin's own subtree
        services.nomination_create(
            actor=demo.town_admin, call=county_call, kind="learner", recipient=demo.elder_learner, statement="x"
        )
    with pytest.raises(NotFound):  # an organizer administers no region
        services.nomination_create(
            actor=demo.organizer, call=county_call, kind="institution", recipient=where.tongyuan_school, statement="x"
        )
    with pytest.raises(InvalidInput) as error:
        services.nomination_create(
            actor=demo.county_admin, call=county_call, kind="team", recipient=where.team, statement="x"
        )
    assert error.value.code == "kind_not_accepted"
    first = services.nomination_create(
        actor=demo.town_admin, call=county_call, kind="learner", recipient=demo.young_learner, statement="好学"
    )
    with pytest.raises(Conflict) as error:
        services.nomination_create(
            actor=demo.county_admin, call=county_call, kind="learner", recipient=demo.young_learner, statement="again"
        )
    assert error.value.code == "already_nominated"
    services.nomination_withdraw(actor=demo.town_admin, nomination=first)
    again = services.nomination_create(
        actor=demo.county_admin, call=county_call, kind="learner", recipient=demo.young_learner, statement="again"
    )
    assert again.status == "submitted" and Nomination.objects.filter(call=county_call).count() == 2


def test_only_admins_over_the_region_open_calls_and_only_for_a_county_or_town(world):
    demo, where = world
    with pytest.raises(NotFound):
        open_call(demo.town_admin, where.county)
    with pytest.raises(NotFound):
        open_call(demo.town_admin, where.tongyuan)
    with pytest.raises(InvalidInput) as error:
        open_call(demo.village_admin, where.tongyuan_village)
    assert error.value.code == "wrong_level"
    assert open_call(demo.town_admin, where.wuyuan).level == "town"
    with pytest.raises(InvalidInput):  # the last day before the first
        open_call(demo.county_admin, where.county, days=-3)


def test_reviewers_and_awarders_act_only_on_calls_in_their_scope(world):
    demo, where = world
    ganpu_reviewer = staff("13600000102", "reviewer", where.ganpu)
    wuyuan_call = open_call(demo.town_admin, where.wuyuan)
    nomination = services.nomination_create(
        actor=demo.town_admin, call=wuyuan_call, kind="learner", recipient=demo.young_learner, statement="好学"
    )
    services.honour_call_close(actor=demo.town_admin, call=wuyuan_call)
    with pytest.raises(NotFound):
        services.review_submit(actor=ganpu_reviewer, nomination=nomination, score=50)
    with pytest.raises(NotFound):  # a village admin elsewhere neither reviews nor awards
        services.review_submit(actor=demo.village_admin, nomination=nomination, score=50)
    with pytest.raises(NotFound):
        services.honour_call_award(actor=demo.village_admin, call=wuyuan_call, nomination_ids=[nomination.pk])
    with pytest.raises(InvalidInput) as error:  # a nomination of another call: nothing is written
        services.honour_call_award(actor=demo.town_admin, call=wuyuan_call, nomination_ids=[nomination.pk, 999999])
    assert error.value.code == "unknown_nomination"
    assert not Honor.objects.exists() and Nomination.objects.get().status == "submitted"
    services.review_submit(actor=demo.county_admin, nomination=nomination, score=80)  # the county covers Wuyuan
    assert Review.objects.count() == 1
    honours = services.honour_call_award(actor=demo.county_admin, call=wuyuan_call, nomination_ids=[nomination.pk])
    assert honours[0].level == "town"


def test_a_call_past_its_last_day_is_in_review_without_being_closed(world):
    demo, where = world
    call = open_call(demo.county_admin, where.county, opens=timezone.localdate() - timedelta(days=10), days=5)
    with pytest.raises(Conflict) as error:
        services.nomination_create(
            actor=demo.county_admin, call=call, kind="learner", recipient=demo.young_learner, statement="迟了"
        )
    assert error.value.code == "call_closed"
    assert call.in_review(timezone.localdate())


def test_historical_honours_are_recorded_for_recipients_in_scope_only(world):
    demo, where = world
    honour = honour_recorded(demo.county_admin, "region", where.county, **CITY_OF_LEARNING)
    assert honour.nomination is None and honour.awarded_at is None
    with pytest.raises(Conflict):  # the same title for the same year twice
        honour_recorded(demo.county_admin, "region", where.county, **CITY_OF_LEARNING)
    with pytest.raises(NotFound):  # the programme is Tongyuan's, outside Wuyuan
        honour_recorded(demo.town_admin, "programme", where.programme, title="品牌", level="county", year=2020)
    recorded = honour_recorded(demo.town_admin, "team", where.team, **HAPPY_LEARNING_TEAM)
    assert recorded in selectors.honours_in_scope(actor=demo.town_admin)
    assert honour not in selectors.honours_in_scope(actor=demo.town_admin)
    assert set(selectors.honours_in_scope(actor=demo.county_admin)) == {honour, recorded}
