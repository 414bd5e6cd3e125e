import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifelong.accounts.models import User
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["detail"]


def test_token_for_a_learner_then_me(demo):
    api = ApiClient()
    response = api.post("/auth/token", {"phone": "+86 13900000005", "password": demo.password})
    assert response.status_code == 200
    token = response.json()["token"]
    api.headers["Authorization"] = f"Bearer {token}"
    me = api.get("/me").json()
    assert me["name"] == demo.elder_learner.name and me["roles"] == []
    assert me["home_region"]["level"] == "village"


def test_token_refusals(demo):
    api = ApiClient()
    assert_error(api.post("/auth/token", {"phone": "13900000005", "password": "nope-nope"}), 401, "invalid_credentials")
    assert_error(api.post("/auth/token", {"phone": "123", "password": "x"}), 422, "invalid_phone")
    assert_error(api.post("/auth/token", {"phone": "13900000005"}), 422, "invalid")
    assert_error(api.post("/auth/token", raw="{not json"), 400, "invalid_json")
    assert_error(api.post("/auth/token", {"phone": 13900000005, "password": demo.password}), 422, "invalid")
    assert_error(
        api.post("/auth/token", {"phone": "13900000005", "password": demo.password, "is_superuser": True}),
        422,
        "invalid",
    )


def test_staff_need_a_totp_code_for_a_token(demo):
    api = ApiClient()
    body = {"phone": "13900000003", "password": demo.password}
    assert_error(api.post("/auth/token", body), 401, "otp_required")
    device = TOTPDevice.objects.create(user=demo.village_admin, name="phone", confirmed=True)
    assert_error(api.post("/auth/token", {**body, "otp": "000000"}), 401, "invalid_otp")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert api.post("/auth/token", {**body, "otp": code}).status_code == 200


def test_the_token_endpoint_locks_an_account_after_repeated_failures(demo):
    api = ApiClient()
    for _ in range(5):
        api.post("/auth/token", {"phone": "13900000006", "password": "wrong-password"})
    assert_error(api.post("/auth/token", {"phone": "13900000006", "password": demo.password}), 429, "locked")


def test_requests_without_or_with_a_bad_token_answer_401(demo):
    assert_error(ApiClient().get("/me"), 401, "not_authenticated")
    api = ApiClient()
    api.headers["Authorization"] = "Bearer made-up"
    assert_error(api.get("/me"), 401, "not_authenticated")


def village(demo) -> Region:
    return demo.elder_learner.home_region


def test_a_village_admin_registers_a_villager_without_a_phone(demo):
    api = ApiClient(demo.village_admin)
    response = api.post("/learners", {"name": "沈阿大", "home_region": village(demo).code, "birth_year": 1946})
    assert response.status_code == 201
    learner = User.objects.get(pk=response.json()["id"])
    assert learner.is_managed_profile and not learner.has_usable_password()
    assert learner.created_by == demo.village_admin
    detail = api.get(f"/learners/{learner.pk}").json()
    assert detail["managed_profile"] is True and detail["phone"] == ""


