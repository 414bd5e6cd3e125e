import pytest

from lifelong.common.errors import Conflict, NotFound
from lifelong.common.models import AuditEvent
from lifelong.institutions.models import Institution, Venue
from lifelong.institutions.services import institution_create, institution_update, venue_create, venue_update
from lifelong.regions.models import Region


@pytest.fixture
def wuyuan_village(demo) -> Region:
    return Region.objects.filter(parent__code="330424001").last()


def test_a_town_admin_adds_an_institution_in_their_town_and_it_is_audited(demo, wuyuan_village):
    institution = institution_create(
        actor=demo.town_admin,
        region=wuyuan_village,
        kind="social_organization",
        name="武原书法协会",
        name_en="Wuyuan Calligraphy Society",
    )
    event = AuditEvent.objects.get(action="created", object_id=str(institution.pk))
    assert event.actor == demo.town_admin and event.changes["name"] == "武原书法协会"


def test_creating_outside_scope_answers_not_found_and_writes_nothing(demo):
    ganpu = Region.objects.get(code="330424104")
    before = Institution.objects.count()
    with pytest.raises(NotFound):
        institution_create(actor=demo.town_admin, region=ganpu, kind="school", name="外镇学校")
    assert Institution.objects.count() == before
    assert not AuditEvent.objects.filter(action="created").exists()


def test_an_edit_may_not_move_an_institution_out_of_scope(demo, wuyuan_village):
    institution = Institution.objects.filter(region=wuyuan_village, kind="teaching_point").get()
    ganpu = Region.objects.get(code="330424104")
    with pytest.raises(NotFound):
        institution_update(actor=demo.town_admin, institution=institution, region=ganpu)
    institution.refresh_from_db()
    assert institution.region == wuyuan_village


def test_duplicate_names_are_a_conflict_on_the_name_field(demo, wuyuan_village):
    existing = Institution.objects.filter(region=wuyuan_village).first()
    with pytest.raises(Conflict) as error:
        institution_create(actor=demo.town_admin, region=wuyuan_village, kind="school", name=existing.name)
    assert error.value.code == "duplicate"


def test_only_changed_fields_are_written_and_audited(demo, wuyuan_village):
    institution = Institution.objects.filter(region=wuyuan_village, kind="teaching_point").get()
    institution_update(actor=demo.town_admin, institution=institution, address="海盐大道 1 号", name=institution.name)
    event = AuditEvent.objects.get(action="updated")
    assert event.changes == {"address": "海盐大道 1 号"}


def test_venues_are_created_and_edited_in_scope_only(demo, wuyuan_village):
    point = Institution.objects.filter(region=wuyuan_village, kind="teaching_point").get()
    venue = venue_create(
        actor=demo.town_admin,
        institution=point,
        name="二楼教室",
        name_en="Upstairs room",
        capacity=25,
        accessibility_notes="无电梯",
    )
    assert venue.capacity == 25
    venue_update(actor=demo.town_admin, venue=venue, capacity=30)
    venue.refresh_from_db()
    assert venue.capacity == 30
    outside = Venue.objects.filter(institution__region__code__startswith="330424104").first()
    with pytest.raises(NotFound):
        venue_update(actor=demo.town_admin, venue=outside, capacity=1)
    with pytest.raises(NotFound):
        venue_update(actor=demo.town_admin, venue=venue, institution=outside.institution)


def test_console_forms_offer_only_regions_in_scope_and_reject_others(demo, verified_client):
    client = verified_client(demo.village_admin)
    page = client.get("/console/institutions/new/").content.decode()
    village = demo.village_admin.role_grants.get().region
    assert f'value="{village.pk}"' in page
    ganpu = Region.objects.get(code="330424104")
    assert f'value="{ganpu.pk}"' not in page
    response = client.post("/console/institutions/new/", {"kind": "school", "name": "越界", "region": ganpu.pk})
    assert response.status_code == 200 and not Institution.objects.filter(name="越界").exists()


def test_console_lists_run_the_same_number_of_queries_whatever_their_size(demo, verified_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lifelong.accounts.models import RoleGrant, User

    client = verified_client(demo.town_admin)
    urls = ("/console/institutions/", "/console/venues/", "/console/learners/", "/console/roles/")

    def query_counts() -> list[int]:
        counts = []
        for url in urls:
            client.get(url)  # the first request may refresh the session
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    before = query_counts()
    villages = list(Region.objects.filter(parent__code="330424001"))
    for n in range(30):
        place = institution_create(
            actor=demo.town_admin, region=villages[n % len(villages)], kind="school", name=f"新学校{n}"
        )
        venue_create(actor=demo.town_admin, institution=place, name="教室", capacity=20)
        user = User.objects.create_user(f"1370000{n:04d}", None, name=f"学员{n}", home_region=place.region)
        RoleGrant.objects.create(user=user, role="instructor", institution=place)
    assert query_counts() == before


def test_the_audit_log_keeps_contact_phones_masked(demo, wuyuan_village):
    institution = institution_create(
        actor=demo.town_admin,
        region=wuyuan_village,
        kind="social_organization",
        name="武原志愿者协会",
        contact_phone="13812345678",
    )
    event = AuditEvent.objects.get(action="created", object_id=str(institution.pk))
    assert event.changes["contact_phone"] == "138****5678"
