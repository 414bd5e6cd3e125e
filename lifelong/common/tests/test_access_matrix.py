"""The access-control matrix: role × object × action, checked against an oracle.

The oracle below is written apart from the policy module: it decides from region *codes*
(a child's code begins with its parent's) and a plain table of who holds what, while the
policy works from materialized paths and role grants. Every console URL must appear here;
later issues extend OBJECT_URLS and LIST_URLS with their own objects.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lifelong.accounts import policy
from lifelong.accounts.models import RoleGrant, User
from lifelong.accounts.selectors import learner_list, role_grant_list
from lifelong.accounts.services import role_grant_create
from lifelong.institutions.models import Institution, Venue
from lifelong.institutions.selectors import institution_staff_list, venue_staff_list
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import covers, is_staff, matrix_world


@pytest.fixture
def world(demo, verified_client):
    """The demo personas, plus a Ganpu town admin and a second organizer grant to act on."""
    world = matrix_world(demo, verified_client, ganpu_phone="13600000009")
    return {**world, "own": {"organizer": {demo.organizer.role_grants.get().institution_id}}}


def oracle_covers(world, persona: str, region_code: str) -> bool:
    return covers(world["codes"], persona, region_code)


def oracle_may_view_institution(world, persona, institution: Institution) -> bool:
    return oracle_covers(world, persona, institution.region.code) or institution.pk in world["own"].get(persona, set())


def sample_institutions() -> list[Institution]:
    """One institution of each interesting placement."""
    tongyuan_villages = Region.objects.filter(parent__code="330424105", name__endswith="村").order_by("code")
    picks = [
        Institution.objects.get(kind="community_college"),
        Institution.objects.get(kind="community_school", region__code="330424105"),
        Institution.objects.get(kind="community_school", region__code="330424001"),
        Institution.objects.filter(kind="teaching_point", region=tongyuan_villages[0]).get(),
        Institution.objects.filter(kind="teaching_point", region=tongyuan_villages[1]).get(),
        Institution.objects.filter(kind="teaching_point", region__parent__code="330424001").first(),
        Institution.objects.filter(kind="culture_hall", region__parent__code="330424104").first(),
    ]
    return picks


# --- Lists: exactly the objects in scope ------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_lists_hold_exactly_what_the_oracle_allows(world, persona):
    actor = world["actors"][persona]
    institutions = Institution.objects.select_related("region")
    expected = {i.pk for i in institutions if oracle_may_view_institution(world, persona, i)}
    assert set(institution_staff_list(actor=actor).values_list("pk", flat=True)) == expected
    editable = {i.pk for i in institutions if oracle_covers(world, persona, i.region.code)}
    assert (
        set(institution_staff_list(actor=actor, action=policy.Action.CHANGE).values_list("pk", flat=True)) == editable
    )
    venues = Venue.objects.select_related("institution__region")
    expected_venues = {v.pk for v in venues if oracle_may_view_institution(world, persona, v.institution)}
    assert set(venue_staff_list(actor=actor).values_list("pk", flat=True)) == expected_venues
    learners = User.objects.select_related("home_region")
    expected_learners = {u.pk for u in learners if u.home_region and oracle_covers(world, persona, u.home_region.code)}
    assert set(learner_list(actor=actor).values_list("pk", flat=True)) == expected_learners
    grants = RoleGrant.objects.select_related("region", "institution__region")
    expected_grants = {g.pk for g in grants if oracle_covers(world, persona, g.scope_region.code)}
    assert set(role_grant_list(actor=actor).values_list("pk", flat=True)) == expected_grants


LIST_URLS = [
    "/console/",
    "/console/institutions/",
    "/console/venues/",
    "/console/roles/",
    "/console/learners/",
    "/console/residence/",  # relatives awaiting confirmation: empty for organizers, scoped for admins
    "/console/activities/",
]
CREATE_URLS = ["/console/institutions/new/", "/console/venues/new/"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", LIST_URLS + CREATE_URLS)
def test_console_pages_open_for_staff_only_and_create_pages_for_admins_only(world, persona, url):
    response = world["web"][persona].get(url)
    allowed = persona in world["codes"] if url in CREATE_URLS else is_staff(persona)
    if persona == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


# --- Detail / edit: 404 outside scope, and a refused POST changes nothing ----------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_institution_and_venue_edit_pages_answer_404_outside_scope(world, persona):
    client = world["web"][persona]
    actor = world["actors"][persona]
    for institution in sample_institutions():
        may = oracle_covers(world, persona, institution.region.code)
        assert policy.can(actor, policy.Action.CHANGE, institution) == may, institution
        assert policy.can(actor, policy.Action.VIEW, institution) == oracle_may_view_institution(
            world, persona, institution
        )
        expected = 200 if may else (302 if persona == "anonymous" else 404)
        assert client.get(f"/console/institutions/{institution.pk}/").status_code == expected, institution
        before = Institution.objects.get(pk=institution.pk)
        response = client.post(
            f"/console/institutions/{institution.pk}/",
            {
                "kind": before.kind,
                "name": before.name + "·改",
                "name_en": before.name_en,
                "region": before.region_id,
                "is_active": "on",
            },
        )
        after = Institution.objects.get(pk=institution.pk)
        if may:
            assert response.status_code == 302 and after.name == before.name + "·改"
        else:
            assert response.status_code == expected and after.name == before.name
        venue = institution.venues.first()
        assert client.get(f"/console/venues/{venue.pk}/").status_code == expected, venue


@pytest.mark.parametrize("persona", PERSONAS)
def test_learner_detail_in_the_api_answers_404_outside_scope(world, persona):
    demo = world["demo"]
    actor = world["actors"][persona]
    api = ApiClient(actor)
    for learner in (demo.elder_learner, demo.young_learner):
        response = api.get(f"/learners/{learner.pk}")
        if actor is None:
            assert response.status_code == 401
        elif oracle_covers(world, persona, learner.home_region.code):
            assert response.status_code == 200
        else:
            assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("persona", PERSONAS)
def test_learner_search_in_the_api_stays_in_scope(world, persona):
    """POST /learners/search, by name and by whole number: found exactly where the oracle says."""
    demo = world["demo"]
    actor = world["actors"][persona]
    api = ApiClient(actor)
    for learner in (demo.elder_learner, demo.young_learner):
        for q in (learner.name, learner.phone):
            response = api.post("/learners/search", {"q": q})
            if actor is None:
                assert response.status_code == 401
            elif not is_staff(persona):
                assert response.status_code == 403 and response.json()["code"] == "staff_only"
            else:
                found = {item["id"] for item in response.json()["items"]}
                assert (learner.pk in found) == oracle_covers(world, persona, learner.home_region.code), (q, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_revoking_roles_follows_scope_and_rank(world, persona):
    demo = world["demo"]
    client = world["web"][persona]
    target = demo.organizer.role_grants.get()  # an organizer at the Tongyuan school
    response = client.post(f"/console/roles/{target.pk}/revoke/")
    still_there = RoleGrant.objects.filter(pk=target.pk).exists()
    if oracle_covers(world, persona, target.scope_region.code):
        assert response.status_code == 302 and not still_there
    else:
        assert response.status_code in (302 if persona == "anonymous" else 404,) and still_there


def test_nobody_grants_a_role_above_their_own_or_outside_their_subtree(world):
    from lifelong.common.errors import Forbidden, NotFound

    demo = world["demo"]
    village = demo.village_admin.role_grants.get().region
    newcomer = User.objects.create_user("13600000010", "newcomer-pass-1", name="新人")
    with pytest.raises(NotFound):  # the town lies above the village admin's subtree
        role_grant_create(actor=demo.village_admin, phone=newcomer.phone, role="town_admin", region=village.parent)
    with pytest.raises(Forbidden):  # inside the subtree, but a role above their own
        role_grant_create(actor=demo.village_admin, phone=newcomer.phone, role="county_admin", region=village)
    with pytest.raises(NotFound):
        role_grant_create(actor=demo.town_admin, phone=newcomer.phone, role="village_admin", region=village)
    with pytest.raises(NotFound):  # an organizer administers no region at all
        role_grant_create(actor=demo.organizer, phone=newcomer.phone, role="village_admin", region=village)
    assert not newcomer.role_grants.exists()
    grant = role_grant_create(actor=demo.village_admin, phone=newcomer.phone, role="village_admin", region=village)
    assert grant.region == village
    # Peers cannot remove each other.
    from lifelong.accounts.services import role_grant_revoke

    with pytest.raises(Forbidden):
        role_grant_revoke(actor=demo.village_admin, grant=grant)


def test_a_high_rank_elsewhere_gives_no_extra_power_here(world):
    """A Ganpu town admin who is also a Tongyuan village admin acts in Tongyuan as a village admin."""
    from lifelong.accounts.services import role_grant_create, role_grant_revoke
    from lifelong.common.errors import Forbidden

    demo = world["demo"]
    village = demo.village_admin.role_grants.get().region
    ganpu_admin = world["actors"]["ganpu_admin"]
    RoleGrant.objects.create(user=ganpu_admin, role="village_admin", region=village)
    ganpu_admin = User.objects.get(pk=ganpu_admin.pk)  # fresh grant cache
    peer = demo.village_admin.role_grants.get()
    with pytest.raises(Forbidden):
        role_grant_revoke(actor=ganpu_admin, grant=peer)
    with pytest.raises(Forbidden):
        role_grant_create(actor=ganpu_admin, phone=demo.young_learner.phone, role="town_admin", region=village)
    assert RoleGrant.objects.filter(pk=peer.pk).exists()


def test_the_grant_form_reveals_nothing_about_numbers_outside_a_permitted_grant(world):
    """Refusals for scope and rank come before the phone lookup."""
    from lifelong.accounts.services import role_grant_create
    from lifelong.common.errors import NotFound

    demo = world["demo"]
    ganpu = Region.objects.get(code="330424104")
    for phone in (demo.young_learner.phone, "13812345670"):
        with pytest.raises(NotFound) as error:
            role_grant_create(
                actor=demo.village_admin, phone=phone, role="village_admin", region=ganpu.children.first()
            )
        assert error.value.field == "region"


# Every console URL pattern, each checked here or in the test file its comment names.
CONSOLE_URLS_IN_THE_MATRIX = {
    "",
    "institutions/",
    "institutions/new/",
    "institutions/<int:pk>/",
    "venues/",
    "venues/new/",
    "venues/<int:pk>/",
    # Venue bookings: lifelong/institutions/tests/test_booking_access_matrix.py
    "venues/<int:pk>/bookings/",
    "bookings/<int:pk>/cancel/",
    "roles/",
    "roles/<int:pk>/revoke/",
    "learners/",
    "learners/<int:pk>/activities/",
    # Editing and merging learners: lifelong/accounts/tests/test_learner_edit.py
    "learners/<int:pk>/edit/",
    "learners/<int:pk>/merge/",
    # Relatives' residence, the queue and the decision: lifelong/accounts/tests/test_family_relatives.py
    "residence/",
    "learners/<int:pk>/residence/",
    # The dashboard and its exports: lifelong/dashboards/tests/test_access_matrix.py
    "dashboard/",
    r"^dashboard/export/(?P<table>[a-z]+)\.(?P<file_format>csv|xlsx)$",
    "dashboard/refresh/",
    "dashboard/unmet/<str:region_code>/<str:category>/",
    # The audit log and its export: lifelong/common/tests/test_audit_viewer.py
    "audit/",
    r"^audit/export\.(?P<file_format>csv|xlsx)$",
    # Activities, sessions and registrations: lifelong/activities/tests/test_access_matrix.py
    # Campaigns: lifelong/campaigns/tests/test_access_matrix.py
    "campaigns/",
    "campaigns/new/",
    "campaigns/proposals/new/",
    "campaigns/<int:pk>/",
    "campaigns/<int:pk>/edit/",
    "campaigns/<int:pk>/proposals/<int:activity_pk>/",
    "campaigns/<int:pk>/report/",
    "activities/",
    "activities/new/",
    "activities/<int:pk>/",
    "activities/<int:pk>/edit/",
    "activities/<int:pk>/copy/",  # lifelong/activities/tests/test_access_matrix.py
    "activities/<int:pk>/<str:action>/",
    "activities/<int:pk>/registrations/new/",
    # Messages to an activity's learners and its roster files: lifelong/activities/tests/test_participants_access.py
    "activities/<int:pk>/message/",
    r"^activities/(?P<pk>[0-9]+)/roster\.(?P<file_format>csv|xlsx)$",
    "registrations/<int:pk>/<str:action>/",
    "sessions/<int:pk>/checkin/",
    "sessions/<int:pk>/checkin/qr/",
    "sessions/<int:pk>/checkins/",
    "sessions/<int:pk>/sheet/",
    "sessions/change/",
    # The passport: lifelong/passport/tests/test_access_matrix.py
    "learners/<int:pk>/passport/",
    "learners/<int:pk>/passport/archive.pdf",
    r"^learners/(?P<pk>[0-9]+)/certificates/(?P<serial>[A-Za-z0-9-]{4,32})\.pdf$",
    "records/<int:pk>/reverse/",
    "certificates/",
    r"^certificates/(?P<serial>[A-Za-z0-9-]{4,32})/revoke/$",
    "imports/",
    "imports/<int:pk>/",
    "imports/<int:pk>/retry/",
    "learning-stars/",
    # Brand programmes and teams: lifelong/community/tests/test_access_matrix.py
    "programmes/",
    "programmes/new/",
    "programmes/<int:pk>/",
    "teams/",
    "teams/new/",
    "teams/<int:pk>/",
    # Learning resources: lifelong/resources/tests/test_access_matrix.py
    "resources/",
    "resources/new/",
    "resources/<int:pk>/",
    # Honours, calls, nominations and reviews: lifelong/honours/tests/test_access_matrix.py
    "honours/",
    "honours/new/",
    "honours/calls/new/",
    "honours/calls/<int:pk>/",
    "honours/calls/<int:pk>/close/",
    "honours/calls/<int:pk>/award/",
    "honours/calls/<int:pk>/nominate/",
    "honours/nominations/<int:pk>/review/",
    "honours/nominations/<int:pk>/withdraw/",
    # Publishing: lifelong/news/tests/test_access_matrix.py
    "news/",
    "news/new/",
    "news/images/",
    "news/<int:pk>/",
    "news/<int:pk>/revisions/<int:number>/",
    "news/<int:pk>/<str:action>/",
}


def test_every_console_url_is_in_the_matrix():
    from lifelong.site import console_urls

    patterns = {str(p.pattern) for p in console_urls.urlpatterns}
    assert patterns == CONSOLE_URLS_IN_THE_MATRIX, "a console URL was added: add it to the access-control matrix"


# Every API route, each checked here or in the test file its comment names. DELETE auth/token
# shares the auth/token route; learners' list and create share theirs.
API_ROUTES_IN_THE_MATRIX = {
    "api/v1/",
    "api/v1/auth/token",
    # Sign-up and password reset are for anyone: lifelong/accounts/tests/test_self_service_access_matrix.py
    "api/v1/auth/signup/code",
    "api/v1/auth/signup",
    "api/v1/auth/password-reset",
    "api/v1/auth/password-reset/confirm",
    "api/v1/learners",
    # Searching people by name or number goes in a POST body: test_learner_search_in_the_api_stays_in_scope.
    "api/v1/learners/search",
    "api/v1/learners/<learner_id>",
    # Relatives: the family's own list and additions, staff's residence queue and decisions:
    # lifelong/accounts/tests/test_family_relatives.py
    "api/v1/learners/<learner_id>/residence-confirmation",
    "api/v1/residence-confirmations",
    "api/v1/me/family",
    "api/v1/me",
    "api/v1/regions",
    "api/v1/institutions",
    "api/v1/institutions/<institution_id>",
    "api/v1/venues",
    "api/v1/venues/<venue_id>",
    # Venue bookings: lifelong/institutions/tests/test_booking_access_matrix.py
    "api/v1/venues/<venue_id>/bookings",
    "api/v1/bookings/<booking_id>",
    "api/v1/openapi.json",
    "api/v1/docs",
    # Dashboards: lifelong/dashboards/tests/test_api.py.
    "api/v1/dashboard",
    "api/v1/dashboard/unmet-demand",
    "api/v1/open-data",
    # Activities and registrations: their matrix is lifelong/activities/tests/test_access_matrix.py.
    "api/v1/activities",
    "api/v1/activities/<activity_id>",
    "api/v1/activities/<activity_id>/submit",
    "api/v1/activities/<activity_id>/publish",
    "api/v1/activities/<activity_id>/reject",
    "api/v1/activities/<activity_id>/cancel",
    "api/v1/activities/<activity_id>/copy",
    "api/v1/activities/<activity_id>/registrations",
    # Messages to an activity's learners: lifelong/activities/tests/test_participants_access.py
    "api/v1/activities/<activity_id>/messages",
    "api/v1/registrations/<registration_id>",
    "api/v1/registrations/<registration_id>/accept",
    "api/v1/me/registrations",
    "api/v1/sessions/<session_id>/checkins",
    "api/v1/sessions/<session_id>/checkin-token",
    "api/v1/sessions/<session_id>",
    # Notices are always the caller's own: lifelong/notifications/tests/test_api.py.
    "api/v1/me/notifications",
    "api/v1/me/notifications/read",
    # The passport: lifelong/passport/tests/test_access_matrix.py (own passport, staff
    # passports, revocation, corrections, learning stars); the certificate check and the
    # keys are public (test_certificates.py).
    # Campaigns are public: lifelong/campaigns/tests/test_campaign_page.py.
    "api/v1/campaigns",
    "api/v1/campaigns/<slug>",
    "api/v1/campaigns/<slug>/proposals",
    "api/v1/campaigns/<slug>/proposals/<activity_id>/accept",
    "api/v1/campaigns/<slug>/proposals/<activity_id>/decline",
    "api/v1/campaigns/<slug>/report",
    "api/v1/me/passport",
    "api/v1/learners/<learner_id>/passport",
    "api/v1/certificates/<serial>",
    "api/v1/certificates/<serial>/revoke",
    "api/v1/certificate-keys",
    "api/v1/learning-records/<record_id>/reverse",
    "api/v1/learning-stars",
    # Programmes and teams (lists and pages public; members and decisions for the leader and
    # staff in scope): lifelong/community/tests/test_access_matrix.py and test_api.py.
    "api/v1/programmes",
    "api/v1/programmes/<slug>",
    "api/v1/teams",
    "api/v1/teams/<team_id>",
    "api/v1/teams/<team_id>/join",
    "api/v1/teams/<team_id>/leave",
    "api/v1/teams/<team_id>/memberships",
    "api/v1/memberships/<membership_id>/approve",
    "api/v1/memberships/<membership_id>/decline",
    # Learning resources: lifelong/resources/tests/test_access_matrix.py
    "api/v1/resources",
    "api/v1/resources/<resource_id>",
    "api/v1/resources/<resource_id>/study",
    "api/v1/resources/<resource_id>/open",
    # Honours: the roll is public; calls, nominations, reviews and awards for staff in scope:
    # lifelong/honours/tests/test_access_matrix.py and test_api.py.
    "api/v1/honors",
    "api/v1/honor-calls",
    "api/v1/honor-calls/<call_id>",
    "api/v1/honor-calls/<call_id>/nominations",
    "api/v1/honor-calls/<call_id>/close",
    "api/v1/honor-calls/<call_id>/award",
    "api/v1/nominations/<nomination_id>/reviews",
    # News: the list and article are public (released only); the newsroom's routes are in
    # lifelong/news/tests/test_api.py (test_the_api_matrix).
    "api/v1/articles",
    "api/v1/articles/manage",
    "api/v1/articles/manage/<article_id>",
    "api/v1/articles/<article_id>",
    "api/v1/articles/<article_id>/submit",
    "api/v1/articles/<article_id>/withdraw",
    "api/v1/articles/<article_id>/return",
    "api/v1/articles/<article_id>/publish",
    "api/v1/articles/<article_id>/archive",
    "api/v1/articles/<article_id>/reopen",
    # Corrections of published articles, persona by persona: lifelong/news/tests/test_correction_api.py.
    "api/v1/articles/<article_id>/correction/approve",
    "api/v1/articles/<article_id>/correction/reject",
    "api/v1/articles/<article_id>/correction/withdraw",
}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def test_every_api_route_requiring_auth_is_in_the_matrix():
    api_routes = {r for r in _routes(get_resolver().url_patterns) if r.startswith("api/v1/")}
    assert api_routes == API_ROUTES_IN_THE_MATRIX, "an API route was added: add it to the access-control matrix"


# Every page outside /console/, /admin/ and /api/: what an anonymous visitor gets.
SITE_PAGES = {
    "": ("/", 200),
    "network/<str:code>/": ("/network/330424105/", 200),
    "programmes/": ("/programmes/", 200),
    "programmes/<slug:slug>/": ("/programmes/no-such-brand/", 404),  # a known one: community/tests/test_pages.py
    "teams/": ("/teams/", 200),
    "teams/<int:pk>/": ("/teams/999999/", 404),
    "teams/<int:pk>/join/": ("/teams/1/join/", 302),  # sign in first
    "teams/<int:pk>/leave/": ("/teams/1/leave/", 302),
    "memberships/<int:pk>/<str:decision>/": ("/memberships/1/approve/", 302),
    "venues/": ("/venues/", 200),
    "venues/<int:pk>/": ("/venues/999999/", 404),  # public; a known one: institutions/tests/test_venue_pages.py
    "honors/": ("/honors/", 200),
    "activities/": ("/activities/", 200),
    "activities/<int:pk>/": ("/activities/999999/", 404),
    "activities/<int:pk>/register/": ("/activities/1/register/", 302),  # sign in first
    "checkin/<int:pk>/": ("/checkin/999999/", 404),
    "registrations/<int:pk>/cancel/": ("/registrations/1/cancel/", 302),
    "registrations/<int:pk>/accept/": ("/registrations/1/accept/", 302),
    "activities/<int:pk>/calendar.ics": ("/activities/999999/calendar.ics", 404),
    "calendar/<str:token>.ics": ("/calendar/not-a-token.ics", 404),
    "me/": ("/me/", 302),
    "me/calendar/reset/": ("/me/calendar/reset/", 302),
    "me/notices/": ("/me/notices/", 302),
    "me/notices/read/": ("/me/notices/read/", 302),
    # The SMS provider's delivery receipts: 404 without the secret token (lifelong/common/tests/test_sms_receipts.py).
    "sms/receipts/<str:token>/": ("/sms/receipts/not-the-token/", 404),
    "preferences/elder-mode/": ("/preferences/elder-mode/", 405),  # POST only
    "preferences/language/": ("/preferences/language/", 405),
    "accounts/login/": ("/accounts/login/", 200),
    "accounts/logout/": ("/accounts/logout/", 405),
    "accounts/two-factor/": ("/accounts/two-factor/", 302),
    "accounts/password/": ("/accounts/password/", 302),
    "accounts/email/": ("/accounts/email/", 302),
    # Self-service accounts: lifelong/accounts/tests/test_self_service_access_matrix.py
    "accounts/signup/": ("/accounts/signup/", 200),
    "accounts/signup/details/": ("/accounts/signup/details/", 302),  # a number first
    "accounts/signup/villages/": ("/accounts/signup/villages/", 200),  # regions are public
    "accounts/password-reset/": ("/accounts/password-reset/", 200),
    "accounts/password-reset/confirm/": ("/accounts/password-reset/confirm/", 302),  # a number first
    "accounts/own-account/": ("/accounts/own-account/", 200),
    "accounts/family/<int:pk>/own-account/": ("/accounts/family/1/own-account/", 302),  # sign in first
    "accounts/family/<int:pk>/unlink/": ("/accounts/family/1/unlink/", 302),
    "me/passport/": ("/me/passport/", 302),
    "me/passport/archive.pdf": ("/me/passport/archive.pdf", 302),
    "me/passport/export.<str:kind>": ("/me/passport/export.json", 302),
    r"^me/certificates/(?P<serial>[A-Za-z0-9-]{4,32})\.pdf$": ("/me/certificates/LL-2026-ABCD1234.pdf", 302),
    r"^me/certificates/(?P<serial>[A-Za-z0-9-]{4,32})\.json$": ("/me/certificates/LL-2026-ABCD1234.json", 302),
    "campaigns/<slug:slug>/": ("/campaigns/no-such-week/", 404),  # public; a known one: test_campaign_page.py
    "campaigns/<slug:slug>/calendar.ics": ("/campaigns/no-such-week/calendar.ics", 404),
    "campaigns/<slug:slug>/report/": ("/campaigns/no-such-week/report/", 404),
    "resources/": ("/resources/", 200),
    "resources/<int:pk>/": ("/resources/999999/", 404),  # a known one: lifelong/resources/tests/
    "resources/<int:pk>/file": ("/resources/999999/file", 404),
    "resources/<int:pk>/study/": ("/resources/1/study/", 302),  # sign in first
    "resources/<int:pk>/open/": ("/resources/999999/open/", 404),  # a link's: lifelong/resources/tests/
    "news/": ("/news/", 200),
    "news/<int:pk>/": ("/news/999999/", 404),  # a draft to outsiders too: news/tests/test_pages.py
    "news/images/<uuid:key>/": ("/news/images/00000000-0000-4000-8000-000000000000/", 404),
    # Cover pictures are public by design (random keys): no sign-in, unknown key 404.
    "pictures/<uuid:key>/<str:size>.jpg": ("/pictures/00000000-0000-4000-8000-000000000000/small.jpg", 404),
    # The browser's icon and the add-to-home-screen manifest: public, nothing personal.
    "favicon.ico": ("/favicon.ico", 200),
    "manifest.webmanifest": ("/manifest.webmanifest", 200),
    "news/feed/rss/": ("/news/feed/rss/", 200),
    "news/feed/atom/": ("/news/feed/atom/", 200),
    # Open data (totals only): lifelong/dashboards/tests/test_pages.py
    "open-data/": ("/open-data/", 200),
    "open-data/indicators.csv": ("/open-data/indicators.csv", 200),
    "verify/": ("/verify/", 200),
    "verify/keys.json": ("/verify/keys.json", 200),
    r"^verify/(?P<serial>[A-Za-z0-9-]{4,32})/$": ("/verify/LL-2026-NOSUCH00/", 404),  # unknown serial
    "me/family/<int:family_pk>/passport/": ("/me/family/1/passport/", 302),
    "me/family/<int:family_pk>/passport/archive.pdf": ("/me/family/1/passport/archive.pdf", 302),
    "me/family/<int:family_pk>/passport/export.<str:kind>": ("/me/family/1/passport/export.csv", 302),
    r"^me/family/(?P<family_pk>[0-9]+)/certificates/(?P<serial>[A-Za-z0-9-]{4,32})\.pdf$": (
        "/me/family/1/certificates/LL-2026-ABCD1234.pdf",
        302,
    ),
    r"^me/family/(?P<family_pk>[0-9]+)/certificates/(?P<serial>[A-Za-z0-9-]{4,32})\.json$": (
        "/me/family/1/certificates/LL-2026-ABCD1234.json",
        302,
    ),
}


def test_every_site_page_is_in_the_matrix_with_what_a_visitor_gets(demo):
    resolver = get_resolver()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    pages = {r for r in walk(resolver.url_patterns) if not r.lstrip("^").startswith(("api/", "console/", "admin/"))}
    assert pages == set(SITE_PAGES), "a page was added: add it to the access-control matrix"
    client = Client()
    for url, status in SITE_PAGES.values():
        assert client.get(url).status_code == status, url
