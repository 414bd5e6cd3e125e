"""The public programme and team pages, the leader's work on the team page, and fixed query
counts on every list and page (pinned at two sizes)."""

import re

import pytest
from django.test import Client

from lifelong.activities.tests.helpers import new_learner
from lifelong.community import services
from lifelong.community.models import TeamMembership
from lifelong.passport.tests.helpers import attend, course, enrol
from lifelong.testkit.api import ApiClient
from lifelong.testkit.regions import GANPU, TONGYUAN, WUYUAN

from .helpers import brand, person, team


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_programme_page_shows_story_years_figures_and_activities(demo):
    programme = brand(demo, slug="new-farmers", story="把课堂搬到田间。", story_en="Classes in the fields.")
    activity = course(demo, sessions=1, programme=programme, title="新农民讲堂：稻田种养")
    learner = new_learner(demo)
    enrol(activity, learner)
    attend(demo, activity.sessions.get(), learner)
    page = Client().get("/programmes/new-farmers/").content.decode()
    assert "新农民讲堂" in page and "把课堂搬到田间。" in page and "2014" in page and "通元镇" in page
    figures = re.search(r'data-testid="programme-figures".*?</table>', page, re.S).group(0)
    assert re.search(r'data-figure="people_served"><th scope="row">[^<]+</th><td>1</td>', figures)
    assert re.search(r'data-figure="hours"><th scope="row">[^<]+</th><td>1.5</td>', figures)
    activities = re.search(r'data-testid="programme-activities".*?</section>', page, re.S).group(0)
    assert "新农民讲堂：稻田种养" in activities
    english = Client(headers={"accept-language": "en"}).get("/programmes/new-farmers/").content.decode()
    assert "Lectures for New Farmers" in english and "Classes in the fields." in english
    assert Client().get("/programmes/no-such-brand/").status_code == 404


def test_the_programme_list_filters_by_town_and_level(demo):
    brand(demo, town=TONGYUAN, slug="new-farmers")
    brand(demo, town=GANPU, slug="colorful", name="七彩课堂", level="county")
    page = Client().get("/programmes/", {"region": GANPU}).content.decode()
    assert "七彩课堂" in page and "新农民讲堂" not in page
    page = Client().get("/programmes/", {"level": "county"}).content.decode()
    assert "七彩课堂" in page and "新农民讲堂" not in page
    assert Client().get("/programmes/", {"region": "nonsense"}).status_code == 200  # ignored, not an error


def test_the_members_list_is_for_the_leader_and_staff_in_scope_only(demo, verified_client):
    reading = team(demo, region=WUYUAN)
    reader = person(demo, name="张志明")
    services.team_join_request(actor=reader, team=reading)
    for client in (Client(), _signed_in(reader), _signed_in(demo.elder_learner), verified_client(demo.organizer)):
        page = client.get(f"/teams/{reading.pk}/").content.decode()
        assert 'data-testid="team-members"' not in page and "张志明" not in page
        assert demo.young_learner.name in page  # the leader's name is public
    for client in (
        _signed_in(demo.young_learner),
        verified_client(demo.town_admin),
        verified_client(demo.county_admin),
    ):
        page = client.get(f"/teams/{reading.pk}/").content.decode()
        assert 'data-testid="team-members"' in page and "张志明" in page
    assert reader.phone not in _signed_in(demo.young_learner).get(f"/teams/{reading.pk}/").content.decode()


def test_a_person_asks_to_join_and_the_leader_lets_them_in_on_the_team_page(demo):
    reading = team(demo)
    reader = person(demo)
    client = _signed_in(reader)
    assert 'data-testid="team-join"' in client.get(f"/teams/{reading.pk}/").content.decode()
    assert client.post(f"/teams/{reading.pk}/join/").status_code == 302
    client.post(f"/teams/{reading.pk}/join/")  # a second click changes nothing
    membership = TeamMembership.objects.get(team=reading, user=reader)
    assert membership.status == "requested"
    assert client.post(f"/memberships/{membership.pk}/approve/").status_code == 404  # not theirs to decide
    leader = _signed_in(demo.young_learner)
    assert leader.post(f"/memberships/{membership.pk}/approve/").status_code == 302
    membership.refresh_from_db()
    assert membership.status == "member"
    assert leader.post(f"/memberships/{membership.pk}/maybe/").status_code == 404
    assert client.post(f"/teams/{reading.pk}/leave/").status_code == 302
    membership.refresh_from_db()
    assert membership.status == "left"
    assert Client().post(f"/teams/{reading.pk}/join/").status_code == 302  # sign in first
    assert not TeamMembership.objects.filter(user=None).exists()


def test_inactive_teams_are_hidden_from_the_public(demo, verified_client):
    reading = team(demo)
    services.team_update(actor=demo.county_admin, team=reading, is_active=False)
    assert Client().get(f"/teams/{reading.pk}/").status_code == 404
    assert reading.name not in Client().get("/teams/").content.decode()
    assert _signed_in(demo.young_learner).get(f"/teams/{reading.pk}/").status_code == 200
    assert verified_client(demo.town_admin).get(f"/teams/{reading.pk}/").status_code == 200


def _fill(demo, size: int):
    for n in range(size):
        programme = brand(demo, town=TONGYUAN)
        reading = team(demo, region=TONGYUAN if n % 2 else WUYUAN, leader=person(demo))
        activity = course(demo, sessions=2, programme=programme, team=None)
        for _ in range(2):
            learner = new_learner(demo)
            enrol(activity, learner)
            attend(demo, activity.sessions.first(), learner)
            services.team_join_request(actor=learner, team=reading)
    return programme, reading


@pytest.mark.parametrize("size", [1, 4])
def test_pages_run_a_fixed_number_of_queries(demo, django_assert_num_queries, size):
    programme, reading = _fill(demo, size)
    leader = _signed_in(reading.leader)
    # Pages: the list (or the object), its count or figures, the filter's towns, the
    # activities in one query, the honours; a signed-in page adds session, user, grants,
    # unread notices and the session's save.
    with django_assert_num_queries(3):
        assert Client().get("/programmes/").status_code == 200
    with django_assert_num_queries(7):
        assert Client().get(f"/programmes/{programme.slug}/").status_code == 200
    with django_assert_num_queries(3):
        assert Client().get("/teams/").status_code == 200
    with django_assert_num_queries(3):
        assert Client().get(f"/teams/{reading.pk}/").status_code == 200
    with django_assert_num_queries(12):  # the leader also sees members and requests
        assert leader.get(f"/teams/{reading.pk}/").status_code == 200
    with django_assert_num_queries(2):
        assert ApiClient().get("/programmes").status_code == 200
    with django_assert_num_queries(5):
        assert ApiClient().get(f"/programmes/{programme.slug}").status_code == 200
    with django_assert_num_queries(2):
        assert ApiClient().get("/teams").status_code == 200
    with django_assert_num_queries(1):
        assert ApiClient().get(f"/teams/{reading.pk}").status_code == 200
