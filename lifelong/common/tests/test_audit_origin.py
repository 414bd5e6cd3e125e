"""Every audit event says where it came from: the request's address and user agent, even when
the service that wrote it never saw the request; a task or a command names itself instead."""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.db.models import Max
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django_tasks import task

from lifelong.activities.models import Activity, Registration
from lifelong.activities.tests.test_api import activity_body
from lifelong.common.choices import AuditAction
from lifelong.common.middleware import AuditOriginMiddleware
from lifelong.common.models import AuditEvent
from lifelong.common.services import (
    AuditOrigin,
    audit_origin,
    audit_record,
    current_audit_origin,
)
from lifelong.testkit.api import ApiClient

pytestmark = pytest.mark.django_db

PHONE_UA = "Mozilla/5.0 (Linux; Android 12; HarmonyOS) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
APP_UA = "HaiyanLearning/2.1 (Android 12)"


def _last_event_id() -> int:
    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _web(verified_client, user, *, address: str) -> Client:
    client = verified_client(user)
    client.defaults.update(HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR=address)
    return client


def _api(user, *, address: str) -> ApiClient:
    api = ApiClient(user)
    api.headers["User-Agent"] = APP_UA
    api.client.defaults["REMOTE_ADDR"] = address
    return api


def test_every_event_written_while_serving_pages_and_the_api_has_an_address_and_a_user_agent(demo, verified_client):
    """The issue's finding (62 of 104 events with no address) as a test: staff and citizens
    work through web forms and the API, and every event they cause says where it came from."""
    before = _last_event_id()
    organizer_api = _api(demo.organizer, address="10.0.0.4")
    created = organizer_api.post("/activities", activity_body())  # audited inside activity_create
    assert created.status_code == 201
    activity_id = created.json()["id"]

    organizer_web = _web(verified_client, demo.organizer, address="10.0.0.5")
    assert organizer_web.post(f"/console/activities/{activity_id}/submit/").status_code == 302
    county_web = _web(verified_client, demo.county_admin, address="10.0.0.1")
    assert county_web.post(f"/console/activities/{activity_id}/publish/").status_code == 302
    assert Activity.objects.get(pk=activity_id).status == "published"
    registered = county_web.post(
        f"/console/activities/{activity_id}/registrations/new/", {"learner": demo.elder_learner.pk}
    )
    assert registered.status_code == 302
    assert Registration.objects.filter(activity_id=activity_id, learner=demo.elder_learner).exists()

    town_api = _api(demo.town_admin, address="10.0.0.2")
    placed = town_api.post(f"/activities/{activity_id}/registrations", {"learner": demo.young_learner.pk})
    assert placed.status_code == 201, placed.content
    assert town_api.delete(f"/registrations/{placed.json()['id']}").status_code in (200, 204)

    citizen = Client(HTTP_USER_AGENT=PHONE_UA, REMOTE_ADDR="10.0.0.6")
    assert citizen.post("/accounts/login/", {"phone": "13900000005", "password": demo.password}).status_code == 302
    citizen.post("/accounts/login/", {"phone": "13900000006", "password": "wrong-password"})

    events = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    kinds = {(event.action, event.object_type) for event in events}
    assert (AuditAction.CREATED, "activities.activity") in kinds
    assert (AuditAction.CREATED, "activities.registration") in kinds
    assert (AuditAction.UPDATED, "activities.registration") in kinds  # cancelled by staff
    assert (AuditAction.LOGIN, "accounts.user") in kinds and (AuditAction.LOGIN_FAILED, "") in kinds
    assert len(events) >= 7
    missing = [(event.action, event.object_type, event.summary) for event in events if not event.ip_address]
    assert missing == []
    assert all(event.user_agent in (PHONE_UA, APP_UA) for event in events)
    # Each event carries the address of the request that caused it, not a neighbour's.
    by_summary = {event.summary: event for event in events}
    assert by_summary["submitted"].ip_address == "10.0.0.5"
    assert by_summary["published"].ip_address == "10.0.0.1"
    assert by_summary["registration cancelled by staff"].ip_address == "10.0.0.2"
    assert by_summary["registration cancelled by staff"].user_agent == APP_UA
    assert by_summary["submitted"].user_agent == PHONE_UA


def _view_that_audits(request):
    audit_record(actor=None, action=AuditAction.UPDATED, summary=request.path)  # no request passed
    return HttpResponse("ok")