def test_a_town_admin_registers_a_learner_with_phone_and_password(demo):
    wuyuan_village = Region.objects.filter(parent__code="330424001").last()
    api = ApiClient(demo.town_admin)
    response = api.post(
        "/learners",
        {
            "name": "顾小妹",
            "home_region": wuyuan_village.code,
            "birth_year": 1958,
            "phone": "137 0000 2222",
            "password": "set-by-staff-42",
        },
    )
    assert response.status_code == 201
    learner = User.objects.get(pk=response.json()["id"])
    assert learner.phone == "13700002222" and learner.must_change_password
    listed = api.post("/learners/search", {"q": "顾小妹"}).json()
    assert listed["count"] == 1 and listed["items"][0]["phone"] == "137****2222"
    assert_error(
        api.post(
            "/learners",
            {"name": "重复", "home_region": wuyuan_village.code, "birth_year": 1960, "phone": "13700002222"},
        ),
        409,
        "phone_taken",
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "x", "home_region": "330424104201", "birth_year": 1950}, 404, "not_found"),  # Ganpu: outside
        ({"name": "x", "home_region": "999999999999", "birth_year": 1950}, 404, "not_found"),
        ({"name": "x", "home_region": "330424105", "birth_year": 1950}, 404, "not_found"),  # the town: above scope
        ({"name": "x", "home_region": "VILLAGE", "birth_year": "old"}, 422, "invalid"),
        ({"name": "", "home_region": "VILLAGE", "birth_year": 1950}, 422, "invalid"),
        ({"name": "x", "home_region": "VILLAGE", "birth_year": 1950, "role": "county_admin"}, 422, "invalid"),
        ({"name": "x", "home_region": "VILLAGE", "birth_year": 1950, "phone": "555"}, 422, "invalid_phone"),
        (
            {"name": "x", "home_region": "VILLAGE", "birth_year": 1950, "phone": "13700003333", "password": "123"},
            422,
            "weak_password",
        ),
        (
            {"name": "x", "home_region": "VILLAGE", "birth_year": 1950, "password": "long-enough-pass"},
            422,
            "password_without_phone",
        ),
    ],
)
def test_bad_learner_registrations_are_refused_and_change_nothing(demo, body, status, code):
    body = {k: (village(demo).code if v == "VILLAGE" else v) for k, v in body.items()}
    before = User.objects.count()
    assert_error(ApiClient(demo.village_admin).post("/learners", body), status, code)
    assert User.objects.count() == before


def test_learners_cannot_register_others_and_learner_detail_is_scoped(demo):
    body = {"name": "x", "home_region": village(demo).code, "birth_year": 1950}
    assert_error(ApiClient(demo.young_learner).post("/learners", body), 403, "staff_only")
    assert_error(ApiClient().post("/learners", body), 401, "not_authenticated")
    # The Wuyuan town admin cannot see a Tongyuan learner: 404, as if it did not exist.
    assert_error(ApiClient(demo.town_admin).get(f"/learners/{demo.elder_learner.pk}"), 404, "not_found")
    assert ApiClient(demo.village_admin).get(f"/learners/{demo.elder_learner.pk}").status_code == 200


def test_a_token_can_be_revoked_and_a_password_change_revokes_all(demo):
    from lifelong.accounts.services import password_change

    api = ApiClient(demo.young_learner)
    assert api.client.delete("/api/v1/auth/token", headers=api.headers).status_code == 204
    assert_error(api.get("/me"), 401, "not_authenticated")
    first, second = ApiClient(demo.young_learner), ApiClient(demo.young_learner)
    password_change(user=demo.young_learner, current_password=demo.password, new_password="a brand new phrase")
    assert_error(first.get("/me"), 401, "not_authenticated")
    assert_error(second.get("/me"), 401, "not_authenticated")


def test_a_token_issued_before_a_staff_role_gains_no_staff_powers(demo):
    api = ApiClient()
    token = api.post("/auth/token", {"phone": "13900000006", "password": demo.password}).json()["token"]
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.get("/me").status_code == 200
    from lifelong.accounts.models import RoleGrant

    RoleGrant.objects.create(user=demo.young_learner, role="village_admin", region=village(demo))
    body = {"name": "借旧令牌", "home_region": village(demo).code, "birth_year": 1950}
    assert_error(api.post("/learners", body), 401, "not_authenticated")
    assert not User.objects.filter(name="借旧令牌").exists()


def test_a_wrong_otp_on_the_token_endpoint_is_audited(demo):
    from lifelong.common.models import AuditEvent

    TOTPDevice.objects.create(user=demo.village_admin, name="phone", confirmed=True)
    ApiClient().post("/auth/token", {"phone": "13900000003", "password": demo.password, "otp": "000000"})
    assert AuditEvent.objects.filter(action="login_failed", actor=demo.village_admin, summary="otp").exists()


@pytest.mark.parametrize(
    ("path", "params"),
    [("/institutions", {"region": "330424\x00"}), ("/learners", {"page": "1\x00"}), ("/regions", {"page_size": -1})],
)
def test_nul_characters_and_bad_sizes_in_queries_are_422(demo, path, params):
    assert_error(ApiClient(demo.county_admin).get(path, **params), 422, "invalid")


