"""The access-control matrices' common ground: who acts, a web client for each, the oracle's
table of who administers which region, and the two answers every matrix expects.

Each app's matrix (`<app>/tests/test_access_matrix.py`) builds its own objects and writes its
own oracle apart from the policy module; what is here is only what they all share. The
oracle decides from region *codes*: a child's code begins with its parent's.
"""

from collections.abc import Callable, Iterable, Mapping

from django.test import Client

from lifelong.accounts.models import RoleGrant, User
from lifelong.regions.models import Region

from .regions import COUNTY, GANPU, WUYUAN

# Who the matrices act as: the demo personas, a Ganpu town admin (another town's peer) and
# nobody signed in.
MATRIX_PERSONAS = [
    "anonymous",
    "young_learner",
    "elder_learner",
    "organizer",
    "village_admin",
    "town_admin",
    "ganpu_admin",
    "county_admin",
]
# Those who work in the console (staff are sent to two-factor before any console page).
STAFF_PERSONAS = frozenset({"organizer", "village_admin", "town_admin", "ganpu_admin", "county_admin"})


def ganpu_admin_create(phone: str) -> User:
    """A town admin of Ganpu: the Wuyuan town admin's peer in another town."""
    ganpu_admin = User.objects.create_user(phone, "ganpu-admin-pass", name="澉浦管理员")
    RoleGrant.objects.create(user=ganpu_admin, role="town_admin", region=Region.objects.get(code=GANPU))
    return ganpu_admin


def matrix_actors(demo, *, ganpu_phone: str) -> dict[str, User | None]:
    """Each of MATRIX_PERSONAS as the user who acts (None: nobody signed in)."""
    actors = {name: getattr(demo, name, None) for name in MATRIX_PERSONAS}
    actors["ganpu_admin"] = ganpu_admin_create(ganpu_phone)
    return actors


def admin_codes(demo) -> dict[str, str]:
    """The oracle's own table of who administers what: each admin persona's region code."""
    return {
        "village_admin": demo.village_admin.role_grants.get().region.code,
        "town_admin": WUYUAN,
        "ganpu_admin": GANPU,
        "county_admin": COUNTY,
    }


def matrix_clients(
    actors: Mapping[str, User | None],
    verified_client: Callable[[User], Client],
    *,
    staff: Iterable[str] = STAFF_PERSONAS,
) -> dict[str, Client]:
    """A web client per persona: nobody signed in, a learner signed in, staff signed in with
    two-factor passed (`verified_client`, the root conftest's fixture), so that a page answers
    for itself rather than with the two-factor redirect."""
    staff = set(staff)
    clients = {}
    for name, user in actors.items():
        if user is None:
            clients[name] = Client()
        elif name in staff:
            clients[name] = verified_client(user)
        else:
            clients[name] = Client()
            clients[name].force_login(user)
    return clients


def matrix_world(demo, verified_client: Callable[[User], Client], *, ganpu_phone: str) -> dict:
    """What every matrix starts from: the personas (`demo`), who acts as each persona (`actors`),
    a web client for each (`web`) and the oracle's table of admins' region codes (`codes`). A
    matrix adds the objects it is about."""
    actors = matrix_actors(demo, ganpu_phone=ganpu_phone)
    return {"demo": demo, "actors": actors, "web": matrix_clients(actors, verified_client), "codes": admin_codes(demo)}


def covers(codes: Mapping[str, str | None], persona: str, region_code: str) -> bool:
    """Does the persona administer the region (their code begins its code)?"""
    code = codes.get(persona)
    return code is not None and region_code.startswith(code)


def is_staff(persona: str) -> bool:
    return persona in STAFF_PERSONAS


def expect_page(response, allowed: bool, persona: str, ok: int = 200) -> None:
    """A page: `ok` when allowed, else 404 (never revealing what exists); nobody signed in is
    sent to sign in."""
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], persona
    else:
        assert response.status_code == (ok if allowed else 404), (persona, response.status_code)


def expect_api(response, allowed: bool, persona: str, ok: int = 200, *, refused_code: str | None = None) -> None:
    """An API route: `ok` when allowed, else 404 (with `refused_code` as the error's code, when
    given); nobody signed in gets 401."""
    if persona == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == (ok if allowed else 404), (persona, response.status_code, response.content)
        if refused_code is not None and not allowed:
            assert response.json()["code"] == refused_code
