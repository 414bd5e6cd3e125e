"""When a session may be held (security issue 15, finding 2): a new or moved session ends after
it starts, lasts at most 12 hours, starts at most 7 days ago and at most 2 years ahead, through
the services, the API (whose session times are written-out text, never a number) and the
console's pages; and a session's room booking meets the booking rules of every booking."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from lifelong.activities import services
from lifelong.activities.models import Activity, Session
from lifelong.activities.session_times import SESSION_MAX_AHEAD, SESSION_MAX_LENGTH, SESSION_PAST_TOLERANCE
from lifelong.common.errors import InvalidInput
from lifelong.institutions.models import Institution, VenueBooking
from lifelong.institutions.tests.helpers import school_classroom
from lifelong.notifications.models import Notification
from lifelong.testkit.api import ApiClient

from .helpers import edit_form_data, new_learner, published_activity


def school() -> Institution:
    return Institution.objects.get(kind="community_school", region__code="330424105")


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def shown(moment) -> str:
    """How a refusal names the session: its start, in county time."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def draft(demo, *sessions: tuple, **fields) -> Activity:
    now = timezone.now()
    return services.activity_create(
        actor=demo.organizer,
        institution=school(),
        sessions=[{"starts_at": s, "ends_at": e, **({"venue": v[0]} if v else {})} for s, e, *v in sessions],
        title="书法入门",
        category="arts",
        capacity=10,
        registration_opens=now,
        registration_closes=now + timedelta(days=5),
        **fields,
    )


def _soon():
    return (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)


# What breaks which rule, as (start, end) from a moment `now`, and the code of the refusal.
OUT_OF_RANGE = {
    "invalid_period": lambda now: (now + timedelta(days=10, hours=2), now + timedelta(days=10)),
    "session_too_long": lambda now: (now + timedelta(days=10), now + timedelta(days=10) + SESSION_MAX_LENGTH * 2),
    "session_in_past": lambda now: (
        now - SESSION_PAST_TOLERANCE - timedelta(hours=1),
        now - SESSION_PAST_TOLERANCE + timedelta(hours=1),
    ),
    "session_too_far_ahead": lambda now: (
        now + SESSION_MAX_AHEAD + timedelta(days=1),
        now + SESSION_MAX_AHEAD + timedelta(days=1, hours=2),
    ),
}


# --- Services ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", OUT_OF_RANGE)
def test_an_activity_is_not_created_with_a_session_out_of_range(demo, code):
    starts, ends = OUT_OF_RANGE[code](timezone.now())
    with pytest.raises(InvalidInput) as error:
        draft(demo, (_soon(), _soon() + timedelta(hours=2)), (starts, ends))
    assert (error.value.code, error.value.field) == (code, "sessions")
    assert shown(starts) in error.value.detail
    assert not Activity.objects.exists() and not Session.objects.exists()


def test_the_edges_of_the_rules_are_allowed(demo):
    now = timezone.now()
    far = now + SESSION_MAX_AHEAD - timedelta(minutes=1)
    activity = draft(
        demo,
        (now - SESSION_PAST_TOLERANCE + timedelta(minutes=1), now - SESSION_PAST_TOLERANCE + timedelta(hours=2)),
        (_soon(), _soon() + SESSION_MAX_LENGTH),  # a day's study tour
        (far, far + timedelta(hours=2)),
    )
    assert activity.sessions.count() == 3


@pytest.mark.parametrize("code", OUT_OF_RANGE)
def test_a_session_is_not_moved_out_of_range(demo, code):
    activity = published_activity(demo)
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    session = activity.sessions.get()
    before = (session.starts_at, session.ends_at)
    starts, ends = OUT_OF_RANGE[code](timezone.now())
    with pytest.raises(InvalidInput) as error:
        services.session_update(actor=demo.organizer, session=session, starts_at=starts, ends_at=ends)
    field = "starts_at" if code in ("session_in_past", "session_too_far_ahead") else "ends_at"
    assert (error.value.code, error.value.field) == (code, field)
    with pytest.raises(InvalidInput) as error:  # the full edit: a session named by its id
        services.activity_update(
            actor=demo.organizer, activity=activity, sessions=[{"id": session.pk, "starts_at": starts, "ends_at": ends}]
        )
    assert (error.value.code, error.value.field) == (code, "sessions")
    with pytest.raises(InvalidInput) as error:  # or a new one
        services.activity_update(
            actor=demo.organizer,
            activity=activity,
            sessions=[
                {"id": session.pk, "starts_at": before[0], "ends_at": before[1]},
                {"starts_at": starts, "ends_at": ends},
            ],
        )
    assert error.value.code == code
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == before and activity.sessions.count() == 1
    assert not Notification.objects.filter(kind="act_changed").exists()


