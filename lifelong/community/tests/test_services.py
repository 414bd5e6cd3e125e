"""Programme and team services: scope, the activity rules, joining and deciding, notices."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.activities import services as activity_services
from lifelong.activities.models import Activity
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.community import services
from lifelong.community.models import Programme, Team, TeamMembership
from lifelong.institutions.models import Institution
from lifelong.notifications.models import Notification
from lifelong.regions.models import Region
from lifelong.testkit.regions import GANPU, TONGYUAN, WUYUAN

from .helpers import brand, person, school, team


def _draft(demo, *, actor=None, institution=None, **extra) -> Activity:
    now = timezone.now()
    return activity_services.activity_create(
        actor=actor or demo.organizer,
        institution=institution or school(),
        sessions=[{"starts_at": now + timedelta(days=8), "ends_at": now + timedelta(days=8, hours=2)}],
        title="田间课堂",
        category="agriculture",
        audiences=["farmers"],
        capacity=30,
        registration_opens=now,
        registration_closes=now + timedelta(days=7),
        **extra,
    )


# --- Programmes -------------------------------------------------------------------------------


def test_a_town_admin_runs_the_programmes_of_their_town_only(demo):
    wuyuan, ganpu = Region.objects.get(code=WUYUAN), Region.objects.get(code=GANPU)
    mine = services.programme_create(
        actor=demo.town_admin, town=wuyuan, slug="happy-reading", name="乐读", started_year=2013
    )
    assert mine.town == wuyuan and AuditEvent.objects.filter(object_id=str(mine.pk), action="created").exists()
    with pytest.raises(NotFound):
        services.programme_create(
            actor=demo.town_admin, town=ganpu, slug="colorful", name="七彩课堂", started_year=2015
        )
    with pytest.raises(NotFound):  # a village admin's subtree holds no town
        services.programme_create(
            actor=demo.village_admin, town=Region.objects.get(code=TONGYUAN), slug="x", name="x", started_year=2015
        )
    with pytest.raises(InvalidInput):  # a programme belongs to a town, not a village
        services.programme_create(
            actor=demo.town_admin, town=wuyuan.children.first(), slug="y", name="y", started_year=1
        )
    assert list(Programme.objects.values_list("slug", flat=True)) == ["happy-reading"]


def test_an_edit_may_not_move_a_programme_out_of_the_editors_scope(demo):
    programme = brand(demo, town=WUYUAN)
    with pytest.raises(NotFound):
        services.programme_update(actor=demo.town_admin, programme=programme, town=Region.objects.get(code=GANPU))
    with pytest.raises(NotFound):  # another town's admin does not see it at all
        services.programme_update(actor=demo.organizer, programme=programme, name="改")
    programme.refresh_from_db()
    assert programme.town.code == WUYUAN and programme.name == "新农民讲堂"
    changed = services.programme_update(actor=demo.town_admin, programme=programme, name="乐读", ended_year=2020)
    assert (changed.name, changed.ended_year) == ("乐读", 2020)


def test_bad_programme_input_changes_nothing(demo):
    programme = brand(demo, slug="taken", town=WUYUAN)
    with pytest.raises(Conflict) as duplicate:
        brand(demo, slug="taken")
    assert duplicate.value.code == "duplicate"
    with pytest.raises(InvalidInput):  # it cannot end before it began
        services.programme_update(actor=demo.county_admin, programme=programme, ended_year=2000)
    with pytest.raises(NotFound):  # an institution outside the actor's scope
        services.programme_update(actor=demo.town_admin, programme=programme, institution=school(GANPU))
    programme.refresh_from_db()
    assert programme.ended_year is None and Programme.objects.count() == 1


# --- Activities in a programme or run with a team ---------------------------------------------


def test_an_activity_joins_a_programme_of_its_own_town_or_one_its_institution_runs(demo):
    local = brand(demo, town=TONGYUAN)
    assert _draft(demo, programme=local).programme == local
    elsewhere = brand(demo, town=WUYUAN)
    with pytest.raises(InvalidInput) as refused:
        _draft(demo, programme=elsewhere)
    assert refused.value.code == "programme_elsewhere" and refused.value.field == "programme"
    library = Institution.objects.get(kind="library")  # county level, runs Wuyuan's reading brand
    reading = brand(demo, town=WUYUAN, institution=library)
    assert _draft(demo, actor=demo.county_admin, institution=library, programme=reading).programme == reading
    assert not Activity.objects.filter(programme=elsewhere).exists()


def test_an_activity_team_lies_in_the_institutions_area_or_is_led_by_the_actor(demo):
    village = demo.village_admin.role_grants.get().region  # a Tongyuan village
    near = team(demo, region=village, leader=person(demo, home=village))
    assert _draft(demo, team=near).team == near
    far = team(demo, region=WUYUAN)  # led by the young learner
    with pytest.raises(InvalidInput) as refused:
        _draft(demo, team=far)
    assert refused.value.code == "team_elsewhere"
    # The leader of a Wuyuan team who is also an organizer of the Tongyuan school may run it there.
    from lifelong.accounts.models import RoleGrant

    RoleGrant.objects.create(user=demo.young_learner, role="organizer", institution=school())
    leader = type(demo.young_learner).objects.get(pk=demo.young_learner.pk)
    assert _draft(demo, actor=leader, team=far).team == far
    Team.objects.filter(pk=near.pk).update(is_active=False)
    near.refresh_from_db()
    with pytest.raises(InvalidInput) as inactive:
        _draft(demo, team=near)
    assert inactive.value.code == "team_inactive"


# --- Teams ------------------------------------------------------------------------------------


def test_a_new_team_has_its_leader_as_first_member_and_stays_in_scope(demo):
    reading = team(demo)
    assert list(reading.memberships.values_list("user_id", "status")) == [(demo.young_learner.pk, "member")]
    with pytest.raises(NotFound):
        services.team_create(
            actor=demo.town_admin, region=Region.objects.get(code=GANPU), leader=demo.young_learner, name="外镇"
        )
    with pytest.raises(NotFound):  # an edit may not move the team out of the editor's scope
        services.team_update(actor=demo.town_admin, team=reading, region=Region.objects.get(code=GANPU))
    with pytest.raises(Conflict):  # names are unique within a region
        team(demo, name=reading.name)
    reading.refresh_from_db()
    assert reading.region.code == WUYUAN and Team.objects.count() == 1


def test_asking_to_join_tells_the_leader_and_a_second_request_is_refused(demo, django_capture_on_commit_callbacks):
    reading = team(demo)
    reader = person(demo, name="王静怡")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.team_join_request(actor=reader, team=reading)
    assert request.status == "requested"
    notice = Notification.objects.get(recipient=demo.young_learner)
    assert notice.kind == "team_request" and "王静怡" in notice.text and notice.link == f"/teams/{reading.pk}/"
    assert notice.activity is None
    with pytest.raises(Conflict) as again:
        services.team_join_request(actor=reader, team=reading)
    assert again.value.code == "already_member"
    with pytest.raises(Conflict):  # the leader is a member already
        services.team_join_request(actor=demo.young_learner, team=reading)
    assert TeamMembership.objects.filter(team=reading, user=reader).count() == 1


def test_the_leader_lets_people_in_or_declines_them_and_they_are_told(demo, django_capture_on_commit_callbacks):
    reading = team(demo)
    accepted, declined = person(demo), person(demo)
    first = services.team_join_request(actor=accepted, team=reading)
    second = services.team_join_request(actor=declined, team=reading)
    with django_capture_on_commit_callbacks(execute=True):
        services.team_membership_decide(actor=demo.young_learner, membership=first, approve=True)
        services.team_membership_decide(actor=demo.young_learner, membership=second, approve=False)
    assert Notification.objects.get(recipient=accepted).kind == "team_approved"
    assert Notification.objects.get(recipient=declined).kind == "team_declined"
    first.refresh_from_db()
    assert (first.status, first.decided_by) == ("member", demo.young_learner)
    with pytest.raises(Conflict) as twice:
        services.team_membership_decide(actor=demo.young_learner, membership=second, approve=True)
    assert twice.value.code == "not_requested"
    # The leader's own decisions are not staff acting for others: nothing audited.
    assert not AuditEvent.objects.filter(object_type="community.teammembership").exists()
    # Declined people may ask again: a new row, the history stays.
    services.team_join_request(actor=declined, team=reading)
    assert list(TeamMembership.objects.filter(user=declined).values_list("status", flat=True)) == [
        "declined",
        "requested",
    ]


def test_only_the_leader_and_staff_in_scope_decide_and_staff_are_audited(demo):
    reading = team(demo)
    membership = services.team_join_request(actor=person(demo), team=reading)
    for outsider in (demo.organizer, demo.village_admin, demo.elder_learner, person(demo)):
        with pytest.raises(NotFound):
            services.team_membership_decide(actor=outsider, membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == "requested"
    services.team_membership_decide(actor=demo.town_admin, membership=membership, approve=True)
    assert AuditEvent.objects.get(object_type="community.teammembership").actor == demo.town_admin


def test_members_leave_but_the_leader_hands_over_first(demo):
    reading = team(demo)
    reader = person(demo)
    services.team_membership_decide(
        actor=demo.young_learner, membership=services.team_join_request(actor=reader, team=reading), approve=True
    )
    with pytest.raises(Conflict) as leader_leaves:
        services.team_leave(actor=demo.young_learner, team=reading)
    assert leader_leaves.value.code == "leader_cannot_leave"
    services.team_update(actor=demo.town_admin, team=reading, leader=reader)
    reading.refresh_from_db()
    assert reading.leader == reader
    assert services.team_leave(actor=demo.young_learner, team=reading).status == "left"
    with pytest.raises(Conflict) as not_member:
        services.team_leave(actor=demo.young_learner, team=reading)
    assert not_member.value.code == "not_member"
    # A new leader who was not a member becomes one.
    newcomer = person(demo)
    services.team_update(actor=demo.county_admin, team=reading, leader=newcomer)
    assert TeamMembership.objects.get(team=reading, user=newcomer).status == "member"


def test_a_request_can_be_withdrawn_and_inactive_teams_take_no_requests(demo):
    reading = team(demo)
    reader = person(demo)
    services.team_join_request(actor=reader, team=reading)
    assert services.team_leave(actor=reader, team=reading).status == "left"
    services.team_update(actor=demo.town_admin, team=reading, is_active=False)
    with pytest.raises(NotFound):
        services.team_join_request(actor=reader, team=reading)