@pytest.mark.parametrize("field", ["name", "home_region", "phone"])
def test_nul_characters_in_bodies_are_422_and_change_nothing(demo, field):
    body = {"name": "正常", "home_region": village(demo).code, "birth_year": 1950, "phone": "13700009999"}
    body[field] = body[field] + "\x00"
    before = User.objects.count()
    assert_error(ApiClient(demo.village_admin).post("/learners", body), 422, "invalid")
    assert User.objects.count() == before


def test_a_birth_year_in_the_future_is_refused(demo):
    from django.utils import timezone

    body = {"name": "未来", "home_region": village(demo).code, "birth_year": timezone.localdate().year + 1}
    assert_error(ApiClient(demo.village_admin).post("/learners", body), 422, "invalid")


def test_lone_surrogates_are_refused_not_a_server_error(demo):
    body = '{"name": "x", "home_region": "\\ud800", "birth_year": 1950}'
    assert_error(ApiClient(demo.village_admin).post("/learners", raw=body), 422, "invalid")


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/nope", 404, "not_found"),
        ("get", "/api/nothing", 404, "not_found"),
        ("delete", "/api/v1/regions", 405, "method_not_allowed"),
        ("put", "/api/v1/auth/token", 405, "method_not_allowed"),
    ],
)
def test_every_api_error_is_json_in_the_contract(db, method, path, status, code):
    response = getattr(Client(), method)(path)
    assert response.status_code == status and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == code


def test_an_oversized_body_is_a_json_4xx(demo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = ApiClient(demo.village_admin).post("/learners", raw='{"name": "' + "x" * 5000 + '"}')
    assert 400 <= response.status_code < 500 and response["Content-Type"].startswith("application/json")


def test_registering_with_a_number_counts_against_the_staff_members_lookup_allowance(demo, settings, fixed_now):
    """`phone_taken` tells whether a number is registered anywhere: each registration with a
    number is a number lookup, counted like the desk's (429 `throttled` past the allowance)."""
    settings.DESK_LOOKUPS_PER_HOUR = 2
    api = ApiClient(demo.village_admin)
    code = village(demo).code

    def register(name: str, phone: str | None = None):
        body = {"name": name, "home_region": code, "birth_year": 1950}
        return api.post("/learners", {**body, "phone": phone} if phone else body)

    assert register("甲", "13711110001").status_code == 201
    assert_error(register("乙", demo.young_learner.phone), 409, "phone_taken")
    assert register("丙").status_code == 201  # no number: no lookup
    users = User.objects.count()
    refused = register("丁", "13711110002")
    assert_error(refused, 429, "throttled")
    assert "2" in refused.json()["detail"] and "小时" in refused.json()["detail"]
    # A taken number answers the same: nothing is looked up past the allowance.
    assert register("戊", demo.young_learner.phone).json() == refused.json()
    assert User.objects.count() == users and not User.objects.filter(phone="13711110002").exists()
    # Another staff account has its own allowance.
    other = ApiClient(demo.county_admin).post(
        "/learners", {"name": "丁", "home_region": code, "birth_year": 1950, "phone": "13711110002"}
    )
    assert other.status_code == 201


def test_refusals_from_the_input_checks_are_in_the_requests_language(demo):
    """A future birth year (registering a learner, adding a relative) and a blank search say
    so in Chinese, the default language."""
    from lifelong.accounts.forms import latest_birth_year

    staff = ApiClient(demo.village_admin)
    future = latest_birth_year() + 1
    body = {"name": "未来", "home_region": village(demo).code, "birth_year": future}
    users = User.objects.count()
    for api, path in ((staff, "/learners"), (ApiClient(demo.young_learner), "/me/family")):
        refused = api.post(path, body)
        assert_error(refused, 422, "invalid")
        assert "出生年份不能晚于今年" in refused.json()["detail"], refused.json()
    assert User.objects.count() == users
    blank = staff.post("/learners/search", {"q": "  "})
    assert_error(blank, 422, "invalid")
    assert "请输入" in blank.json()["detail"], blank.json()
