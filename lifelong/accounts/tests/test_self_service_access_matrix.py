"""Access matrix of the self-service account pages and endpoints: who gets what.

Sign-up, password reset and the relative's own-account page are for anyone (a signed-in
person is sent on from the sign-up); handing a family profile over and removing a family
link belong to the family member (and, for the link, the relative): anyone else gets 404."""

import pytest

from lifelong.accounts.models import User
from lifelong.accounts.services import managed_profile_create
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import STAFF_PERSONAS, matrix_clients

OPEN_TO_ALL = ["/accounts/password-reset/", "/accounts/own-account/", "/accounts/signup/villages/"]


@pytest.fixture
def world(demo, verified_client):
    ganpu_admin = User.objects.create_user("13600000009", "ganpu-admin-pass", name="澉浦管理员")
    actors = {name: getattr(demo, name, None) for name in PERSONAS}
    actors["ganpu_admin"] = ganpu_admin
    profile = managed_profile_create(
        actor=demo.young_learner, name="李奶奶", birth_year=1941, home_region=demo.elder_learner.home_region
    )
    # Staff would be sent to two-factor first; verified sessions show the pages themselves. The
    # Ganpu persona here holds no role: a citizen.
    clients = matrix_clients(actors, verified_client, staff=STAFF_PERSONAS - {"ganpu_admin"})
    return {"actors": actors, "clients": clients, "profile": profile}


@pytest.mark.parametrize("persona", PERSONAS)
def test_self_service_pages_by_persona(world, persona):
    client = world["clients"][persona]
    signed_in = persona != "anonymous"
    for url in OPEN_TO_ALL:
        assert client.get(url).status_code == 200, url
    signup = client.get("/accounts/signup/")
    assert signup.status_code == (302 if signed_in else 200)
    # The second steps need a number entered in this session first.
    assert client.get("/accounts/signup/details/").status_code == 302
    assert client.get("/accounts/password-reset/confirm/").status_code == 302

    profile = world["profile"]
    claim = client.get(f"/accounts/family/{profile.pk}/own-account/")
    unlink = client.post(f"/accounts/family/{profile.pk}/unlink/")
    if persona == "anonymous":
        assert claim.status_code == 302 and claim["Location"].startswith("/accounts/login/")
        assert unlink.status_code == 302 and unlink["Location"].startswith("/accounts/login/")
    elif persona == "young_learner":  # the family member
        assert claim.status_code == 200
        assert unlink.status_code == 302  # refused with a message: the profile has no phone yet
    else:
        assert claim.status_code == 404 and unlink.status_code == 404
    profile.refresh_from_db()
    assert profile.managed_by == world["actors"]["young_learner"] and profile.is_managed_profile


@pytest.mark.parametrize("persona", PERSONAS)
def test_self_service_endpoints_answer_alike_with_or_without_a_token(world, persona):
    api = ApiClient(world["actors"][persona])
    assert api.post("/auth/password-reset", {"phone": "13712349999"}).status_code == 202
    response = api.post(
        "/auth/password-reset/confirm", {"phone": "13712349999", "code": "123456", "new_password": "x" * 12}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_code"
    response = api.post(
        "/auth/signup",
        {
            "phone": "13712349999",
            "code": "123456",
            "name": "某人",
            "birth_year": 1980,
            "home_region": world["profile"].home_region.code,
            "password": "a fine long passphrase 1",
        },
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_code"
    # A staff token grants nothing here: nobody can sign up or reset someone else's number.
    assert not User.objects.filter(phone="13712349999").exists()
