"""In a real browser: a learner asks to join the Hanfen Reading Team and its leader, a
citizen who is not staff, lets them in on the team page."""

import re

import pytest
from playwright.sync_api import expect

from lifelong.community.models import TeamMembership
from lifelong.testkit.browser import sign_in

from .helpers import person, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hanfen(county):
    leader = person(county, name="陆书萍")
    leader.set_password("lifelong-demo")
    leader.save(update_fields=["password"])
    return team(county, leader=leader, name="涵芬读书会", name_en="Hanfen Reading Team"), leader


def test_a_learner_asks_to_join_the_hanfen_reading_team_and_the_leader_lets_them_in(hanfen, page, new_page):
    reading, leader = hanfen
    leader_page = new_page()  # the leader's own browser
    sign_in(page, "13900000006")
    page.goto("/teams/")
    page.get_by_role("link", name="涵芬读书会").click()
    expect(page).to_have_url(re.compile(rf"/teams/{reading.pk}/$"))
    expect(page.get_by_test_id("team-members")).to_have_count(0)  # not for a visitor's eyes
    page.get_by_test_id("team-join").get_by_role("button").click()
    expect(page.get_by_test_id("my-membership")).to_be_visible()
    assert TeamMembership.objects.get(team=reading, user__phone="13900000006").status == "requested"

    sign_in(leader_page, leader.phone)
    leader_page.goto(f"/teams/{reading.pk}/")
    request_row = leader_page.get_by_test_id("team-request").filter(has_text="李伟")
    expect(request_row).to_be_visible()
    request_row.get_by_test_id("approve").click()
    expect(leader_page.get_by_test_id("team-member-list")).to_contain_text("李伟")
    expect(leader_page.get_by_test_id("team-requests")).to_have_count(0)
    expect(leader_page.get_by_test_id("team-member-count")).to_have_text("2")

    page.reload()
    expect(page.get_by_test_id("my-membership")).to_be_visible()
    assert TeamMembership.objects.get(team=reading, user__phone="13900000006").status == "member"
    page.goto("/me/notices/")
    expect(page.get_by_test_id("notices")).to_contain_text("涵芬读书会")
