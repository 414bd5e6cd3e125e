"""Unmet demand for the organizers, who cannot open the admins' unmet-demand page: their own
activities' console page says how many people still wait and offers "Copy as a new session",
and the console list marks those activities. Access: persona × activity, against an oracle
written apart from the policy (the activity's manager is its institution's organizer or an
admin whose region holds the institution's)."""

import pytest
from django.utils import translation

from lifelong.activities import services
from lifelong.activities.models import Activity
from lifelong.activities.selectors import still_waiting
from lifelong.activities.tests.helpers import new_learner, published_activity
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import matrix_actors, matrix_clients
from lifelong.testkit.regions import COUNTY, GANPU, TONGYUAN

NOTE = 'data-testid="still-waiting"'


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def full_with_waiting(demo, waiting: int) -> Activity:
    activity = published_activity(demo, capacity=1)
    for _ in range(1 + waiting):
        learner = new_learner(demo)
        services.registration_create(actor=learner, activity=activity, learner=learner)
    return activity


def test_the_organizer_sees_who_still_waits_and_copies_it_as_a_new_session(demo, verified_client):
    activity = full_with_waiting(demo, 2)
    organizer = verified_client(demo.organizer)
    page = organizer.get(f"/console/activities/{activity.pk}/").content.decode()
    assert NOTE in page and "2 people are still waiting for this activity" in page
    assert 'data-testid="still-waiting-copy"' in page
    listing = organizer.get("/console/activities/").content.decode()
    assert f'data-testid="still-waiting-{activity.pk}"' in listing and "2 waiting" in listing
    response = organizer.post(f"/console/activities/{activity.pk}/copy/")
    copy = Activity.objects.exclude(pk=activity.pk).get()
    assert response["Location"] == f"/console/activities/{copy.pk}/edit/"
    assert copy.status == "draft" and not copy.registrations.exists()
    # The new draft has nobody waiting: no note there.
    assert NOTE not in organizer.get(f"/console/activities/{copy.pk}/").content.decode()


def test_nobody_waiting_no_note(demo, verified_client):
    activity = full_with_waiting(demo, 0)
    organizer = verified_client(demo.organizer)
    assert NOTE not in organizer.get(f"/console/activities/{activity.pk}/").content.decode()
    assert f'data-testid="still-waiting-{activity.pk}"' not in organizer.get("/console/activities/").content.decode()


def test_still_waiting_counts_only_activities_the_actor_manages(demo):
    activity = full_with_waiting(demo, 3)
    activity = Activity.objects.select_related("institution__region").get(pk=activity.pk)
    assert still_waiting(actor=demo.organizer, activities=[activity]) == {activity.pk: 3}
    assert still_waiting(actor=demo.county_admin, activities=[activity]) == {activity.pk: 3}
    assert still_waiting(actor=demo.elder_learner, activities=[activity]) == {}
    assert still_waiting(actor=demo.town_admin, activities=[activity]) == {}  # another town


@pytest.fixture
def clients(demo, verified_client):
    return matrix_clients(matrix_actors(demo, ganpu_phone="13600000029"), verified_client)


def oracle_manages(persona: str, demo) -> bool:
    """The Tongyuan school's activity: its organizer, and admins whose region's code begins the
    school's town's (the county's, Tongyuan's; not another town's, not a village's)."""
    if persona == "organizer":
        return True
    admin_of = {"county_admin": COUNTY, "ganpu_admin": GANPU}
    if persona == "town_admin":
        admin_of["town_admin"] = demo.town_admin.role_grants.get().region.code
    if persona == "village_admin":
        admin_of["village_admin"] = demo.village_admin.role_grants.get().region.code
    code = admin_of.get(persona)
    return code is not None and TONGYUAN.startswith(code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_waiting_and_the_copy(demo, clients, persona):
    activity = full_with_waiting(demo, 1)
    client = clients[persona]
    page = client.get(f"/console/activities/{activity.pk}/")
    listing = client.get("/console/activities/")
    if persona == "anonymous":
        assert page.status_code == 302 and listing.status_code == 302
    elif oracle_manages(persona, demo):
        assert page.status_code == 200 and NOTE in page.content.decode()
        assert f'data-testid="still-waiting-{activity.pk}"' in listing.content.decode()
    else:
        assert page.status_code in (403, 404), (persona, page.status_code)
        if listing.status_code == 200:
            assert f'data-testid="still-waiting-{activity.pk}"' not in listing.content.decode()
        assert client.post(f"/console/activities/{activity.pk}/copy/").status_code in (302, 403, 404)
        assert not Activity.objects.exclude(pk=activity.pk).exists()
    # The admins' unmet-demand page stays theirs: the organizer still gets 404 there.
    if persona == "organizer":
        assert client.get(f"/console/dashboard/unmet/{TONGYUAN}/health/").status_code == 404