def test_a_session_kept_as_it_is_is_not_held_to_the_rules(demo):
    """Sessions stored before the rules (or run last month) stay editable around: an edit that
    keeps them as they are goes through; only moving one holds it to the rules."""
    activity = published_activity(demo)
    session = activity.sessions.get()
    long_ago = timezone.now() - timedelta(days=60)
    Session.objects.filter(pk=session.pk).update(starts_at=long_ago, ends_at=long_ago + timedelta(days=3))
    session.refresh_from_db()
    kept = {"id": session.pk, "starts_at": session.starts_at, "ends_at": session.ends_at}
    change = services.activity_update(actor=demo.organizer, activity=activity, sessions=[kept], title="书法提高班")
    assert change.changed == ["title"]
    later = _soon()
    services.session_update(actor=demo.organizer, session=session, starts_at=later, ends_at=later + timedelta(hours=2))
    session.refresh_from_db()
    assert session.starts_at == later


def test_a_copy_lands_within_the_rules(demo):
    activity = published_activity(demo)
    with pytest.raises(InvalidInput) as error:
        services.activity_copy(actor=demo.organizer, activity=activity, offset=timedelta(days=-30))
    assert error.value.code == "session_in_past"
    with pytest.raises(InvalidInput) as error:
        services.activity_copy(actor=demo.organizer, activity=activity, offset=timedelta(days=3650))
    assert error.value.code == "session_too_far_ahead"
    assert Activity.objects.count() == 1
    assert services.activity_copy(actor=demo.organizer, activity=activity).sessions.count() == 1


def test_a_sessions_room_booking_meets_the_booking_length_cap(demo):
    """One rule for every booking: a session longer than a booking may be (one stored before
    the session rules) books no room when its activity is submitted, nor when it moves room."""
    room = school_classroom()
    activity = draft(demo, (_soon(), _soon() + timedelta(hours=2), room))
    session = activity.sessions.get()
    Session.objects.filter(pk=session.pk).update(ends_at=session.starts_at + timedelta(days=3650))
    with pytest.raises(InvalidInput) as error:
        services.activity_submit(actor=demo.organizer, activity=activity)
    assert error.value.code == "booking_too_long"
    activity.refresh_from_db()
    assert activity.status == "draft" and not VenueBooking.objects.exists()
    # Within the cap it books as before.
    Session.objects.filter(pk=session.pk).update(ends_at=session.starts_at + timedelta(hours=2))
    services.activity_submit(actor=demo.organizer, activity=activity)
    booking = VenueBooking.objects.get(session=session)
    assert booking.ends_at - booking.starts_at == timedelta(hours=2)


# --- The API -------------------------------------------------------------------------------------


def _activity_body(*sessions: dict) -> dict:
    now = timezone.now()
    return {
        "title": "书法入门",
        "category": "arts",
        "institution": school().pk,
        "capacity": 10,
        "registration_opens": now.isoformat(),
        "registration_closes": (now + timedelta(days=5)).isoformat(),
        "sessions": list(sessions),
    }


@pytest.mark.parametrize("number", [0, 1700000000, 1.5, "0", "1700000000", True, "2026", "yesterday"])
def test_the_api_takes_no_number_for_a_session_time(demo, number):
    api = ApiClient(demo.organizer)
    soon = _soon()
    made = api.post("/activities", _activity_body({"starts_at": number, "ends_at": soon.isoformat()}))
    assert made.status_code == 422 and made.json()["code"] == "invalid", made.content
    assert any("starts_at" in problem["loc"] for problem in made.json()["errors"])
    assert not Activity.objects.exists()
    activity = published_activity(demo)
    session = activity.sessions.get()
    moved = api.patch(
        f"/sessions/{session.pk}", {"starts_at": number, "ends_at": (soon + timedelta(hours=2)).isoformat()}
    )
    assert moved.status_code == 422 and moved.json()["code"] == "invalid"
    copied = api.post(f"/activities/{activity.pk}/copy", {"first_starts_at": number})
    assert copied.status_code == 422 and copied.json()["code"] == "invalid"
    session.refresh_from_db()
    assert session.starts_at > timezone.now() and Activity.objects.count() == 1


