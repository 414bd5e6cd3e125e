"""Review fixes to editing: two edits interleaved never drop a session one of them did not see,
"to be announced" is a choice of its own, the create page has the admins' over-capacity switch,
a new activity venue is news only where a session moved, and an unchanged description is no
change."""

from datetime import timedelta

import pytest

from lifelong.activities import services
from lifelong.activities.models import Activity
from lifelong.activities.services import editing
from lifelong.common.models import AuditEvent
from lifelong.institutions.models import Institution
from lifelong.institutions.tests.helpers import school_classroom
from lifelong.notifications.models import Notification

from .helpers import edit_form_data, form_time, new_learner, published_activity
from .test_console_pages import draft_form

pytestmark = pytest.mark.usefixtures("english_site")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def school() -> Institution:
    return Institution.objects.get(kind="community_school", region__code="330424105")


def other_venue():
    return school().venues.exclude(pk=school_classroom().pk).order_by("-capacity").first()


def register(demo, activity, n=1):
    for _ in range(n):
        learner = new_learner(demo)
        services.registration_create(actor=learner, activity=activity, learner=learner)


# --- Two edits interleaved ------------------------------------------------------------------------


def test_a_stale_edit_page_keeps_the_session_someone_added_after_it_was_loaded(demo, verified_client):
    activity = published_activity(demo)
    first = activity.sessions.get()
    stale = edit_form_data(activity, summary="带上扇子")  # editor A loads the page ...
    added = first.starts_at + timedelta(days=7)
    other = edit_form_data(
        activity,
        **{
            "sessions-TOTAL_FORMS": "2",
            "sessions-1-starts_at": form_time(added),
            "sessions-1-ends_at": form_time(added + timedelta(hours=2)),
        },
    )
    admin = verified_client(demo.county_admin)  # ... editor B adds a session meanwhile ...
    assert admin.post(f"/console/activities/{activity.pk}/edit/", other).status_code == 302
    assert activity.sessions.count() == 2
    organizer = verified_client(demo.organizer)  # ... and A saves what A saw
    response = organizer.post(f"/console/activities/{activity.pk}/edit/", stale, follow=True)
    assert messages_of(response) == ["Saved."]
    activity.refresh_from_db()
    assert activity.summary == "带上扇子"
    assert activity.sessions.count() == 2  # B's session stays: A never saw it, so A did not remove it
    # A session the page showed and that was ticked is still removed.
    data = edit_form_data(activity, **{"sessions-0-DELETE": "on"})
    organizer.post(f"/console/activities/{activity.pk}/edit/", data)
    assert list(activity.sessions.values_list("pk", flat=True)) == [activity.sessions.exclude(pk=first.pk).get().pk]
    assert not activity.sessions.filter(pk=first.pk).exists()


def test_session_update_keeps_a_session_added_between_its_read_and_its_write(demo, monkeypatch):
    """session_update used to read every session, then hand that list to the full edit, which
    removed whatever had been added in between. Here another edit lands at that very moment."""
    activity = published_activity(demo)
    session = activity.sessions.get()
    real_update = editing.activity_update
    added_at = session.starts_at + timedelta(days=7)

    def another_edit_lands_first(**kwargs):
        real_update(
            actor=demo.county_admin,
            activity=activity,
            sessions=[
                {"id": session.pk, "starts_at": session.starts_at, "ends_at": session.ends_at},
                {"starts_at": added_at, "ends_at": added_at + timedelta(hours=2)},
            ],
        )
        return real_update(**kwargs)

    monkeypatch.setattr(editing, "activity_update", another_edit_lands_first)
    later = session.starts_at + timedelta(days=1)
    moved = services.session_update(
        actor=demo.organizer, session=session, starts_at=later, ends_at=later + timedelta(hours=2)
    )
    assert moved.starts_at == later
    assert sorted(activity.sessions.values_list("starts_at", flat=True)) == [later, added_at]


def test_session_update_runs_in_one_transaction_holding_the_activitys_row(demo, monkeypatch):
    activity = published_activity(demo)
    session = activity.sessions.get()
    locked = []
    real = Activity.objects.select_for_update

    def spy(*args, **kwargs):
        from django.db import connection

        locked.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(Activity.objects, "select_for_update", spy)
    later = session.starts_at + timedelta(days=1)
    services.session_update(actor=demo.organizer, session=session, starts_at=later, ends_at=later + timedelta(hours=2))
    # The first lock is taken by session_update itself, before it reads the session.
    assert len(locked) >= 2 and all(locked)


def test_the_service_removes_only_sessions_it_was_shown(demo):
    activity = published_activity(demo)
    first = activity.sessions.get()
    second_at = first.starts_at + timedelta(days=7)
    services.activity_update(
        actor=demo.organizer,
        activity=activity,
        sessions=[{"starts_at": second_at, "ends_at": second_at + timedelta(hours=2)}],
        sessions_shown=set(),
    )
    assert activity.sessions.count() == 2
    change = services.activity_update(actor=demo.organizer, activity=activity, sessions=[], sessions_shown={first.pk})
    assert change.sessions_removed == 1
    assert list(activity.sessions.values_list("starts_at", flat=True)) == [second_at]


# --- "To be announced" --------------------------------------------------------------------------


