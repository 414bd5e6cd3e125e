import re

from django.test import Client

from lifelong.institutions.models import Institution, Venue
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient


def test_regions_is_a_flat_list_of_every_region_named_by_code(demo):
    body = ApiClient().get("/regions").json()
    assert body["count"] == Region.objects.count() == len(body["items"])
    county, first_town = body["items"][0], body["items"][1]
    assert county == {
        "code": "330424",
        "name": "海盐县",
        "name_en": "Haiyan County",
        "level": "county",
        "parent": None,
        "population": 456775,
    }
    assert first_town["parent"] == "330424" and first_town["level"] == "town"


def test_institutions_filter_by_region_subtree_and_kind(demo):
    api = ApiClient()
    tongyuan = api.get("/institutions", region="330424105", page_size=500).json()
    expected = Institution.objects.filter(region__path__startswith=Region.objects.get(code="330424105").path)
    assert tongyuan["count"] == expected.count()
    assert {i["region"]["code"][:9] for i in tongyuan["items"]} == {"330424105"}
    item = tongyuan["items"][0]
    assert set(item) >= {"id", "name", "kind", "region"} and set(item["region"]) >= {"code", "name", "level"}
    halls = api.get("/institutions", kind="experience_hall").json()
    assert halls["count"] == 6 and all(i["kind"] == "experience_hall" for i in halls["items"])


def test_page_size_is_clamped_and_pages_do_not_overlap(demo):
    api = ApiClient()
    big = api.get("/institutions", page_size=10**30).json()
    assert len(big["items"]) == 100 and big["count"] == Institution.objects.count()
    first = {i["id"] for i in api.get("/institutions", page=1, page_size=10).json()["items"]}
    second = {i["id"] for i in api.get("/institutions", page=2, page_size=10).json()["items"]}
    assert len(first) == len(second) == 10 and not first & second


def test_list_filters_refuse_bad_values_with_a_code(demo):
    api = ApiClient()
    for response, status, code in [
        (api.get("/institutions", region="000000"), 404, "not_found"),
        (api.get("/institutions", kind="casino"), 422, "invalid"),
        (api.get("/institutions", page=0), 422, "invalid"),
        (api.get("/institutions", page="two"), 422, "invalid"),
        (api.get("/institutions", page=10**20), 422, "invalid"),
        (api.get("/institutions/99999999999999999999999"), 404, "not_found"),
        (api.get("/institutions/999999"), 404, "not_found"),
        (api.get("/venues/abc"), 422, "invalid"),
    ]:
        assert response.status_code == status and response.json()["code"] == code


def test_venues_list_and_detail(demo):
    api = ApiClient()
    ganpu = api.get("/venues", region="330424104", page_size=100).json()
    assert ganpu["count"] == Venue.objects.filter(institution__region__code__startswith="330424104").count()
    venue = ganpu["items"][0]
    assert set(venue) >= {"id", "name", "kind", "region", "capacity", "accessibility_notes"}
    assert api.get(f"/venues/{venue['id']}").json()["id"] == venue["id"]


def test_list_endpoints_run_a_fixed_number_of_queries(demo, django_assert_num_queries):
    api = ApiClient()
    for path in ("/regions", "/institutions", "/venues"):
        with django_assert_num_queries(2):
            api.get(path, page_size=100)


def test_openapi_document_and_docs_page_work_offline(db):
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/auth/token", "/api/v1/regions", "/api/v1/institutions", "/api/v1/venues", "/api/v1/learners"):
        assert path in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in docs
    assert not re.search(r"""(src|href)=["']https?://""", docs)


def test_an_unknown_region_filter_is_a_documented_404(demo):
    """A client generated from the document expects every answer it may get: the lists answer 404
    for a region code that names no region, so the document says they may."""
    schema = Client().get("/api/v1/openapi.json").json()
    for path in ("/institutions", "/venues"):
        response = ApiClient().get(path, region="999999999")
        assert response.status_code == 404 and response.json() == {
            "detail": response.json()["detail"],
            "code": "not_found",
            "field": "region",
        }
        answers = schema["paths"][f"/api/v1{path}"]["get"]["responses"]
        assert "404" in answers and answers["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
