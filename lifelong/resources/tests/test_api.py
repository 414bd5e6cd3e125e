"""The resource API: the library list and detail (visibility rules), studying, and staff
sharing links and publishing, in the API's usual contract."""

import json
from datetime import datetime
from decimal import Decimal

import pytest

from lifelong.institutions.models import Institution
from lifelong.passport.models import LearningRecord
from lifelong.resources.models import Resource
from lifelong.testkit.api import ApiClient

from .helpers import publish_link, publish_pdf, tongyuan_school


def patch(api: ApiClient, path: str, body: dict):
    return api.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=api.headers)


def test_the_list_is_paged_items_and_count_with_iso_times(demo):
    pdf = publish_pdf(demo, title="防骗指南", audiences=["elderly", "families"])
    publish_link(demo, title="国家图书馆")
    publish_pdf(demo, title="学员讲义", visibility="signed_in")
    response = ApiClient().get("/resources")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and {item["title"] for item in data["items"]} == {"防骗指南", "国家图书馆"}
    item = next(i for i in data["items"] if i["id"] == pdf.pk)
    assert item["kind"] == "document" and item["audiences"] == ["elderly", "families"]
    assert item["region"] == {"code": "330424105", "name": "通元镇", "name_en": "Tongyuan Town", "level": "town"}
    assert item["institution"]["id"] == tongyuan_school().pk
    assert item["file_url"] == f"/resources/{pdf.pk}/file" and item["content_type"] == "application/pdf"
    assert item["url"] is None and Decimal(item["hours"]) == Decimal("1.5")
    assert datetime.fromisoformat(item["published_at"]).utcoffset() is not None
    link = next(i for i in data["items"] if i["title"] == "国家图书馆")
    assert link["url"] == "https://www.nlc.cn/" and link["file_url"] is None
    signed_in = ApiClient(demo.elder_learner).get("/resources")
    assert signed_in.json()["count"] == 3
    paged = ApiClient().get("/resources", page_size=1, page=2)
    assert paged.json()["count"] == 2 and len(paged.json()["items"]) == 1
    assert ApiClient().get("/resources", page_size=10_000).status_code == 200  # clamped, not refused


def test_list_filters_and_bad_filters(demo):
    ganpu_hall = Institution.objects.filter(kind="culture_hall", region__parent__code="330424104").first()
    publish_pdf(demo, title="太极拳入门", category="sports")
    publish_link(demo, title="澉浦古镇", institution=ganpu_hall, audiences=["youth"], category="culture")
    api = ApiClient()

    def found(**params):
        return {item["title"] for item in api.get("/resources", **params).json()["items"]}

    assert found(q="太极") == {"太极拳入门"}
    assert found(category="culture") == {"澉浦古镇"}
    assert found(audience="youth") == {"澉浦古镇"}
    assert found(kind="document") == {"太极拳入门"}
    assert found(region="330424104") == {"澉浦古镇"}
    assert found(region="330424") == {"太极拳入门", "澉浦古镇"}  # the whole subtree
    unknown = api.get("/resources", region="999999")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    bad = api.get("/resources", kind="virus")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"


def test_the_list_endpoint_runs_a_fixed_number_of_queries(demo, django_assert_num_queries):
    for n in range(2):
        publish_pdf(demo, title=f"讲义{n}")
    with django_assert_num_queries(2):
        assert ApiClient().get("/resources").json()["count"] == 2
    for n in range(10):
        publish_link(demo, title=f"链接{n}")
    with django_assert_num_queries(2):
        assert ApiClient().get("/resources").json()["count"] == 12


def test_detail_follows_visibility(demo):
    public = publish_pdf(demo)
    signed_in = publish_pdf(demo, visibility="signed_in")
    draft = publish_pdf(demo, publish=False)
    anonymous, learner = ApiClient(), ApiClient(demo.young_learner)
    response = anonymous.get(f"/resources/{public.pk}")
    assert response.status_code == 200 and response.json()["file_size"] == public.file_size
    assert "summary" in response.json()
    for resource in (signed_in, draft):
        refused = anonymous.get(f"/resources/{resource.pk}")
        assert refused.status_code == 404 and set(refused.json()) == {"detail", "code"}
        assert refused.json()["code"] == "not_found"
    assert learner.get(f"/resources/{signed_in.pk}").status_code == 200
    assert learner.get(f"/resources/{draft.pk}").status_code == 404
    assert ApiClient(demo.organizer).get(f"/resources/{draft.pk}").status_code == 200  # its own publisher


def test_study_gives_hours_once(demo, settings):
    settings.PASSPORT_POINTS_PER_HOUR = 10
    resource = publish_pdf(demo, hours=Decimal("2.5"))
    api = ApiClient(demo.elder_learner)
    unopened = api.post(f"/resources/{resource.pk}/study")
    assert unopened.status_code == 409 and unopened.json()["code"] == "not_opened"
    assert not LearningRecord.objects.exists()
    assert api.post(f"/resources/{resource.pk}/open").status_code == 204
    response = api.post(f"/resources/{resource.pk}/study")
    assert response.status_code == 201
    data = response.json()
    assert Decimal(data["hours"]) == Decimal("2.5") and data["points"] == 25 and data["resource"] == resource.pk
    assert datetime.fromisoformat(data["studied_at"]).utcoffset() is not None
    again = api.post(f"/resources/{resource.pk}/study")
    assert again.status_code == 409 and again.json()["code"] == "already_studied"
    assert LearningRecord.objects.count() == 1
    passport = api.get("/me/passport").json()
    assert Decimal(str(passport["total_hours"])) == Decimal("2.5")
    assert passport["entries"][0]["source"] == "resource"


