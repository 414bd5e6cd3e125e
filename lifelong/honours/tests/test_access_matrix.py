"""Honours in the access-control matrix: persona × (calls, nominations, reviews, awards,
recorded honours) × (console page, API route), checked against an oracle.

The oracle decides from region *codes* (a child's code begins with its parent's), apart from
the policy module: an admin takes part in a call whose region code and their own are prefixes
one of the other (a county call invites the towns and villages below); those whose code
prefixes the call's run it (close, award, review); nominees lie in the nominator's own code.
"""

import pytest
from django.test import Client

from lifelong.accounts.models import User
from lifelong.honours import services
from lifelong.honours.models import Honor, HonorCall, Nomination, Review
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import expect_api, expect_page, is_staff, matrix_world
from lifelong.testkit.regions import COUNTY, GANPU, WUYUAN

from .helpers import open_call, places, staff


@pytest.fixture
def world(demo, verified_client):
    where = places(demo)
    world = matrix_world(demo, verified_client, ganpu_phone="13600000409")
    ganpu_admin = world["actors"]["ganpu_admin"]
    county_call = open_call(demo.county_admin, where.county, accepts=["learner", "team", "institution"])
    wuyuan_call = open_call(demo.town_admin, where.wuyuan, accepts=["team", "learner"])
    ganpu_call = open_call(ganpu_admin, where.ganpu)
    nominations = {
        "elder": services.nomination_create(
            actor=demo.village_admin, call=county_call, kind="learner", recipient=demo.elder_learner, statement="好学"
        ),
        "young": services.nomination_create(
            actor=demo.town_admin, call=county_call, kind="learner", recipient=demo.young_learner, statement="好学"
        ),
        "team": services.nomination_create(
            actor=demo.town_admin, call=wuyuan_call, kind="team", recipient=where.team, statement="共读"
        ),
    }
    newcomer = User.objects.create(name="新学员", home_region=demo.elder_learner.home_region, birth_year=1960)
    return {
        **world,
        "where": where,
        "calls": {COUNTY: county_call, WUYUAN: wuyuan_call, GANPU: ganpu_call},
        "nominations": nominations,
        "newcomer": newcomer,
    }


def takes_part(world, persona: str, call_code: str) -> bool:
    code = world["codes"].get(persona)
    return code is not None and (code.startswith(call_code) or call_code.startswith(code))