def test_the_api_takes_written_out_times_with_or_without_an_offset(demo):
    soon = _soon()
    naive = timezone.localtime(soon).replace(tzinfo=None)
    body = _activity_body(
        {"starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=2)).isoformat()},
        {"starts_at": naive.strftime("%Y-%m-%d %H:%M"), "ends_at": (naive + timedelta(hours=1)).isoformat()},
    )
    made = ApiClient(demo.organizer).post("/activities", body)
    assert made.status_code == 201, made.content
    starts = list(Activity.objects.get().sessions.values_list("starts_at", flat=True))
    assert starts == [soon, soon]


@pytest.mark.parametrize("code", OUT_OF_RANGE)
def test_the_api_refuses_session_times_out_of_range_with_a_code_and_a_field(demo, code):
    api = ApiClient(demo.organizer)
    starts, ends = OUT_OF_RANGE[code](timezone.now())
    times = {"starts_at": starts.isoformat(), "ends_at": ends.isoformat()}
    made = api.post("/activities", _activity_body(times))
    assert made.status_code == 422 and (made.json()["code"], made.json()["field"]) == (code, "sessions")
    assert not Activity.objects.exists()

    activity = published_activity(demo, venue=school_classroom())
    session = activity.sessions.get()
    before = (session.starts_at, session.ends_at)
    booking = VenueBooking.objects.get(session=session)
    moved = api.patch(f"/sessions/{session.pk}", times)
    field = "starts_at" if code in ("session_in_past", "session_too_far_ahead") else "ends_at"
    assert moved.status_code == 422 and (moved.json()["code"], moved.json()["field"]) == (code, field)
    edited = api.patch(f"/activities/{activity.pk}", {"sessions": [{"id": session.pk, **times}]})
    assert edited.status_code == 422 and (edited.json()["code"], edited.json()["field"]) == (code, "sessions")
    session.refresh_from_db()
    booking.refresh_from_db()
    assert (session.starts_at, session.ends_at) == before == (booking.starts_at, booking.ends_at)


def test_the_1970_and_ten_year_sessions_of_the_report_are_refused(demo):
    """The finding's own requests: `"starts_at": 0` and a session of ten years at a venue."""
    api = ApiClient(demo.organizer)
    activity = published_activity(demo, venue=school_classroom())
    session = activity.sessions.get()
    zero = api.patch(f"/sessions/{session.pk}", {"starts_at": 0, "ends_at": session.ends_at.isoformat()})
    assert zero.status_code == 422
    decade = api.patch(
        f"/sessions/{session.pk}",
        {"starts_at": session.starts_at.isoformat(), "ends_at": (session.starts_at + timedelta(days=3650)).isoformat()},
    )
    assert decade.status_code == 422 and decade.json()["code"] == "session_too_long"
    booking = VenueBooking.objects.get(session=session)
    assert booking.ends_at - booking.starts_at == timedelta(hours=2)


# --- The console ---------------------------------------------------------------------------------


def test_the_create_page_refuses_a_session_too_long_on_the_form(demo, verified_client):
    soon = _soon()
    data = {
        "institution": school().pk,
        "title": "书法入门",
        "category": "arts",
        "audiences": ["all"],
        "capacity": "10",
        "reserved_offline": "0",
        "registration_opens": local(timezone.now()),
        "registration_closes": local(soon - timedelta(days=1)),
        "offer_hours": "24",
        "hours": "0",
        "completion_share": "80",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "30",
        "sessions-0-starts_at": local(soon),
        "sessions-0-ends_at": local(soon + timedelta(days=3650)),
    }
    response = verified_client(demo.organizer).post("/console/activities/new/", data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert shown(soon) in errors and "12" in errors
    assert errors in response.content.decode()
    assert not Activity.objects.exists()


def test_the_edit_page_refuses_moving_a_session_to_1970(demo, verified_client):
    activity = published_activity(demo)
    session = activity.sessions.get()
    before = session.starts_at
    epoch = datetime(1970, 1, 1, 8, 0, tzinfo=timezone.get_current_timezone())
    data = edit_form_data(
        activity,
        **{"sessions-0-starts_at": local(epoch), "sessions-0-ends_at": local(epoch + timedelta(hours=2))},
    )
    response = verified_client(demo.organizer).post(f"/console/activities/{activity.pk}/edit/", data)
    assert response.status_code == 200
    assert "1970-01-01 08:00" in " ".join(response.context["form"].non_field_errors())
    session.refresh_from_db()
    assert session.starts_at == before


def test_the_quick_move_refuses_a_session_too_far_ahead(demo, verified_client):
    activity = published_activity(demo)
    session = activity.sessions.get()
    before = session.starts_at
    far = timezone.now() + timedelta(days=365 * 40)
    change = {"session": session.pk, "starts_at": local(far), "ends_at": local(far + timedelta(hours=2))}
    response = verified_client(demo.organizer).post("/console/sessions/change/", change, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert any(shown(far.replace(second=0, microsecond=0)) in m for m in said), said
    session.refresh_from_db()
    assert session.starts_at == before
