import json
from datetime import timedelta

from lifelong.activities import services
from lifelong.activities.tests.helpers import new_learner, published_activity
from lifelong.notifications.models import Notification
from lifelong.testkit.api import ApiClient


def test_my_notifications_lists_only_mine_and_marks_them_read(demo, django_capture_on_commit_callbacks):
    activity = published_activity(demo)
    mine, other = new_learner(demo), new_learner(demo)
    with django_capture_on_commit_callbacks(execute=True):
        for learner in (mine, other):
            services.registration_create(actor=learner, activity=activity, learner=learner)
    api = ApiClient(mine)
    body = api.get("/me/notifications").json()
    assert body["count"] == 1 and body["unread"] == 1
    item = body["items"][0]
    assert item["kind"] == "confirmed" and item["activity"] == activity.pk and item["read_at"] is None
    theirs = Notification.objects.get(recipient=other)
    refused = api.post("/me/notifications/read", {"id": theirs.pk})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert api.post("/me/notifications/read", {"id": "x"}).status_code == 422
    assert api.post("/me/notifications/read", {"bogus": 1}).status_code == 422
    assert api.post("/me/notifications/read", {}).json() == {"marked": 1}
    assert api.get("/me/notifications", unread="true").json()["count"] == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert ApiClient().get("/me/notifications").status_code == 401


def test_staff_move_a_session_through_the_api_and_learners_are_told(demo, django_capture_on_commit_callbacks):
    activity = published_activity(demo)
    session = activity.sessions.get()
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    later = session.starts_at + timedelta(days=1)
    body = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()}
    outsider = ApiClient(demo.town_admin).client.patch(
        f"/api/v1/sessions/{session.pk}",
        json.dumps(body),
        content_type="application/json",
        headers=ApiClient(demo.town_admin).headers,
    )
    assert outsider.status_code == 404
    staff = ApiClient(demo.organizer)
    bad = staff.client.patch(
        f"/api/v1/sessions/{session.pk}",
        json.dumps({**body, "ends_at": later.isoformat()}),
        content_type="application/json",
        headers=staff.headers,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_period"
    assert bad.json()["field"] == "ends_at"
    with django_capture_on_commit_callbacks(execute=True):
        moved = staff.client.patch(
            f"/api/v1/sessions/{session.pk}", json.dumps(body), content_type="application/json", headers=staff.headers
        )
    assert moved.status_code == 200 and moved.json()["id"] == session.pk
    session.refresh_from_db()
    assert session.starts_at == later
    assert Notification.objects.filter(recipient=learner, kind="changed").count() == 1
