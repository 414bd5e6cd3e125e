"""A birth year in a request lies from 1900 to this year, and the OpenAPI document says so: a
client generated from it never sends a year the server refuses as lying in the future (make fuzz
found POST /learners and /me/family refusing years the document allowed)."""

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.testkit.api import ApiClient

BODIES = {
    "/api/v1/learners": "LearnerIn",
    "/api/v1/me/family": "RelativeIn",
    "/api/v1/auth/signup": "SignUpIn",
}


@pytest.mark.parametrize(("path", "component"), BODIES.items())
def test_the_document_gives_a_birth_year_its_range(db, path, component):
    document = Client().get("/api/v1/openapi.json").json()
    body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{component}"}
    birth_year = document["components"]["schemas"][component]["properties"]["birth_year"]
    assert birth_year["type"] == "integer"
    assert birth_year["minimum"] == 1900 and birth_year["maximum"] == timezone.localdate().year


def test_this_year_is_taken_and_next_year_refused(demo):
    this_year = timezone.localdate().year
    village = demo.elder_learner.home_region.code
    staff = ApiClient(demo.village_admin)
    family = ApiClient(demo.young_learner)
    for year, status in ((this_year + 1, 422), (1899, 422), (this_year, 201)):
        learner = staff.post("/learners", {"name": f"新生{year}", "home_region": village, "birth_year": year})
        relative = family.post("/me/family", {"name": f"亲属{year}", "home_region": village, "birth_year": year})
        assert (learner.status_code, relative.status_code) == (status, status), (learner.json(), relative.json())
        assert User.objects.filter(birth_year=year).count() == (2 if status == 201 else 0)
