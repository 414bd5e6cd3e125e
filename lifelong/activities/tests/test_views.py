from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifelong.activities.models import Activity, Registration

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


def test_the_catalogue_filters_by_town_and_days_and_puts_activities_near_home_first(demo):
    from datetime import timedelta

    from django.utils import timezone

    from lifelong.activities.selectors import activity_catalogue
    from lifelong.institutions.models import Venue

    home = demo.elder_learner.home_region  # a Tongyuan village
    village_hall = Venue.objects.filter(institution__region=home).first()
    wuyuan_hall = Venue.objects.filter(institution__region__code__startswith="330424001").first()
    far = published_activity(demo, title="远处的课")
    in_town = published_activity(demo, title="镇上的课")
    in_village = published_activity(demo, title="村里的课")
    Activity.objects.filter(pk=far.pk).update(venue=wuyuan_hall)  # held at halls of other institutions
    Activity.objects.filter(pk=in_village.pk).update(venue=village_hall)
    ordered = [a.title for a in activity_catalogue(near=home)]
    assert ordered == ["村里的课", "镇上的课", "远处的课"]
    from lifelong.regions.models import Region

    assert [a.title for a in activity_catalogue(region=Region.objects.get(code="330424001"))] == ["远处的课"]

    page = Client().get("/activities/", {"region": "330424105"}).content.decode()
    assert "镇上的课" in page and "村里的课" in page and "远处的课" not in page
    client = Client()
    client.force_login(demo.elder_learner)
    page = client.get("/activities/").content.decode()
    assert 'data-testid="near-me"' in page and page.index("村里的课") < page.index("远处的课")

    next_week = timezone.localdate() + timedelta(days=7)
    assert {a.pk for a in activity_catalogue(date_from=next_week, date_to=next_week)} == {
        far.pk,
        in_town.pk,
        in_village.pk,
    }
    assert not activity_catalogue(date_to=timezone.localdate() + timedelta(days=2)).exists()
    assert Client().get("/activities/", {"date_from": "not-a-date"}).status_code == 200
