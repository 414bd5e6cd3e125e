"""The honours API: the public roll's contract, and the call flow with its error codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.honours import services
from lifelong.honours.models import Honor, HonorCall, Nomination, Review
from lifelong.testkit.api import ApiClient

from .helpers import CITY_OF_LEARNING, NATIONAL_BRAND, honour_recorded, open_call, places, staff


@pytest.fixture
def where(demo):
    return places(demo)


def call_body(**overrides):
    today = timezone.localdate()
    return {
        "title": "终身学习之星",
        "title_en": "Lifelong learning stars",
        "year": today.year,
        "region": "330424",
        "awarding_body": "海盐县教育局",
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=20)).isoformat(),
        "accepts": ["learner", "team", "programme", "institution", "region"],
        **overrides,
    }


def test_the_public_roll_names_learners_with_their_town_and_filters(demo, where):
    honour_recorded(demo.county_admin, "learner", demo.elder_learner, title="学习之星", level="county", year=2025)
    honour_recorded(demo.county_admin, "programme", where.programme, **NATIONAL_BRAND)
    honour_recorded(demo.county_admin, "region", where.county, **CITY_OF_LEARNING)
    response = ApiClient().get("/honors")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and [item["year"] for item in body["items"]] == [2025, 2017, 2017]
    star = body["items"][0]
    assert star["recipient"] == {
        "kind": "learner",
        "id": None,
        "name": demo.elder_learner.name,
        "name_en": "",
        "region": {"code": "330424105", "name": "通元镇", "name_en": "Tongyuan Town", "level": "town"},
        "url": None,
    }
    assert demo.elder_learner.home_region.code not in response.content.decode()  # the town, not the village
    brand = ApiClient().get("/honors", kind="programme").json()
    assert brand["count"] == 1 and brand["items"][0]["recipient"]["url"] == "/programmes/new-farmers/"
    assert ApiClient().get("/honors", level="provincial", year=2017).json()["items"][0]["recipient"]["region"] == {
        "code": "330424",
        "name": "海盐县",
        "name_en": where.county.name_en,
        "level": "county",
    }
    assert ApiClient().get("/honors", year=2016).json() == {"items": [], "count": 0}
    bad = ApiClient().get("/honors", level="galactic")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_the_call_flow_through_the_api(demo, where, django_capture_on_commit_callbacks):
    county, village, town = ApiClient(demo.county_admin), ApiClient(demo.village_admin), ApiClient(demo.town_admin)
    reviewer = ApiClient(staff("13600000201", "reviewer", where.county))
    created = county.post("/honor-calls", call_body())
    assert created.status_code == 201 and created.json()["status"] == "open"
    call_id = created.json()["id"]
    star = village.post(
        f"/honor-calls/{call_id}/nominations",
        {"kind": "learner", "recipient": demo.elder_learner.pk, "statement": "坚持学习"},
    )
    assert star.status_code == 201, star.json()
    assert set(star.json()["record"]) == {"period", "year", "this_year", "in_all"}
    brand = county.post(
        f"/honor-calls/{call_id}/nominations", {"kind": "programme", "recipient": "new-farmers", "statement": "品牌"}
    )
    assert brand.status_code == 201
    region = county.post(
        f"/honor-calls/{call_id}/nominations", {"kind": "region", "recipient": "330424105", "statement": "通元镇"}
    )
    assert region.status_code == 201
    listed = town.get("/honor-calls").json()
    assert listed["count"] == 1 and listed["items"][0]["nomination_count"] == 3
    assert listed["items"][0]["region"] == {
        "code": "330424",
        "name": "海盐县",
        "name_en": "Haiyan County",
        "level": "county",
    }
    # The Wuyuan admin sees the call, but none of the Tongyuan nominations.
    assert town.get(f"/honor-calls/{call_id}").json()["nominations"] == []
    early = reviewer.post(f"/nominations/{star.json()['id']}/reviews", {"score": 90})
    assert early.status_code == 409 and early.json()["code"] == "call_open"
    assert county.post(f"/honor-calls/{call_id}/close").json() == {"id": call_id, "status": "closed"}
    assert county.post(f"/honor-calls/{call_id}/close").json()["code"] == "call_closed"
    assert reviewer.post(f"/nominations/{star.json()['id']}/reviews", {"score": 90, "comment": "好"}).status_code == 201
    assert county.post(f"/nominations/{star.json()['id']}/reviews", {"score": 80}).status_code == 201
    detail = county.get(f"/honor-calls/{call_id}").json()
    first = next(n for n in detail["nominations"] if n["id"] == star.json()["id"])
    assert first["average_score"] == 85.0 and len(first["reviews"]) == 2
    assert (
        first["recipient"]["id"] == demo.elder_learner.pk and first["nominated_by"]["name"] == demo.village_admin.name
    )
    with django_capture_on_commit_callbacks(execute=True):
        awarded = county.post(f"/honor-calls/{call_id}/award", {"nominations": [star.json()["id"], brand.json()["id"]]})
    assert awarded.status_code == 200
    assert awarded.json()["status"] == "awarded" and len(awarded.json()["honours"]) == 2
    assert Nomination.objects.get(pk=region.json()["id"]).status == "not_awarded"
    assert ApiClient().get("/honors").json()["count"] == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "learner", "recipient": 999999, "statement": "x"}, 404, "not_found"),
        ({"kind": "learner", "recipient": "not-a-number", "statement": "x"}, 404, "not_found"),
        ({"kind": "team", "recipient": 999999, "statement": "x"}, 404, "not_found"),
        ({"kind": "wizard", "recipient": 1, "statement": "x"}, 422, "invalid"),
        ({"kind": "learner", "recipient": 1, "statement": ""}, 422, "invalid"),
        ({"kind": "learner", "recipient": 1, "statement": "x", "record": {"hours": 999}}, 422, "invalid"),
    ],
)
def test_bad_nominations_are_refused_and_write_nothing(demo, where, body, status, code):
    call = open_call(demo.county_admin, where.county, accepts=["learner", "team"])
    response = ApiClient(demo.county_admin).post(f"/honor-calls/{call.pk}/nominations", body)
    assert response.status_code == status and response.json()["code"] == code
    assert not Nomination.objects.exists()


def test_error_codes_of_the_flow(demo, where):
    county, village = ApiClient(demo.county_admin), ApiClient(demo.village_admin)
    call = open_call(demo.county_admin, where.county, accepts=["learner"])
    path = f"/honor-calls/{call.pk}/nominations"
    star = {"kind": "learner", "recipient": demo.elder_learner.pk, "statement": "好学"}
    assert village.post(path, star).status_code == 201
    duplicate = county.post(path, star)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "already_nominated"
    wrong_kind = county.post(path, {"kind": "region", "recipient": "330424", "statement": "x"})
    assert wrong_kind.status_code == 422 and wrong_kind.json()["code"] == "kind_not_accepted"
    outside = village.post(path, {"kind": "learner", "recipient": demo.young_learner.pk, "statement": "x"})
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    premature = county.post(f"/honor-calls/{call.pk}/award", {"nominations": [Nomination.objects.get().pk]})
    assert premature.status_code == 409 and premature.json()["code"] == "call_open"
    county.post(f"/honor-calls/{call.pk}/close")
    closed = county.post(path, {"kind": "learner", "recipient": demo.young_learner.pk, "statement": "x"})
    assert closed.status_code == 409 and closed.json()["code"] == "call_closed"
    nomination_id = Nomination.objects.get().pk
    own = village.post(f"/nominations/{nomination_id}/reviews", {"score": 50})
    assert own.status_code == 404  # a village admin reviews no county call
    assert county.post(f"/nominations/{nomination_id}/reviews", {"score": 0}).status_code == 422
    assert county.post(f"/nominations/{nomination_id}/reviews", {"score": 70}).status_code == 201
    again = county.post(f"/nominations/{nomination_id}/reviews", {"score": 71})
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    assert Review.objects.count() == 1
    empty = county.post(f"/honor-calls/{call.pk}/award", {"nominations": []})
    assert empty.status_code == 422
    unknown = county.post(f"/honor-calls/{call.pk}/award", {"nominations": [nomination_id, 424242]})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_nomination"
    assert not Honor.objects.exists() and HonorCall.objects.get().status == "closed"


def test_own_nominations_are_not_reviewed_by_their_nominator(demo, where):
    county = ApiClient(demo.county_admin)
    call = open_call(demo.county_admin, where.county, accepts=["team"])
    made = county.post(
        f"/honor-calls/{call.pk}/nominations", {"kind": "team", "recipient": where.team.pk, "statement": "x"}
    )
    county.post(f"/honor-calls/{call.pk}/close")
    own = county.post(f"/nominations/{made.json()['id']}/reviews", {"score": 99})
    assert own.status_code == 403 and own.json()["code"] == "own_nomination"


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"region": "330424999999"}, 404, "not_found"),  # no such region
        ({"accepts": []}, 422, "invalid"),
        ({"accepts": ["dragons"]}, 422, "invalid"),
        ({"closes_on": "2001-01-01"}, 422, "invalid"),
        ({"year": 1800}, 422, "invalid"),
        ({"status": "awarded"}, 422, "invalid"),  # not an input field
    ],
)
def test_bad_calls_are_refused(demo, overrides, status, code):
    response = ApiClient(demo.county_admin).post("/honor-calls", call_body(**overrides))
    assert response.status_code == status and response.json()["code"] == code
    assert not HonorCall.objects.exists()


def test_a_village_is_no_place_for_a_call(demo):
    village = demo.village_admin.role_grants.get().region
    response = ApiClient(demo.village_admin).post("/honor-calls", call_body(region=village.code))
    assert response.status_code == 422 and response.json()["code"] == "wrong_level"


@pytest.mark.parametrize("n", [1, 5])
def test_the_roll_endpoint_runs_a_fixed_number_of_queries(demo, where, django_assert_num_queries, n):
    for i in range(n):
        for kind, recipient in (
            ("region", where.tongyuan),
            ("institution", where.tongyuan_school),
            ("programme", where.programme),
            ("team", where.team),
            ("learner", demo.elder_learner),
        ):
            honour_recorded(demo.county_admin, kind, recipient, title="示范", level="county", year=2000 + i)
    with django_assert_num_queries(3):  # the page with every recipient joined, the halls' venues, the count
        body = ApiClient().get("/honors", page_size=100).json()
    assert body["count"] == 5 * n == len(body["items"])


@pytest.mark.parametrize("n", [1, 4])
def test_the_call_endpoint_runs_a_fixed_number_of_queries(demo, where, django_assert_num_queries, n):
    from lifelong.accounts.models import User

    call = open_call(demo.county_admin, where.county)
    village = demo.elder_learner.home_region
    for i in range(n):
        learner = User.objects.create(name=f"学员{i}", home_region=village, birth_year=1960)
        nomination = services.nomination_create(
            actor=demo.village_admin, call=call, kind="learner", recipient=learner, statement="好学"
        )
        Review.objects.create(nomination=nomination, reviewer=demo.county_admin, score=80)
    api = ApiClient(demo.county_admin)
    # Token and grants, the call, the nominations with their scores, their reviews.
    with django_assert_num_queries(5):
        body = api.get(f"/honor-calls/{call.pk}").json()
    assert len(body["nominations"]) == n and body["nominations"][0]["average_score"] == 80.0