def test_a_session_can_be_set_to_be_announced_and_stays_so(demo, verified_client, django_capture_on_commit_callbacks):
    activity = published_activity(demo, venue=school_classroom())
    register(demo, activity)
    url = f"/console/activities/{activity.pk}/edit/"
    organizer = verified_client(demo.organizer)
    page = organizer.get(url).content.decode()
    assert '<option value="tba">To be announced</option>' in page
    assert "Where the activity is held" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(url, edit_form_data(activity, **{"sessions-0-venue": "tba"}), follow=True)
    assert messages_of(response) == ["Saved. 1 learner was told about the change."]
    session = activity.sessions.get()
    assert session.venue_id is None and Activity.objects.get(pk=activity.pk).venue == school_classroom()
    page = organizer.get(url).content.decode()
    assert '<option value="tba" selected>To be announced</option>' in page
    response = organizer.post(url, edit_form_data(activity), follow=True)  # shown and sent back as it is
    assert messages_of(response) == ["Nothing was changed."]
    # Back to "where the activity is held".
    organizer.post(url, edit_form_data(activity, **{"sessions-0-venue": ""}))
    assert activity.sessions.get().venue == school_classroom()


# --- The create page's over-capacity switch --------------------------------------------------------


def test_the_create_page_offers_admins_the_over_capacity_switch_with_its_rule(demo, verified_client):
    organizer = verified_client(demo.organizer)
    assert 'name="over_venue_capacity"' not in organizer.get("/console/activities/new/").content.decode()
    too_many = draft_form(school(), venue=school_classroom().pk, capacity="500")
    response = organizer.post("/console/activities/new/", {**too_many, "over_venue_capacity": "on"})
    assert response.status_code == 200 and "has 60 seats" in response.content.decode()
    assert not Activity.objects.filter(title="葡萄种植技术").exists()

    admin = verified_client(demo.county_admin)
    page = admin.get("/console/activities/new/").content.decode()
    assert 'name="over_venue_capacity"' in page
    assert "An admin over the organizer may allow more" in page
    response = admin.post("/console/activities/new/", too_many)
    assert response.status_code == 200 and "has 60 seats" in response.content.decode()
    assert admin.post("/console/activities/new/", {**too_many, "over_venue_capacity": "on"}).status_code == 302
    assert Activity.objects.get(title="葡萄种植技术").capacity == 500


# --- A change of place is news only where a session moved -------------------------------------------


def test_a_new_activity_venue_with_every_session_elsewhere_tells_nobody(demo, django_capture_on_commit_callbacks):
    activity = published_activity(demo, venue=school_classroom())
    register(demo, activity, 2)
    session = activity.sessions.get()
    elsewhere = other_venue()
    services.activity_update(
        actor=demo.organizer,
        activity=activity,
        sessions=[{"id": session.pk, "starts_at": session.starts_at, "ends_at": session.ends_at, "venue": elsewhere}],
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.activity_update(actor=demo.organizer, activity=activity, venue=None)
    assert change.changed == ["venue"] and change.told == 0
    assert not Notification.objects.exists()
    assert activity.sessions.get().venue == elsewhere
    # A session that follows the activity's venue moves with it: that is news.
    services.activity_update(
        actor=demo.organizer,
        activity=activity,
        venue=elsewhere,
    )
    with django_capture_on_commit_callbacks(execute=True):
        change = services.activity_update(actor=demo.organizer, activity=activity, venue=school_classroom())
    assert change.sessions_moved == 1 and change.told == 2


# --- An unchanged description -------------------------------------------------------------------


@pytest.mark.parametrize(
    "description",
    [
        "第一行\n第二行",  # plain text, as the API stores what it is sent
        "<p>带上扇子 &amp; 水杯</p>\n\n<p>穿平底鞋</p>",
        "<ul>\n<li>扇子</li>\n<li>水杯</li>\n</ul>",  # rich text, shown as its HTML
    ],
)
def test_saving_the_edit_form_unchanged_records_nothing_and_tells_nobody(
    demo, verified_client, django_capture_on_commit_callbacks, description
):
    activity = published_activity(demo, description=description, description_en="Bring a fan.\nWear flat shoes.")
    register(demo, activity)
    stored = Activity.objects.get(pk=activity.pk).description
    data = edit_form_data(activity)
    # A browser sends a text area's lines with CR LF.
    for name in ("description", "description_en"):
        data[name] = data[name].replace("\n", "\r\n")
    audited = AuditEvent.objects.count()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = verified_client(demo.organizer).post(f"/console/activities/{activity.pk}/edit/", data, follow=True)
    assert messages_of(response) == ["Nothing was changed."]
    assert AuditEvent.objects.count() == audited
    assert not Notification.objects.exists()
    assert Activity.objects.get(pk=activity.pk).description == stored
    # A real change is still one.
    data["description"] = "换了说明"
    response = verified_client(demo.organizer).post(f"/console/activities/{activity.pk}/edit/", data, follow=True)
    assert messages_of(response) == ["Saved."]
    assert Activity.objects.get(pk=activity.pk).description == "<p>换了说明</p>"


def test_the_words_only_page_of_a_cancelled_activity_also_keeps_an_unchanged_description(demo, verified_client):
    activity = published_activity(demo, description="第一行\n第二行")
    services.activity_cancel(actor=demo.organizer, activity=activity)
    audited = AuditEvent.objects.count()
    response = verified_client(demo.organizer).post(
        f"/console/activities/{activity.pk}/edit/",
        {"summary": "", "description": "第一行\r\n第二行", "description_en": "", "contact_phone": ""},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.count() == audited
    assert Activity.objects.get(pk=activity.pk).description == "第一行\n第二行"
