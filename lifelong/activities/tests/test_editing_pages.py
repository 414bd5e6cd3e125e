"""The console's edit page (everything set at creation, sessions as rows to change, add and
remove), the copy button, what each save says, and the way back from a rejection."""

from datetime import timedelta

import pytest

from lifelong.activities import services
from lifelong.activities.models import Activity, Registration
from lifelong.institutions.tests.helpers import school_classroom
from lifelong.notifications.models import Notification

from .helpers import edit_form_data, form_time, new_learner, published_activity

pytestmark = pytest.mark.usefixtures("english_site")


def fill(demo, activity, n):
    registrations = []
    for _ in range(n):
        learner = new_learner(demo)
        registrations.append(services.registration_create(actor=learner, activity=activity, learner=learner))
    return registrations


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_edit_page_shows_every_field_and_the_sessions(demo, verified_client):
    activity = published_activity(demo, summary="简介")
    page = verified_client(demo.organizer).get(f"/console/activities/{activity.pk}/edit/").content.decode()
    for name in (
        "title",
        "title_en",
        "description",
        "description_en",
        "category",
        "audiences",
        "venue",
        "capacity",
        "reserved_offline",
        "registration_opens",
        "registration_closes",
        "requires_approval",
        "waitlist",
        "hours",
        "certificate",
        "min_age",
        "max_age",
        "residents_of",
        "cover_upload",
        "sessions-0-starts_at",
        "sessions-0-DELETE",
        "sessions-1-starts_at",  # an empty row to add one
    ):
        assert f'name="{name}"' in page, name
    assert 'name="over_venue_capacity"' not in page  # organizers cannot allow more than the venue holds
    assert form_time(activity.sessions.get().starts_at) in page
    assert "everyone registered or on the waitlist is told" in page
    admin_page = verified_client(demo.county_admin).get(f"/console/activities/{activity.pk}/edit/").content.decode()
    assert 'name="over_venue_capacity"' in admin_page


def test_saving_a_new_time_and_more_seats_says_who_was_told_and_who_moved_up(
    demo, verified_client, django_capture_on_commit_callbacks
):
    activity = published_activity(demo, capacity=2)
    fill(demo, activity, 2)
    waiting = fill(demo, activity, 2)
    session = activity.sessions.get()
    later = session.starts_at + timedelta(days=1)
    data = edit_form_data(
        activity,
        capacity="3",
        **{"sessions-0-starts_at": form_time(later), "sessions-0-ends_at": form_time(later + timedelta(hours=2))},
    )
    organizer = verified_client(demo.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer.post(f"/console/activities/{activity.pk}/edit/", data, follow=True)
    said = " ".join(messages_of(response))
    assert said == "Saved. 4 learners were told about the change. 1 learner moved up from the waitlist."
    assert Registration.objects.get(pk=waiting[0].pk).status == "confirmed"
    assert Registration.objects.get(pk=waiting[1].pk).status == "waitlisted"
    assert Notification.objects.filter(kind="changed").count() == 4
    session.refresh_from_db()
    assert session.starts_at == later.replace(second=0, microsecond=0)


def test_rows_add_and_remove_sessions(demo, verified_client):
    activity = published_activity(demo)
    first = activity.sessions.get()
    added = first.starts_at + timedelta(days=7)
    organizer = verified_client(demo.organizer)
    data = edit_form_data(
        activity,
        **{
            "sessions-TOTAL_FORMS": "2",
            "sessions-1-starts_at": form_time(added),
            "sessions-1-ends_at": form_time(added + timedelta(hours=2)),
        },
    )
    assert organizer.post(f"/console/activities/{activity.pk}/edit/", data).status_code == 302
    assert activity.sessions.count() == 2
    data = edit_form_data(activity, **{"sessions-0-DELETE": "on"})
    response = organizer.post(f"/console/activities/{activity.pk}/edit/", data, follow=True)
    assert "Saved." in messages_of(response)[0]
    assert list(activity.sessions.values_list("starts_at", flat=True)) == [added.replace(second=0, microsecond=0)]


@pytest.mark.parametrize(
    ("overrides", "shown"),
    [
        ({"capacity": "1"}, "2 seats are already taken"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"title": ""}, "This field is required"),
        ({"sessions-0-DELETE": "on"}, "An activity needs at least one session."),
        ({"sessions-0-ends_at": ""}, "Give the session"),
    ],
)
def test_bad_input_shows_on_the_form_and_changes_nothing(demo, verified_client, overrides, shown):
    activity = published_activity(demo, capacity=3)
    fill(demo, activity, 2)
    response = verified_client(demo.organizer).post(
        f"/console/activities/{activity.pk}/edit/", edit_form_data(activity, summary="改过", **overrides)
    )
    assert response.status_code == 200
    assert shown in response.content.decode()
    activity.refresh_from_db()
    assert activity.summary == "" and activity.capacity == 3 and activity.sessions.count() == 1


