"""Finding people by name or number: the search goes in a POST body, never in a URL (DESIGN §4),
stays in the searcher's scope, and its text reaches no log line or audit event."""

import logging
import re

import pytest
from django.test import Client

from lifelong.accounts import services
from lifelong.common.models import AuditEvent
from lifelong.testkit.api import ApiClient

NUMBER = "13700002222"


@pytest.fixture
def wuyuan_learner(demo):
    """A learner with a phone in Wuyuan, the town admin's subtree (not the village admin's)."""
    return services.learner_register(
        actor=demo.town_admin,
        name="顾小妹",
        home_region=demo.young_learner.home_region,
        birth_year=1958,
        phone=NUMBER,
        password="set-by-staff-42",
    )


def search(user, body):
    return ApiClient(user).post("/learners/search", body)


def test_the_search_finds_by_part_of_a_name_and_by_a_whole_number_in_any_form(demo, wuyuan_learner):
    for q in ("小妹", "137 0000 2222", "+86 137-0000-2222", NUMBER):
        response = search(demo.town_admin, {"q": q})
        assert response.status_code == 200, (q, response.content)
        found = response.json()
        assert found["count"] == 1, q
        assert found["items"][0]["id"] == wuyuan_learner.pk and found["items"][0]["phone"] == "137****2222"
    # Part of a number is neither a name nor a number: nobody (no guessing numbers digit by digit).
    assert search(demo.town_admin, {"q": "2222"}).json() == {"items": [], "count": 0}


def test_the_search_stays_in_the_searchers_scope(demo, wuyuan_learner):
    """A village admin finds nobody outside their villages, by name or by whole number."""
    for q in ("顾小妹", NUMBER, demo.young_learner.name, demo.young_learner.phone):
        assert search(demo.village_admin, {"q": q}).json() == {"items": [], "count": 0}, q
    elder = search(demo.village_admin, {"q": demo.elder_learner.phone}).json()
    assert [item["id"] for item in elder["items"]] == [demo.elder_learner.pk]
    assert search(demo.county_admin, {"q": NUMBER}).json()["count"] == 1


def test_the_search_pages_like_the_list(demo):
    village = demo.elder_learner.home_region
    made = [
        services.learner_register(actor=demo.village_admin, name=f"欧阳{n}", home_region=village, birth_year=1950)
        for n in ("甲", "乙", "丙", "丁", "戊")
    ]
    expected = [learner.pk for learner in sorted(made, key=lambda learner: (learner.name, learner.pk))]
    first = search(demo.county_admin, {"q": "欧阳", "page": 1, "page_size": 2}).json()
    third = search(demo.county_admin, {"q": "欧阳", "page": 3, "page_size": 2}).json()
    assert first["count"] == third["count"] == 5
    assert [i["id"] for i in first["items"]] == expected[:2] and [i["id"] for i in third["items"]] == expected[4:]
    assert set(first["items"][0]) == set(ApiClient(demo.county_admin).get("/learners").json()["items"][0])
    clamped = search(demo.county_admin, {"q": "欧阳", "page_size": 100_000})
    assert clamped.status_code == 200 and len(clamped.json()["items"]) == 5  # clamped, never refused


def test_only_staff_search(demo):
    response = search(demo.young_learner, {"q": demo.young_learner.name})
    assert response.status_code == 403 and response.json()["code"] == "staff_only"
    assert ApiClient().post("/learners/search", {"q": "钱"}).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"q": "钱" * 51},  # too long
        {"q": "钱\x00"},  # a NUL no person types
        {"q": "   "},
        {"q": ""},
        {},
        {"q": 13700002222},
        {"q": "钱", "page": 0},
        {"q": "钱", "region": "330424"},  # unknown fields are refused, never ignored
    ],
)
def test_bad_searches_answer_422(demo, body):
    response = search(demo.county_admin, body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid" and response.json()["detail"]


def test_a_name_in_the_list_url_is_refused_not_ignored(demo, wuyuan_learner):
    """The old `GET /learners?q=` would now list everyone in scope if `q` were ignored, and the
    caller would take that for matches: it is refused and pointed at the search."""
    api = ApiClient(demo.town_admin)
    for params in ({"q": "顾小妹"}, {"q": ""}, {"q": NUMBER, "page": 1}):
        response = api.get("/learners", **params)
        assert response.status_code == 422, params
        refusal = response.json()
        assert refusal["code"] == "q_not_allowed" and "POST /api/v1/learners/search" in refusal["detail"]
    listing = api.get("/learners", page_size=100).json()  # without a name, the list stays
    assert wuyuan_learner.pk in {item["id"] for item in listing["items"]}


def test_the_openapi_document_has_the_search_and_no_name_in_the_list_query(demo):
    document = Client().get("/api/v1/openapi.json").json()
    search_operation = document["paths"]["/api/v1/learners/search"]["post"]
    assert "requestBody" in search_operation
    list_parameters = {p["name"] for p in document["paths"]["/api/v1/learners"]["get"].get("parameters", [])}
    assert list_parameters == {"page", "page_size"}


def test_search_text_reaches_no_log_line_and_no_audit_event(demo, wuyuan_learner, caplog):
    caplog.set_level(logging.DEBUG)
    before = AuditEvent.objects.count()
    search(demo.town_admin, {"q": NUMBER})
    search(demo.town_admin, {"q": "顾小妹"})
    search(demo.town_admin, {"q": NUMBER + "x" * 60})  # refused: 422
    ApiClient(demo.town_admin).get("/learners", q="顾小妹")  # refused: 422, logged by django.request
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Unprocessable" in logged  # the refusals were logged: by their path only
    assert NUMBER not in logged and "顾小妹" not in logged
    assert AuditEvent.objects.count() == before


# --- Console pages: searches for people are POSTed ---------------------------------------------


def test_the_console_learner_search_finds_a_whole_number_in_scope_only(demo, wuyuan_learner, verified_client):
    town = verified_client(demo.town_admin)
    page = town.post("/console/learners/", {"intent": "search", "q": "137 0000 2222"}).content.decode()
    assert "顾小妹" in page and "137****2222" in page and NUMBER not in page
    village = verified_client(demo.village_admin)
    page = village.post("/console/learners/", {"intent": "search", "q": NUMBER}).content.decode()
    assert "顾小妹" not in page and "没有找到学员" in page


def test_a_name_in_the_console_url_filters_nothing(demo, wuyuan_learner, verified_client):
    county = verified_client(demo.county_admin)
    unfiltered = county.get("/console/learners/").context["page"].paginator.count
    response = county.get("/console/learners/", {"q": "顾小妹"})
    assert response.context["query"] == "" and response.context["page"].paginator.count == unfiltered > 1
    assert 'value="顾小妹"' not in response.content.decode()


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)


@pytest.mark.parametrize(
    "url",
    ["/console/learners/", "/console/learners/{elder}/merge/", "/console/audit/"],
)
def test_every_form_that_searches_people_is_posted(demo, verified_client, url):
    page = verified_client(demo.county_admin).get(url.format(elder=demo.elder_learner.pk)).content.decode()
    searches = [(attrs, body) for attrs, body in FORM.findall(page) if 'name="q"' in body]
    assert searches, "the page has its search form"
    for attrs, body in searches:
        assert 'method="post"' in attrs and "csrfmiddlewaretoken" in body, attrs
        assert "hx-get" not in body
