"""Learning resources in the access-control matrix: persona × (a resource at each placement)
× (console list, new, edit, publish; API create, change, publish).

The oracle, apart from the policy module: a resource is managed by admins whose region code
prefixes the code of the publishing institution's region, by the organizer of the Tongyuan
community school for that school's resources, and by editors of a region whose code prefixes
it. Outside that, pages and the API answer 404 (sign-in first for visitors)."""

import pytest

from lifelong.accounts import policy
from lifelong.accounts.models import RoleGrant, User
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region
from lifelong.resources import policy as resources_policy
from lifelong.resources.models import Resource
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import covers, expect_page, is_staff, matrix_world

from .helpers import publish_link

TONGYUAN_SCHOOL = ("community_school", "330424105")


@pytest.fixture
def world(demo, verified_client):
    world = matrix_world(demo, verified_client, ganpu_phone="13600000039")
    village = Region.objects.get(code=world["codes"]["village_admin"])
    other_village = Region.objects.filter(parent__code="330424105", name__endswith="村").exclude(pk=village.pk).first()
    places = [
        Institution.objects.get(kind="community_college"),
        Institution.objects.get(kind=TONGYUAN_SCHOOL[0], region__code=TONGYUAN_SCHOOL[1]),
        Institution.objects.get(kind="community_school", region__code="330424001"),
        Institution.objects.get(kind="teaching_point", region=village),
        Institution.objects.get(kind="teaching_point", region=other_village),
        Institution.objects.filter(kind="culture_hall", region__parent__code="330424104").first(),
    ]
    resources = [
        publish_link(demo, title=f"资源{n}", institution=place, publish=n % 2 == 0) for n, place in enumerate(places)
    ]
    return {**world, "resources": resources, "places": places}


def oracle_may(world, persona: str, institution: Institution) -> bool:
    if covers(world["codes"], persona, institution.region.code):
        return True
    return persona == "organizer" and (institution.kind, institution.region.code) == TONGYUAN_SCHOOL


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_console_list_holds_exactly_the_resources_in_scope(world, persona):
    response = world["web"][persona].get("/console/resources/")
    expect_page(response, is_staff(persona), persona)
    if response.status_code == 200:
        listed = {r.pk for r in response.context["page"]}
        expected = {r.pk for r in world["resources"] if oracle_may(world, persona, r.institution)}
        assert listed == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_new_resource_page_offers_exactly_the_institutions_in_scope(world, persona):
    response = world["web"][persona].get("/console/resources/new/")
    expect_page(response, is_staff(persona), persona)
    if response.status_code == 200:
        offered = set(response.context["form"].fields["institution"].queryset.values_list("pk", flat=True))
        expected = {
            i.pk
            for i in Institution.objects.select_related("region").filter(is_active=True)
            if oracle_may(world, persona, i)
        }
        assert offered == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_and_publish_answer_404_outside_scope_and_a_refusal_changes_nothing(world, persona):
    client, actor = world["web"][persona], world["actors"][persona]
    for resource in world["resources"]:
        allowed = oracle_may(world, persona, resource.institution)
        assert resources_policy.may_share_resources_of(actor, resource.institution) == allowed, resource.institution
        expect_page(client.get(f"/console/resources/{resource.pk}/"), allowed, persona)
        before = Resource.objects.get(pk=resource.pk).is_published
        response = client.post(f"/console/resources/{resource.pk}/", {"publish": "0" if before else "1"})
        expect_page(response, allowed, persona, ok=302)
        assert Resource.objects.get(pk=resource.pk).is_published == (not before if allowed else before)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_creates_and_changes_resources_in_scope_only(world, persona):
    api = ApiClient(world["actors"][persona])
    for institution, resource in zip(world["places"], world["resources"], strict=True):
        allowed = oracle_may(world, persona, institution)
        body = {"institution": institution.pk, "title": "链接", "category": "reading", "url": "https://www.nlc.cn/"}
        created = api.post("/resources", body)
        changed = api.client.patch(
            f"/api/v1/resources/{resource.pk}",
            '{"title": "改过的标题"}',
            content_type="application/json",
            headers=api.headers,
        )
        if persona == "anonymous":
            assert created.status_code == 401 and changed.status_code == 401
        else:
            assert created.status_code == (201 if allowed else 404), (persona, institution)
            assert changed.status_code == (200 if allowed else 404), (persona, institution)
        assert (Resource.objects.get(pk=resource.pk).title == "改过的标题") == (allowed and persona != "anonymous")
    expected_new = sum(oracle_may(world, persona, i) for i in world["places"]) if persona != "anonymous" else 0
    assert Resource.objects.filter(title="链接").count() == expected_new


def test_an_editor_publishes_in_their_region_only(world):
    editor = User.objects.create_user("13600000040", "editor-pass-123", name="澉浦编辑")
    RoleGrant.objects.create(user=editor, role="editor", region=Region.objects.get(code="330424104"))
    editor = User.objects.get(pk=editor.pk)
    ganpu_hall, tongyuan_school = world["places"][5], world["places"][1]
    assert resources_policy.may_share_resources_of(editor, ganpu_hall)
    assert not resources_policy.may_share_resources_of(editor, tongyuan_school)
    scope = set(policy.restrict(editor, policy.Action.CHANGE, Resource.objects.all()).values_list("pk", flat=True))
    assert scope == {world["resources"][5].pk}
    api = ApiClient(editor)
    body = {"title": "古镇", "category": "culture", "url": "https://www.haiyan.gov.cn/"}
    assert api.post("/resources", {**body, "institution": ganpu_hall.pk}).status_code == 201
    assert api.post("/resources", {**body, "institution": tongyuan_school.pk}).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_following_a_link_and_recording_an_opening_follow_visibility(world, persona):
    """Published resources open for everyone (an opening is recorded only for someone signed
    in); an unpublished one only for those who manage it, and it records nothing."""
    from lifelong.resources.models import ResourceOpen

    client, user = world["web"][persona], world["actors"][persona]
    api = ApiClient(user) if user else ApiClient()
    for resource, place in zip(world["resources"], world["places"], strict=True):
        followed = client.get(f"/resources/{resource.pk}/open/")
        visible = resource.is_published or (is_staff(persona) and oracle_may(world, persona, place))
        assert followed.status_code == (302 if visible else 404), (persona, resource.title)
        if visible:
            assert followed["Location"] == resource.url
        opened = api.post(f"/resources/{resource.pk}/open")
        expected = 401 if user is None else (204 if resource.is_published else 404)
        assert opened.status_code == expected, (persona, resource.title, opened.status_code)
        recorded = ResourceOpen.objects.filter(resource=resource).exists()
        assert recorded == (user is not None and resource.is_published), (persona, resource.title)
