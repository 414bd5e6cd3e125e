"""Staff correct a learner's details (`learner_details.learner_update`), the console pages for editing
and merging, and both pages in the access-control matrix."""

import pytest

from lifelong.accounts.learner_details import learner_update
from lifelong.accounts.models import User
from lifelong.activities.models import Registration
from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.passport.tests.helpers import course
from lifelong.regions.models import Region
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import covers, expect_page, matrix_world


def villager(demo, name: str, phone: str | None = None, **extra) -> User:
    village = demo.village_admin.role_grants.get().region
    return User.objects.create_user(
        phone, "learner-pass-2026" if phone else None, name=name, home_region=village, **extra
    )


def details(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (user.name, user.birth_year, user.home_region_id, user.phone, user.is_active)


# --- The service ----------------------------------------------------------------------------


def test_staff_in_scope_correct_the_details_and_the_change_is_audited_with_masked_numbers(demo):
    learner = villager(demo, "钱阿婆", "13711112222", birth_year=1944)
    other_village = Region.objects.filter(parent=learner.home_region.parent, level="village").exclude(
        pk=learner.home_region_id
    )[0]
    learner_update(
        actor=demo.county_admin,
        learner=learner,
        name=" 钱桂芳 ",
        birth_year=1945,
        home_region=other_village,
        phone="+86 137 3333 4444",
    )
    assert details(learner) == ("钱桂芳", 1945, other_village.pk, "13733334444", True)
    event = AuditEvent.objects.get(summary="learner details", object_id=str(learner.pk))
    assert event.actor == demo.county_admin
    assert event.changes["phone"] == ["137****2222", "137****4444"]
    assert event.changes["home_region"] == [learner.home_region.code, other_village.code]
    assert sorted(event.changes["fields"]) == ["birth_year", "home_region", "name", "phone"]
    assert "13733334444" not in str(event.changes) and "钱" not in str(event.changes)


def test_a_learner_outside_the_actors_scope_answers_404(demo):
    learner = villager(demo, "钱阿婆", "13711112222")
    before = details(learner)
    for actor in (demo.town_admin, demo.organizer, demo.young_learner):  # Wuyuan, an institution, nobody
        with pytest.raises(NotFound):
            learner_update(actor=actor, learner=learner, name="改名")
    assert details(learner) == before


@pytest.mark.parametrize(
    ("fields", "error", "code"),
    [
        ({"name": "  "}, InvalidInput, "invalid"),
        ({"birth_year": 1850}, InvalidInput, "invalid"),
        ({"birth_year": 2999}, InvalidInput, "invalid"),
        ({"phone": "12345"}, InvalidInput, "invalid_phone"),
        ({"phone": "13900000006"}, Conflict, "phone_taken"),  # the young learner's number
        ({"home_region": "town"}, InvalidInput, "invalid_region"),  # in the county admin's scope
        ({"home_region": "ganpu"}, NotFound, "not_found"),  # outside the village admin's scope
        ({"is_staff": True}, InvalidInput, "unknown_field"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_changes_nothing(demo, fields, error, code):
    learner = villager(demo, "钱阿婆", "13711112222", birth_year=1944)
    regions = {
        "town": learner.home_region.parent,
        "ganpu": Region.objects.filter(parent__code="330424104", level="village").first(),
    }
    fields = {k: regions.get(v, v) if k == "home_region" else v for k, v in fields.items()}
    actor = demo.village_admin if fields.get("home_region") == regions["ganpu"] else demo.county_admin
    before = details(learner)
    with pytest.raises(error) as raised:
        learner_update(actor=actor, learner=learner, **{"name": "新名字", **fields})
    assert raised.value.code == code
    assert details(learner) == before
    assert not AuditEvent.objects.filter(summary="learner details").exists()


def test_staff_accounts_and_closed_records_are_not_edited_here(demo):
    with pytest.raises(Forbidden) as error:
        learner_update(actor=demo.county_admin, learner=demo.village_admin, phone="13755556666")
    assert error.value.code == "staff_account"
    assert demo.village_admin.phone == User.objects.get(pk=demo.village_admin.pk).phone
    closed = villager(demo, "已合并", None, is_active=False)
    with pytest.raises(Conflict):
        learner_update(actor=demo.county_admin, learner=closed, name="x")


def test_the_number_can_be_removed_and_nothing_changed_writes_no_event(demo):
    learner = villager(demo, "钱阿婆", "13711112222")
    learner_update(actor=demo.county_admin, learner=learner, name="钱阿婆")
    assert not AuditEvent.objects.filter(summary="learner details").exists()
    learner_update(actor=demo.county_admin, learner=learner, phone="")
    assert User.objects.get(pk=learner.pk).phone is None


# --- The pages -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(demo, verified_client):
    return verified_client(demo.village_admin)


def test_the_edit_page_saves_and_says_so(demo, admin_client):
    learner = villager(demo, "钱阿婆", "13711112222", birth_year=1944)
    page = admin_client.get(f"/console/learners/{learner.pk}/edit/").content.decode()
    assert "137****2222" in page and "13711112222" not in page  # the number is never filled in
    response = admin_client.post(
        f"/console/learners/{learner.pk}/edit/",
        {"name": "钱桂芳", "home_region": learner.home_region_id, "birth_year": 1945, "phone": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/console/learners/"
    assert "钱桂芳" in response.content.decode()
    assert details(learner) == ("钱桂芳", 1945, learner.home_region_id, "13711112222", True)


@pytest.mark.parametrize(
    "change",
    [
        {"phone": "13900000006"},  # someone else's number
        {"phone": "not a phone"},
        {"birth_year": "1800"},
        {"name": ""},
        {"home_region": "999999"},
        {"home_region": "ganpu"},
        {"phone": "13755556666", "clear_phone": "on"},
    ],
)
def test_bad_input_on_the_edit_page_shows_an_error_and_changes_nothing(demo, admin_client, change):
    learner = villager(demo, "钱阿婆", "13711112222", birth_year=1944)
    data = {"name": "钱桂芳", "home_region": learner.home_region_id, "birth_year": 1945, "phone": ""}
    data.update(change)
    if data["home_region"] == "ganpu":
        data["home_region"] = Region.objects.filter(parent__code="330424104", level="village").first().pk
    before = details(learner)
    response = admin_client.post(f"/console/learners/{learner.pk}/edit/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ll-error-summary" in page
    assert details(learner) == before


def test_the_merge_page_finds_by_name_or_number_compares_and_merges(demo, admin_client):
    keep = villager(demo, "孙大娘", "13711113333", birth_year=1949)
    remove = villager(demo, "孙大娘", None)
    activity = course(demo, sessions=1, title="太极拳")
    from lifelong.activities.services import registration_create

    registration_create(actor=demo.village_admin, activity=activity, learner=remove)
    url = f"/console/learners/{remove.pk}/merge/"
    page = admin_client.get(url).content.decode()
    assert 'name="q"' in page
    found = admin_client.post(url, {"intent": "search", "q": "孙大"}).content.decode()
    assert f'name="other" value="{keep.pk}"' in found and "137****3333" in found
    assert f'name="other" value="{remove.pk}"' not in found  # not itself
    by_phone = admin_client.post(url, {"intent": "search", "q": "137 1111 3333"}).content.decode()
    assert f'name="other" value="{keep.pk}"' in by_phone
    compare = admin_client.post(url, {"intent": "compare", "other": keep.pk}).content.decode()
    assert "data-confirm" in compare and f'value="{keep.pk}" checked' in compare  # the one with a phone
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(url, {"intent": "merge", "other": keep.pk, "keep": keep.pk}, follow=True)
    assert response.redirect_chain[-1][0] == "/console/learners/"
    assert Registration.objects.get(activity=activity).learner_id == keep.pk
    assert not User.objects.get(pk=remove.pk).is_active
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Merged: 1 registration moved to 孙大娘."], messages


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"intent": "merge", "other": "999999", "keep": "999999"}, 404),
        ({"intent": "merge", "other": "x"}, 404),
        ({"intent": "merge", "other": "OTHER", "keep": "123456789"}, 422),
        ({"intent": "merge", "other": "OTHER"}, 422),
        ({"intent": "merge", "other": "SELF", "keep": "SELF"}, 422),
        ({"intent": "merge", "other": "STAFF", "keep": "STAFF"}, 403),
    ],
)
def test_bad_input_on_the_merge_page_changes_nothing(demo, admin_client, data, status):
    learner = villager(demo, "孙大娘", "13711113333")
    other = villager(demo, "孙大娘", None)
    ids = {"OTHER": other.pk, "SELF": learner.pk, "STAFF": demo.village_admin.pk}
    data = {k: ids.get(v, v) for k, v in data.items()}
    before = (details(learner), details(other), details(demo.village_admin))
    response = admin_client.post(f"/console/learners/{learner.pk}/merge/", data)
    assert response.status_code in ({status, 404} if data.get("other") == learner.pk else {status})
    assert (details(learner), details(other), details(demo.village_admin)) == before
    assert not AuditEvent.objects.filter(summary="learner merged").exists()


def test_names_and_numbers_never_travel_in_the_merge_pages_urls(demo, admin_client):
    learner = villager(demo, "孙大娘", "13711113333")
    page = admin_client.get(f"/console/learners/{learner.pk}/merge/").content.decode()
    assert 'method="post" role="search"' in page and 'method="get"' not in page


# --- The access matrix -----------------------------------------------------------------------


@pytest.fixture
def world(demo, verified_client):
    return matrix_world(demo, verified_client, ganpu_phone="13600000039")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_edit_and_merge_pages_open_only_for_admins_over_the_learner(world, persona):
    demo = world["demo"]
    client = world["web"][persona]
    twin = User.objects.create_user(None, None, name="钱阿婆", home_region=demo.elder_learner.home_region)
    for learner in (demo.elder_learner, demo.young_learner):
        may = covers(world["codes"], persona, learner.home_region.code)
        for url in (f"/console/learners/{learner.pk}/edit/", f"/console/learners/{learner.pk}/merge/"):
            expect_page(client.get(url), may, persona)
        before = details(learner), details(twin)
        client.post(
            f"/console/learners/{learner.pk}/edit/",
            {"name": "改名", "home_region": learner.home_region_id, "birth_year": 1950},
        )
        client.post(f"/console/learners/{learner.pk}/merge/", {"intent": "merge", "other": twin.pk, "keep": learner.pk})
        if not may:
            assert (details(learner), details(twin)) == before, persona


def test_a_staff_account_or_closed_record_shows_why_instead_of_a_form(demo, verified_client):
    client = verified_client(demo.county_admin)
    closed = villager(demo, "已合并", None, is_active=False)
    for learner in (demo.village_admin, closed):
        for url in (f"/console/learners/{learner.pk}/edit/", f"/console/learners/{learner.pk}/merge/"):
            page = client.get(url).content.decode()
            assert 'data-testid="refusal"' in page, url
            assert 'name="name"' not in page and 'name="q"' not in page, url
    page = client.get(f"/console/learners/{demo.elder_learner.pk}/merge/").content.decode()
    assert 'data-testid="refusal"' not in page and 'name="q"' in page


def test_a_new_number_counts_against_the_staff_members_lookup_allowance(demo, settings, fixed_now):
    """`phone_taken` tells whether a number is registered anywhere: each new number is a number
    lookup, counted like the desk's; keeping the learner's own number counts nothing."""
    from lifelong.common.errors import Throttled

    settings.DESK_LOOKUPS_PER_HOUR = 2
    learner = villager(demo, "钱阿婆", "13711112222")
    for _ in range(3):
        learner_update(actor=demo.county_admin, learner=learner, name="钱阿婆", phone="13711112222")
    with pytest.raises(Conflict):
        learner_update(actor=demo.county_admin, learner=learner, phone=demo.young_learner.phone)
    learner_update(actor=demo.county_admin, learner=learner, phone="13711113333")
    before = details(learner)
    for phone in ("13711114444", demo.young_learner.phone):  # a free and a taken number answer alike
        with pytest.raises(Throttled) as refused:
            learner_update(actor=demo.county_admin, learner=learner, name="新名字", phone=phone)
        assert refused.value.code == "throttled" and refused.value.status == 429
    assert details(learner) == before
    # Other corrections, and keeping the number, still work; another staff account has its own allowance.
    learner_update(actor=demo.county_admin, learner=learner, name="钱桂芳", phone="13711113333")
    learner_update(actor=demo.village_admin, learner=learner, phone="13711114444")
    assert details(learner)[0::3] == ("钱桂芳", "13711114444")
