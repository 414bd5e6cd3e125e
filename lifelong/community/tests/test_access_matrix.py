"""Programmes and teams in the access-control matrix: persona × (console lists, create and
edit pages, the members list on the team page and in the API, deciding a request), against
an oracle.

The oracle decides from region codes (a child's code begins with its parent's): a programme
is managed by admins whose code prefixes its town's; a team by admins whose code prefixes
its region's. A team's members are seen, and requests decided, by those admins and by the
team's leader (the young learner leads the Wuyuan team: a citizen, not staff). Everyone else
gets 404; anonymous visitors are sent to sign in (pages) or get 401 (API).
"""

import pytest

from lifelong.community import services
from lifelong.community.models import Programme, Team, TeamMembership
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import covers, expect_api, expect_page, is_staff, matrix_world
from lifelong.testkit.regions import GANPU, TONGYUAN, WUYUAN

from .helpers import brand, person, team


@pytest.fixture
def world(demo, verified_client):
    world = matrix_world(demo, verified_client, ganpu_phone="13600000039")
    village = demo.village_admin.role_grants.get().region
    programmes = [brand(demo, town=code) for code in (WUYUAN, TONGYUAN, GANPU)]
    teams = [
        team(demo, region=WUYUAN),  # led by the young learner
        team(demo, region=village, leader=person(demo, home=village)),
        team(demo, region=GANPU, leader=person(demo)),
    ]
    return {**world, "programmes": programmes, "teams": teams}


def leads(world, persona: str, team: Team) -> bool:
    actor = world["actors"][persona]
    return actor is not None and team.leader_id == actor.pk


@pytest.mark.parametrize("persona", PERSONAS)
def test_console_lists_hold_exactly_the_objects_in_scope(world, persona):
    client = world["web"][persona]
    for url, objects, code_of in [
        ("/console/programmes/", world["programmes"], lambda p: p.town.code),
        ("/console/teams/", world["teams"], lambda t: t.region.code),
    ]:
        response = client.get(url)
        expect_page(response, is_staff(persona), persona)
        if response.status_code == 200:
            page = response.content.decode()
            for obj in objects:
                edit = f'href="{url}{obj.pk}/"'
                assert (edit in page) == covers(world["codes"], persona, code_of(obj)), (url, obj)


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_pages_open_for_admins_who_can_place_the_object(world, persona):
    client = world["web"][persona]
    # A programme needs a town in scope (not a village admin); a team any admin region.
    may_programme = persona in ("town_admin", "ganpu_admin", "county_admin")
    expect_page(client.get("/console/programmes/new/"), may_programme, persona)
    expect_page(client.get("/console/teams/new/"), persona in world["codes"], persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_programme_edit_pages_answer_404_outside_scope_and_a_refused_post_changes_nothing(world, persona):
    client = world["web"][persona]
    for programme in world["programmes"]:
        allowed = covers(world["codes"], persona, programme.town.code)
        expect_page(client.get(f"/console/programmes/{programme.pk}/"), allowed, persona)
        response = client.post(
            f"/console/programmes/{programme.pk}/",
            {
                "slug": programme.slug,
                "name": programme.name + "·改",
                "town": programme.town_id,
                "started_year": programme.started_year,
                "level": programme.level,
            },
        )
        expect_page(response, allowed, persona, ok=302)
        after = Programme.objects.get(pk=programme.pk)
        assert (after.name == programme.name + "·改") == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_team_edit_pages_answer_404_outside_scope_and_a_refused_post_changes_nothing(world, persona):
    client = world["web"][persona]
    for target in world["teams"]:
        allowed = covers(world["codes"], persona, target.region.code)
        expect_page(client.get(f"/console/teams/{target.pk}/"), allowed, persona)
        response = client.post(
            f"/console/teams/{target.pk}/",
            {
                "kind": target.kind,
                "name": target.name + "·改",
                "region": target.region_id,
                "leader_phone": target.leader.phone,
                "is_active": "on",
            },
        )
        expect_page(response, allowed, persona, ok=302)
        assert (Team.objects.get(pk=target.pk).name == target.name + "·改") == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_members_are_seen_and_requests_decided_by_the_leader_and_staff_in_scope_only(world, persona):
    client, api = world["web"][persona], ApiClient(world["actors"][persona])
    for target in world["teams"]:
        allowed = leads(world, persona, target) or covers(world["codes"], persona, target.region.code)
        page = client.get(f"/teams/{target.pk}/")
        assert page.status_code == 200  # the team page itself is public
        assert ('data-testid="team-members"' in page.content.decode()) == allowed, (persona, target)
        expect_api(api.get(f"/teams/{target.pk}/memberships"), allowed, persona)
        by_api = services.team_join_request(actor=person(world["demo"]), team=target)
        expect_api(api.post(f"/memberships/{by_api.pk}/approve"), allowed, persona)
        by_page = services.team_join_request(actor=person(world["demo"]), team=target)
        expect_page(client.post(f"/memberships/{by_page.pk}/decline/"), allowed, persona, ok=302)
        statuses = dict(TeamMembership.objects.filter(pk__in=[by_api.pk, by_page.pk]).values_list("pk", "status"))
        assert statuses == (
            {by_api.pk: "member", by_page.pk: "declined"}
            if allowed
            else {by_api.pk: "requested", by_page.pk: "requested"}
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_signed_in_may_ask_to_join_and_visitors_are_asked_to_sign_in(world, persona):
    target = world["teams"][2]  # Ganpu: nobody among the personas is in it
    response = ApiClient(world["actors"][persona]).post(f"/teams/{target.pk}/join")
    if persona == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 201
    page = world["web"][persona].post(f"/teams/{world['teams'][1].pk}/join/")
    assert page.status_code == 302
    if persona == "anonymous":
        assert "/accounts/login/" in page["Location"]


@pytest.mark.parametrize("size", [1, 3])
def test_console_lists_run_a_fixed_number_of_queries(world, django_assert_num_queries, size):
    for _ in range(size):
        brand(world["demo"], town=WUYUAN)
        team(world["demo"], region=WUYUAN, leader=person(world["demo"]))
    client = world["web"]["town_admin"]
    with django_assert_num_queries(11):
        assert client.get("/console/programmes/").status_code == 200
    with django_assert_num_queries(7):
        assert client.get("/console/teams/").status_code == 200
