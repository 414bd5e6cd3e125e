import pytest
from django.test import Client

from lifelong.accounts.models import RoleGrant, User
from lifelong.common.models import AuditEvent
from lifelong.notifications.sms import MemorySmsBackend
from lifelong.regions.models import Region


def test_a_village_admin_registers_a_villager_in_the_console_and_the_worker_texts_them(
    demo, verified_client, django_capture_on_commit_callbacks
):
    client = verified_client(demo.village_admin)
    village = demo.village_admin.role_grants.get().region
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/console/learners/",
            {
                "intent": "register",
                "name": "褚阿婆",
                "home_region": village.pk,
                "birth_year": 1944,
                "phone": "13711112222",
                "password": "first-pass-2026",
            },
        )
    assert response.status_code == 302
    learner = User.objects.get(phone="13711112222")
    assert learner.home_region == village and learner.must_change_password
    assert AuditEvent.objects.filter(action="learner_registered", object_id=str(learner.pk)).exists()
    assert [phone for phone, _ in MemorySmsBackend.outbox] == ["13711112222"]
    assert "褚阿婆" in MemorySmsBackend.outbox[0][1] and "first-pass-2026" not in MemorySmsBackend.outbox[0][1]
    listing = client.post("/console/learners/", {"intent": "search", "q": "褚"}).content.decode()
    assert "褚阿婆" in listing and "137****2222" in listing and "13711112222" not in listing
    assert "钱桂英" not in listing


def test_a_managed_profile_gets_no_sms_and_cannot_sign_in(demo, verified_client, django_capture_on_commit_callbacks):
    client = verified_client(demo.village_admin)
    village = demo.village_admin.role_grants.get().region
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/console/learners/",
            {"intent": "register", "name": "无手机老人", "home_region": village.pk, "birth_year": 1939},
        )
    profile = User.objects.get(name="无手机老人")
    assert profile.is_managed_profile and not profile.has_usable_password()
    assert MemorySmsBackend.outbox == []


def test_the_console_offers_only_villages_in_scope_and_refuses_others(demo, verified_client):
    client = verified_client(demo.village_admin)
    page = client.get("/console/learners/").content.decode()
    other = Region.objects.filter(parent__code="330424104").first()
    assert f'value="{other.pk}"' not in page
    before = User.objects.count()
    response = client.post(
        "/console/learners/", {"intent": "register", "name": "越界", "home_region": other.pk, "birth_year": 1950}
    )
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert User.objects.count() == before


def test_a_town_admin_grants_and_removes_an_organizer_role(demo, verified_client):
    client = verified_client(demo.town_admin)
    school = demo.town_admin.role_grants.get().region.institutions.get(kind="community_school")
    response = client.post("/console/roles/", {"phone": "139 0000 0006", "role": "organizer", "institution": school.pk})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=demo.young_learner)
    assert grant.institution == school and grant.granted_by == demo.town_admin
    assert AuditEvent.objects.filter(action="role_granted", actor=demo.town_admin).exists()
    client.post(f"/console/roles/{grant.pk}/revoke/")
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="role_revoked", actor=demo.town_admin).exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"phone": "13812345678", "role": "organizer", "institution": "SCHOOL"}, "unknown person"),
        ({"phone": "13900000006", "role": "county_admin", "region": "WUYUAN"}, "above own"),
        ({"phone": "13900000006", "role": "organizer"}, "no institution"),
        ({"phone": "not a phone", "role": "organizer"}, "bad phone"),
    ],
)
def test_bad_role_grants_are_form_errors_and_change_nothing(demo, verified_client, data, problem):
    client = verified_client(demo.town_admin)
    wuyuan = demo.town_admin.role_grants.get().region
    school = wuyuan.institutions.get(kind="community_school")
    data = {k: {"WUYUAN": wuyuan.pk, "SCHOOL": school.pk}.get(v, v) for k, v in data.items()}
    before = RoleGrant.objects.count()
    response = client.post("/console/roles/", data)
    assert response.status_code == 200, problem
    assert RoleGrant.objects.count() == before


def test_a_family_member_adds_a_relative_without_a_phone(demo, client):
    client.post("/accounts/login/", {"phone": "13900000006", "password": demo.password})
    village = demo.elder_learner.home_region
    response = client.post("/me/", {"name": "李奶奶", "birth_year": 1941, "home_region": village.pk})
    assert response.status_code == 302
    profile = User.objects.get(name="李奶奶")
    assert profile.managed_by == demo.young_learner and profile.is_managed_profile
    assert "李奶奶" in client.get("/me/").content.decode()
    bad = client.post("/me/", {"name": "未来人", "birth_year": 2999, "home_region": village.pk})
    assert bad.status_code == 200 and not User.objects.filter(name="未来人").exists()


@pytest.mark.parametrize("persona", ["county_admin", "town_admin", "young_learner"])
def test_django_admin_is_for_superusers_only(demo, verified_client, persona):
    client = verified_client(getattr(demo, persona))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_verified_superuser_opens_django_admin(db, verified_client):
    root = User.objects.create_superuser("13600000001", "root-pass-long-1", name="运维")
    assert verified_client(root).get("/admin/").status_code == 200
    unverified = Client()
    unverified.force_login(root)
    assert unverified.get("/admin/").status_code == 302


def test_console_pages_are_not_cached(demo, verified_client):
    response = verified_client(demo.town_admin).get("/console/learners/")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_django_admin_sign_in_goes_through_lifelong_sign_in_and_its_lockout(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"
    root = User.objects.create_superuser("13600000002", "root-pass-long-2", name="运维")
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": root.phone, "password": "root-pass-long-2"})
    assert client.get("/admin/").status_code == 302  # admin's own form no longer signs anyone in


def test_the_lockout_key_is_the_normalised_phone_whatever_the_form_calls_it(rf):
    from lifelong.accounts.auth import lockout_username

    request = rf.post("/x/", {})
    assert lockout_username(request, {"username": "+86 136 0000 0002"}) == "13600000002"
    assert lockout_username(request, {"phone": "136-0000-0002"}) == "13600000002"


def test_role_grants_cannot_be_made_in_django_admin(db, verified_client):
    root = User.objects.create_superuser("13600000003", "root-pass-long-3", name="运维")
    client = verified_client(root)
    assert client.get("/admin/accounts/rolegrant/add/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 200


def test_searches_with_nul_characters_change_nothing_and_do_not_fail(demo, verified_client):
    client = verified_client(demo.village_admin)
    assert client.post("/console/learners/", {"intent": "search", "q": "钱\x00"}).status_code == 200
    assert Client().get("/network/%00/").status_code == 404