def test_study_errors(demo):
    no_hours = publish_link(demo)
    hidden = publish_pdf(demo, visibility="signed_in", publish=False)
    assert ApiClient().post(f"/resources/{no_hours.pk}/study").status_code == 401
    api = ApiClient(demo.elder_learner)
    refused = api.post(f"/resources/{no_hours.pk}/study")
    # The request is fine; the resource carries no hours: a conflict with its state, like the other refusals.
    assert refused.status_code == 409 and refused.json()["code"] == "no_hours"
    assert api.post(f"/resources/{hidden.pk}/study").status_code == 404
    assert api.post("/resources/999999/study").status_code == 404
    assert not LearningRecord.objects.exists()


LINK = {
    "title": "国家图书馆数字资源",
    "title_en": "National Library of China",
    "category": "reading",
    "audiences": ["all"],
    "hours": "0.5",
    "visibility": "public",
    "url": "https://www.nlc.cn/",
}


def test_staff_share_a_link_and_publish_it(demo):
    api = ApiClient(demo.organizer)
    response = api.post("/resources", {**LINK, "institution": tongyuan_school().pk})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["kind"] == "link" and data["is_published"] is False and data["url"] == LINK["url"]
    assert ApiClient().get(f"/resources/{data['id']}").status_code == 404  # a draft
    published = patch(api, f"/resources/{data['id']}", {"published": True, "title": "国图数字资源"})
    assert published.status_code == 200
    assert published.json()["is_published"] is True and published.json()["title"] == "国图数字资源"
    assert ApiClient().get(f"/resources/{data['id']}").status_code == 200
    withdrawn = patch(api, f"/resources/{data['id']}", {"published": False})
    assert withdrawn.json()["is_published"] is False and withdrawn.json()["published_at"] is not None


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"url": "javascript:alert(1)"}, 422, "invalid"),
        ({"url": "ftp://example.org/"}, 422, "invalid"),
        ({"title": ""}, 422, "invalid"),
        ({"category": "gossip"}, 422, "invalid"),
        ({"hours": "-1"}, 422, "invalid"),
        ({"visibility": "secret"}, 422, "invalid"),
        ({"kind": "document"}, 422, "invalid"),  # files go through the console
        ({"view_count": 1000}, 422, "invalid"),  # not a field anyone sets
        ({"institution": 999_999}, 404, "not_found"),
    ],
)
def test_bad_link_input_is_refused_and_nothing_is_written(demo, change, status, code):
    response = ApiClient(demo.organizer).post("/resources", {**LINK, "institution": tongyuan_school().pk, **change})
    assert response.status_code == status and response.json()["code"] == code, response.json()
    assert not Resource.objects.exists()


def test_staff_act_in_their_scope_only(demo):
    county_college = Institution.objects.get(kind="community_college")
    organizer = ApiClient(demo.organizer)
    refused = organizer.post("/resources", {**LINK, "institution": county_college.pk})
    assert refused.status_code == 404 and refused.json()["field"] == "institution"
    theirs = publish_link(demo, institution=county_college)
    assert patch(organizer, f"/resources/{theirs.pk}", {"published": False}).status_code == 404
    mine = publish_link(demo, actor=demo.organizer)
    moved = patch(organizer, f"/resources/{mine.pk}", {"institution": county_college.pk})
    assert moved.status_code == 404 and Resource.objects.get(pk=mine.pk).institution == tongyuan_school()
    assert (
        ApiClient(demo.young_learner).post("/resources", {**LINK, "institution": tongyuan_school().pk}).status_code
        == 404
    )
    assert ApiClient().post("/resources", {**LINK, "institution": tongyuan_school().pk}).status_code == 401
    assert Resource.objects.count() == 2


NOT_NULLABLE = ["title", "title_en", "summary", "category", "audiences", "hours", "visibility", "url"]


@pytest.mark.parametrize("name", NOT_NULLABLE)
def test_a_patch_leaves_a_field_out_rather_than_null(demo, name):
    """A field left out of a PATCH stays as it is; null is no value for these, and both the
    document and the server say so (the document took null that the server refused, make fuzz)."""
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["ResourcePatch"]
    assert "null" not in json.dumps(schema["properties"][name])
    link = publish_link(demo, actor=demo.organizer)
    before = Resource.objects.filter(pk=link.pk).values().get()
    response = patch(ApiClient(demo.organizer), f"/resources/{link.pk}", {name: None})
    assert response.status_code == 422 and response.json()["errors"][0]["loc"][-1] == name, response.json()
    assert Resource.objects.filter(pk=link.pk).values().get() == before