def test_the_middleware_sets_the_origin_for_the_request_only(rf: RequestFactory, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # the address follows client_ip's proxy rule
    middleware = AuditOriginMiddleware(_view_that_audits)
    request = rf.get(
        "/first", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7", HTTP_USER_AGENT="x" * 400
    )
    middleware(request)
    first = AuditEvent.objects.get(summary="/first")
    assert first.ip_address == "10.9.8.7"
    assert first.user_agent == "x" * 255  # truncated to the column

    settings.TRUSTED_PROXY_COUNT = 0
    middleware(rf.get("/second", REMOTE_ADDR="192.168.1.20"))  # sends no user agent
    second = AuditEvent.objects.get(summary="/second")
    assert second.ip_address == "192.168.1.20" and second.user_agent == ""

    # After the response nothing is left behind for work done outside a request.
    assert current_audit_origin().ip_address is None
    after = audit_record(actor=None, action=AuditAction.UPDATED, summary="after")
    assert after.ip_address is None


def test_the_origin_is_cleared_even_when_the_view_fails(rf):
    def failing_view(request):
        audit_record(actor=None, action=AuditAction.UPDATED, summary="before failing")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        AuditOriginMiddleware(failing_view)(rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_USER_AGENT="ua"))
    assert AuditEvent.objects.get(summary="before failing").ip_address == "10.1.1.1"
    assert current_audit_origin().ip_address is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_async_requests_keep_their_own_origin(rf):
    """Two requests interleaved on one event loop: each event gets its own request's address."""
    from asgiref.sync import sync_to_async

    seen: dict[str, AuditOrigin] = {}

    async def view(request):
        await asyncio.sleep(0.01)  # let the other request run in between
        seen[request.path] = current_audit_origin()
        await sync_to_async(audit_record)(actor=None, action=AuditAction.UPDATED, summary=request.path)
        return HttpResponse("ok")

    middleware = AuditOriginMiddleware(view)

    async def both():
        await asyncio.gather(
            middleware(rf.get("/a", REMOTE_ADDR="10.0.0.10", HTTP_USER_AGENT="ua-a")),
            middleware(rf.get("/b", REMOTE_ADDR="10.0.0.11", HTTP_USER_AGENT="ua-b")),
        )
        await sync_to_async(connections.close_all)()  # the worker thread's connection, before teardown

    # A thread of its own: a browser test in the same worker process may hold a running loop here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, both()).result()
    assert seen["/a"] == AuditOrigin("10.0.0.10", "ua-a") and seen["/b"] == AuditOrigin("10.0.0.11", "ua-b")
    assert AuditEvent.objects.get(summary="/a").ip_address == "10.0.0.10"
    assert AuditEvent.objects.get(summary="/b").user_agent == "ua-b"


def test_a_request_passed_explicitly_wins(rf):
    with audit_origin(AuditOrigin("10.2.2.2", "outer")):
        event = audit_record(
            actor=None,
            action=AuditAction.UPDATED,
            request=rf.get("/", REMOTE_ADDR="10.3.3.3", HTTP_USER_AGENT="inner"),
        )
    assert (event.ip_address, event.user_agent) == ("10.3.3.3", "inner")


def test_a_task_records_its_own_name_and_no_address_even_inside_a_request():
    """The test backend runs tasks inside the request that enqueued them; the event is the
    task's all the same, and the request's origin is back once the task is done."""
    with audit_origin(AuditOrigin("10.4.4.4", "browser")):
        audit_in_a_task.enqueue()
        back = audit_record(actor=None, action=AuditAction.UPDATED, summary="after the task")
    in_task = AuditEvent.objects.get(summary="from a task")
    assert in_task.ip_address is None
    assert in_task.user_agent == "task:lifelong.common.tests.test_audit_origin.audit_in_a_task"
    assert (back.ip_address, back.user_agent) == ("10.4.4.4", "browser")


def test_a_management_command_names_itself(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/srv/lifelong/manage.py", "import_learners", "villagers.xlsx"])
    event = audit_record(actor=None, action=AuditAction.CREATED, summary="imported")
    assert event.ip_address is None and event.user_agent == "command:import_learners"
    monkeypatch.setattr(sys, "argv", ["/usr/bin/gunicorn", "config.wsgi"])
    assert audit_record(actor=None, action=AuditAction.CREATED).user_agent == "process:gunicorn"


@task()
def audit_in_a_task() -> None:
    audit_record(actor=None, action=AuditAction.UPDATED, summary="from a task")
