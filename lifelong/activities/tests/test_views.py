from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifelong.activities.models import Registration

from .helpers import new_learner, published_activity


def test_the_catalogue_page_searches_and_shows_seats(demo):
    published_activity(demo, title="太极拳晨练", capacity=3)
    published_activity(demo, title="读书会", category="reading")
    page = Client().get("/activities/", {"q": "太极"}).content.decode()
    assert "太极拳晨练" in page and "读书会" not in page
    assert "3 个名额" in page or "剩余" in page or "3" in page
    assert Client().get("/activities/", {"category": "nonsense", "page": "x"}).status_code == 200


def test_the_catalogue_page_runs_the_same_number_of_queries_whatever_its_size(demo):
    published_activity(demo)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/activities/").status_code == 200
        return len(queries)

    before = count()
    for n in range(12):
        published_activity(demo, title=f"课程{n}")
    assert count() == before


def test_register_on_the_page_then_cancel_from_my_page(demo):
    activity = published_activity(demo, capacity=1)
    client = Client()
    client.post("/accounts/login/", {"phone": "13900000005", "password": demo.password})
    response = client.post(f"/activities/{activity.pk}/register/")
    assert response.status_code == 302
    registration = Registration.objects.get(activity=activity, learner=demo.elder_learner)
    assert registration.status == "confirmed"
    me = client.get("/me/").content.decode()
    assert activity.title in me
    client.post(f"/registrations/{registration.pk}/cancel/")
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"


def test_a_full_activity_puts_the_learner_on_the_waitlist_with_their_number(demo):
    activity = published_activity(demo, capacity=1)
    first = new_learner(demo)
    Client().force_login(first)
    from lifelong.activities import services

    services.registration_create(actor=first, activity=activity, learner=first)
    client = Client()
    client.post("/accounts/login/", {"phone": "13900000006", "password": demo.password})
    page = client.post(f"/activities/{activity.pk}/register/", follow=True).content.decode()
    assert "候补" in page
    assert Registration.objects.get(activity=activity, learner=demo.young_learner).waitlist_position == 1


def test_other_peoples_registrations_answer_404(demo):
    activity = published_activity(demo)
    from lifelong.activities import services

    theirs = services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    client = Client()
    client.post("/accounts/login/", {"phone": "13900000006", "password": demo.password})
    assert client.post(f"/registrations/{theirs.pk}/cancel/").status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == "confirmed"