def runs(world, persona: str, call_code: str) -> bool:
    code = world["codes"].get(persona)
    return code is not None and call_code.startswith(code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_console_lists_and_forms_open_for_the_right_staff(world, persona):
    client = world["web"][persona]
    expect_page(client.get("/console/honours/"), is_staff(persona), persona)
    opens_calls = persona in ("town_admin", "ganpu_admin", "county_admin")  # a county or a town of their own
    expect_page(client.get("/console/honours/calls/new/"), opens_calls, persona)
    expect_page(client.get("/console/honours/new/"), persona in world["codes"], persona)
    if is_staff(persona):
        listing = client.get("/console/honours/").content.decode()
        for code, call in world["calls"].items():
            assert (f"/console/honours/calls/{call.pk}/" in listing) == takes_part(world, persona, code), code


@pytest.mark.parametrize("persona", PERSONAS)
def test_calls_and_their_nomination_forms_answer_404_outside_scope(world, persona):
    client = world["web"][persona]
    for code, call in world["calls"].items():
        allowed = takes_part(world, persona, code)
        expect_page(client.get(f"/console/honours/calls/{call.pk}/"), allowed, persona)
        expect_page(client.get(f"/console/honours/calls/{call.pk}/nominate/"), allowed, persona)
    elder = world["demo"].elder_learner
    county_call = world["calls"][COUNTY]
    # The learner chosen in ?learner= must lie in the nominator's own subtree.
    allowed = takes_part(world, persona, COUNTY) and runs(world, persona, elder.home_region.code)
    response = client.get(f"/console/honours/calls/{county_call.pk}/nominate/?learner={elder.pk}")
    expect_page(response, allowed, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_nominating_through_the_console_and_the_api_follows_scope(world, persona):
    newcomer, call = world["newcomer"], world["calls"][COUNTY]
    allowed = runs(world, persona, newcomer.home_region.code)
    web = world["web"][persona].post(
        f"/console/honours/calls/{call.pk}/nominate/?learner={newcomer.pk}",
        {"recipient": f"learner:{newcomer.pk}", "statement": "坚持学习"},
    )
    expect_page(web, allowed, persona, ok=302)
    assert Nomination.objects.filter(learner=newcomer).exists() == allowed
    Nomination.objects.filter(learner=newcomer).delete()
    api = ApiClient(world["actors"][persona]).post(
        f"/honor-calls/{call.pk}/nominations", {"kind": "learner", "recipient": newcomer.pk, "statement": "坚持学习"}
    )
    expect_api(api, allowed, persona, ok=201, refused_code="not_found")
    assert Nomination.objects.filter(learner=newcomer).exists() == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_call_api_lists_and_shows_exactly_the_calls_in_scope(world, persona):
    api = ApiClient(world["actors"][persona])
    response = api.get("/honor-calls")
    if persona == "anonymous":
        assert response.status_code == 401
    else:
        expected = {call.pk for code, call in world["calls"].items() if takes_part(world, persona, code)}
        assert {item["id"] for item in response.json()["items"]} == expected
    for code, call in world["calls"].items():
        expect_api(
            api.get(f"/honor-calls/{call.pk}"), takes_part(world, persona, code), persona, refused_code="not_found"
        )
    assert api.get("/honors").status_code == 200  # the roll is public
    assert Client().get("/honors/").status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_closing_reviewing_and_awarding_are_for_those_who_run_the_call(world, persona):
    demo, client, api = world["demo"], world["web"][persona], ApiClient(world["actors"][persona])
    ganpu_call, wuyuan_call = world["calls"][GANPU], world["calls"][WUYUAN]
    allowed = runs(world, persona, GANPU)
    expect_page(client.post(f"/console/honours/calls/{ganpu_call.pk}/close/"), allowed, persona, ok=302)
    assert (HonorCall.objects.get(pk=ganpu_call.pk).status == "closed") == allowed
    if not allowed:
        expect_api(api.post(f"/honor-calls/{ganpu_call.pk}/close"), False, persona, refused_code="not_found")
        assert HonorCall.objects.get(pk=ganpu_call.pk).status == "open"

    services.honour_call_close(actor=demo.town_admin, call=wuyuan_call)
    team = world["nominations"]["team"]
    may_review = runs(world, persona, WUYUAN) and persona != "town_admin"  # the town admin nominated it
    expect_page(client.get(f"/console/honours/nominations/{team.pk}/review/"), runs(world, persona, WUYUAN), persona)
    response = api.post(f"/nominations/{team.pk}/reviews", {"score": 80})
    if persona == "town_admin":
        assert response.status_code == 403 and response.json()["code"] == "own_nomination"
    else:
        expect_api(response, may_review, persona, ok=201, refused_code="not_found")
    assert Review.objects.filter(nomination=team).count() == (1 if may_review else 0)
    allowed = runs(world, persona, WUYUAN)
    web = client.post(f"/console/honours/calls/{wuyuan_call.pk}/award/", {"nominations": [team.pk]})
    expect_page(web, allowed, persona, ok=302)
    assert Honor.objects.filter(team=world["where"].team).exists() == allowed
    if not allowed:
        expect_api(
            api.post(f"/honor-calls/{wuyuan_call.pk}/award", {"nominations": [team.pk]}),
            False,
            persona,
            refused_code="not_found",
        )
        assert not Honor.objects.exists() and HonorCall.objects.get(pk=wuyuan_call.pk).status == "closed"


@pytest.mark.parametrize("persona", PERSONAS)
def test_withdrawing_is_for_the_nominator_and_the_calls_admins(world, persona):
    young = world["nominations"]["young"]  # nominated by the Wuyuan admin in the county call
    allowed = persona in ("town_admin", "county_admin")
    response = world["web"][persona].post(f"/console/honours/nominations/{young.pk}/withdraw/")
    expect_page(response, allowed, persona, ok=302)
    assert (Nomination.objects.get(pk=young.pk).status == "withdrawn") == allowed


def test_reviewers_see_and_score_calls_in_their_region_but_neither_nominate_nor_award(world, verified_client):
    demo = world["demo"]
    county_reviewer = staff("13600000411", "reviewer", Region.objects.get(code=COUNTY), name="县评审")
    ganpu_reviewer = staff("13600000412", "reviewer", Region.objects.get(code=GANPU), name="澉浦评审")
    county_call = world["calls"][COUNTY]
    services.honour_call_close(actor=demo.county_admin, call=county_call)
    elder = world["nominations"]["elder"]
    client = verified_client(county_reviewer)
    assert client.get(f"/console/honours/calls/{county_call.pk}/").status_code == 200
    assert client.get(f"/console/honours/calls/{county_call.pk}/nominate/").status_code == 404
    assert client.post(f"/console/honours/nominations/{elder.pk}/review/", {"score": 77}).status_code == 302
    assert (
        client.post(f"/console/honours/calls/{county_call.pk}/award/", {"nominations": [elder.pk]}).status_code == 404
    )
    assert client.post(f"/console/honours/calls/{county_call.pk}/close/").status_code == 404
    assert Review.objects.get().reviewer == county_reviewer and not Honor.objects.exists()
    other = verified_client(ganpu_reviewer)
    assert other.get(f"/console/honours/calls/{county_call.pk}/").status_code == 404
    assert other.get(f"/console/honours/calls/{world['calls'][GANPU].pk}/").status_code == 200
    response = ApiClient(ganpu_reviewer).post(f"/nominations/{elder.pk}/reviews", {"score": 60})
    assert response.status_code == 404 and Review.objects.count() == 1
