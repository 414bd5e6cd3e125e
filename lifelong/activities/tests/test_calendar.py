from django.test import Client
from icalendar import Calendar

from lifelong.activities import services
from lifelong.activities.calendar import feed_for

from .helpers import new_learner, published_activity


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_every_published_activity_has_an_ics_file_with_its_sessions(demo):
    activity = published_activity(demo, title="太极入门", summary="适合初学者")
    session = activity.sessions.get()
    found = events(Client().get(f"/activities/{activity.pk}/calendar.ics"))
    assert len(found) == 1
    event = found[0]
    assert str(event["summary"]) == "太极入门" and event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert f"/activities/{activity.pk}/" in str(event["url"])
    services.activity_cancel(actor=demo.organizer, activity=activity)
    assert Client().get(f"/activities/{activity.pk}/calendar.ics").status_code == 404  # no longer public


def test_the_private_feed_shows_held_sessions_only_and_dies_when_replaced(demo):
    learner = new_learner(demo)
    held = published_activity(demo, title="书法班")
    waiting = published_activity(demo, title="满员讲座", capacity=1)
    other = new_learner(demo)
    services.registration_create(actor=other, activity=waiting, learner=other)
    services.registration_create(actor=learner, activity=held, learner=learner)
    services.registration_create(actor=learner, activity=waiting, learner=learner)  # waitlisted
    published_activity(demo, title="无关活动")
    client = Client()
    client.force_login(learner)
    me = client.get("/me/").content.decode()
    token = feed_for(learner).token
    assert f"/calendar/{token}.ics" in me
    titles = [str(e["summary"]) for e in events(Client().get(f"/calendar/{token}.ics"))]
    assert titles == ["书法班"]
    client.post("/me/calendar/reset/")
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    assert Client().get(f"/calendar/{feed_for(learner).token}.ics").status_code == 200


def test_a_family_feed_includes_the_relatives_sessions(demo):
    from lifelong.accounts.services import managed_profile_create

    relative = managed_profile_create(
        actor=demo.young_learner, name="钱阿公", birth_year=1945, home_region=demo.elder_learner.home_region
    )
    activity = published_activity(demo, title="防诈骗讲座")
    services.registration_create(actor=demo.young_learner, activity=activity, learner=relative)
    token = feed_for(demo.young_learner).token
    assert [str(e["summary"]) for e in events(Client().get(f"/calendar/{token}.ics"))] == ["防诈骗讲座"]
