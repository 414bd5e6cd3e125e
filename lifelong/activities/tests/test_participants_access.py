"""The participant tools in the access-control matrix (the activities matrix's oracle, see
test_access_matrix.py): the message page, the roster files and the messages endpoint belong to
the activity's managers (its organizer, admins over its institution); everyone else gets 404,
and a refused request sends nothing and exports nothing."""

import pytest

from lifelong.activities import services
from lifelong.common.models import AuditEvent
from lifelong.notifications.models import Notification
from lifelong.testkit.api import ApiClient
from lifelong.testkit.matrix import MATRIX_PERSONAS as PERSONAS
from lifelong.testkit.matrix import expect_page

from .helpers import new_learner, published_activity
from .test_access_matrix import MANAGERS, actors, expect, web  # noqa: F401 (fixtures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_message_page_and_roster_files_follow_scope(demo, actors, web, persona, django_capture_on_commit_callbacks):  # noqa: F811
    client = web[persona]
    activity = published_activity(demo, capacity=5)
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    allowed = persona in MANAGERS
    expect_page(client.get(f"/console/activities/{activity.pk}/message/"), allowed, persona)
    for file_format in ("csv", "xlsx"):
        expect_page(client.get(f"/console/activities/{activity.pk}/roster.{file_format}"), allowed, persona)
    exports = AuditEvent.objects.filter(summary="roster exported").count()
    assert exports == (2 if allowed else 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/console/activities/{activity.pk}/message/", {"text": "hello"})
    expect_page(response, allowed, persona, ok=302)
    assert Notification.objects.filter(kind="organizer_msg").count() == (1 if allowed else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_messages_endpoint_follows_scope(demo, actors, persona, django_capture_on_commit_callbacks):  # noqa: F811
    activity = published_activity(demo, capacity=5)
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = ApiClient(actors[persona]).post(f"/activities/{activity.pk}/messages", {"text": "hello"})
    expect(response, persona in MANAGERS, persona, ok=201)
    assert Notification.objects.filter(kind="organizer_msg").count() == (1 if persona in MANAGERS else 0)