def test_more_than_the_venue_holds_is_refused_on_the_form(demo, verified_client):
    activity = published_activity(demo, venue=school_classroom(), capacity=20)
    response = verified_client(demo.organizer).post(
        f"/console/activities/{activity.pk}/edit/", edit_form_data(activity, capacity="500")
    )
    assert response.status_code == 200 and "has 60 seats" in response.content.decode()
    admin = verified_client(demo.county_admin)
    data = edit_form_data(activity, capacity="500", over_venue_capacity="on")
    assert admin.post(f"/console/activities/{activity.pk}/edit/", data).status_code == 302
    activity.refresh_from_db()
    assert activity.capacity == 500


def test_an_unchanged_save_says_so(demo, verified_client):
    activity = published_activity(demo)
    response = verified_client(demo.organizer).post(
        f"/console/activities/{activity.pk}/edit/", edit_form_data(activity), follow=True
    )
    assert messages_of(response) == ["Nothing was changed."]


def test_a_rejected_activity_shows_the_reason_and_the_way_to_submit_again(demo, verified_client):
    activity = published_activity(demo)
    Activity.objects.filter(pk=activity.pk).update(status="submitted")
    services.activity_reject(actor=demo.county_admin, activity=activity, reason="请写清楚要带什么")
    organizer = verified_client(demo.organizer)
    page = organizer.get(f"/console/activities/{activity.pk}/").content.decode()
    assert "请写清楚要带什么" in page and "Edit and submit again" in page
    assert f"/console/activities/{activity.pk}/edit/" in page
    edit = organizer.get(f"/console/activities/{activity.pk}/edit/").content.decode()
    assert "请写清楚要带什么" in edit
    response = organizer.post(
        f"/console/activities/{activity.pk}/edit/", edit_form_data(activity, summary="带毛笔"), follow=True
    )
    assert messages_of(response) == ["Saved. Submit it again when it is ready."]
    organizer.post(f"/console/activities/{activity.pk}/submit/")
    activity.refresh_from_db()
    assert activity.status == "submitted" and activity.summary == "带毛笔"


def test_copy_opens_the_new_draft_for_editing(demo, verified_client):
    activity = published_activity(demo)
    fill(demo, activity, 2)
    organizer = verified_client(demo.organizer)
    page = organizer.get(f"/console/activities/{activity.pk}/").content.decode()
    assert f'action="/console/activities/{activity.pk}/copy/"' in page
    assert organizer.get(f"/console/activities/{activity.pk}/copy/").status_code == 405
    response = organizer.post(f"/console/activities/{activity.pk}/copy/")
    copy = Activity.objects.exclude(pk=activity.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/console/activities/{copy.pk}/edit/"
    assert copy.status == "draft" and not copy.registrations.exists()
    said = messages_of(organizer.get(response["Location"]))[0]
    assert said.startswith("A copy is saved as a draft, starting ")


def test_a_cancelled_activity_keeps_only_its_words_editable(demo, verified_client):
    activity = published_activity(demo)
    services.activity_cancel(actor=demo.organizer, activity=activity)
    organizer = verified_client(demo.organizer)
    page = organizer.get(f"/console/activities/{activity.pk}/edit/").content.decode()
    assert 'name="description"' in page and 'name="capacity"' not in page
    assert organizer.post(f"/console/activities/{activity.pk}/edit/", {"summary": "已取消"}).status_code == 302
    activity.refresh_from_db()
    assert activity.summary == "已取消"
