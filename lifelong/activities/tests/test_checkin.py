from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.utils import timezone

from lifelong.activities import checkin, services
from lifelong.activities.models import Attendance, Session
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.testkit.api import ApiClient

from .helpers import new_learner, published_activity


@pytest.fixture
def setting(demo):
    activity = published_activity(demo, capacity=3)
    session = activity.sessions.get()
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    during = session.starts_at + timedelta(minutes=5)
    return activity, session, learner, during


def test_a_learner_scans_the_rotating_code_once(demo, setting):
    _, session, learner, during = setting
    token = checkin.checkin_token(session=session, now=during)
    attendance = checkin.checkin_record(actor=learner, session=session, token=token, now=during)
    assert attendance.method == "qr" and attendance.learner == learner
    with pytest.raises(Conflict) as error:
        checkin.checkin_record(actor=learner, session=session, token=token, now=during)
    assert error.value.code == "already_checked_in"
    assert Attendance.objects.count() == 1


def test_old_forged_and_foreign_codes_are_refused(demo, setting):
    activity, session, learner, during = setting
    with pytest.raises(InvalidInput) as error:
        checkin.checkin_record(actor=learner, session=session, token="1:2:forged", now=during)
    assert error.value.code == "invalid_token"
    other = published_activity(demo).sessions.get()
    with pytest.raises(InvalidInput):
        checkin.checkin_record(actor=learner, session=session, token=checkin.checkin_token(session=other), now=during)
    assert not Attendance.objects.exists()


def test_staff_check_in_within_the_window_and_paper_sheets_up_to_a_week_later(demo, setting):
    _, session, learner, during = setting
    too_early = session.starts_at - timedelta(minutes=31)
    with pytest.raises(Conflict) as error:
        checkin.checkin_record(actor=demo.organizer, session=session, learner=learner, now=too_early)
    assert error.value.code == "checkin_closed"
    after = session.ends_at + timedelta(days=2)
    with pytest.raises(Conflict):
        checkin.checkin_record(actor=demo.organizer, session=session, learner=learner, now=after)
    paper = checkin.checkin_record(actor=demo.organizer, session=session, learner=learner, method="paper", now=after)
    assert paper.method == "paper" and paper.recorded_by == demo.organizer


def test_only_confirmed_learners_and_only_the_activity_staff(demo, setting):
    _, session, _, during = setting
    stranger = new_learner(demo)
    with pytest.raises(InvalidInput) as error:
        checkin.checkin_record(actor=demo.organizer, session=session, learner=stranger, now=during)
    assert error.value.code == "not_registered"
    with pytest.raises(NotFound):
        checkin.checkin_record(actor=demo.town_admin, session=session, learner=stranger, now=during)


def test_checkins_through_the_api(demo, setting):
    _, session, learner, _ = setting
    api = ApiClient(demo.organizer)
    # The session lies next week: check-in is not open yet.
    response = api.post(f"/sessions/{session.pk}/checkins", {"learner": learner.pk})
    assert response.status_code == 409 and response.json()["code"] == "checkin_closed"
    session.starts_at = timezone.now() - timedelta(minutes=10)
    session.save(update_fields=["starts_at"])
    token = api.get(f"/sessions/{session.pk}/checkin-token").json()["token"]
    assert ApiClient(demo.town_admin).get(f"/sessions/{session.pk}/checkin-token").status_code == 404
    scanned = ApiClient(learner).post(f"/sessions/{session.pk}/checkins", {"token": token})
    assert scanned.status_code == 201 and scanned.json()["method"] == "qr"
    again = api.post(f"/sessions/{session.pk}/checkins", {"learner": learner.pk})
    assert again.status_code == 409 and again.json()["code"] == "already_checked_in"
    assert api.post(f"/sessions/{session.pk}/checkins", {}).json()["code"] == "invalid"


def test_the_document_says_a_checkin_sends_a_token_or_a_learner(demo, setting):
    """What the server needs (`token`, or else `learner`) is in the document, so a client generated
    from it never sends a check-in the server must refuse for naming nobody (make fuzz)."""
    _, session, learner, _ = setting
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["CheckinIn"]
    assert schema["anyOf"] == [
        {"required": ["token"], "properties": {"token": {"not": {"type": "null"}}}},
        {"required": ["learner"], "properties": {"learner": {"not": {"type": "null"}}}},
    ]
    assert set(schema["properties"]) == {"token", "learner", "method"}
    api = ApiClient(demo.organizer)
    for nobody in ({}, {"token": None}, {"learner": None}, {"token": None, "learner": None, "method": "paper"}):
        refused = api.post(f"/sessions/{session.pk}/checkins", nobody)
        assert refused.status_code == 422 and refused.json()["field"] == "learner", nobody
    # Either one is enough to be read (the session lies next week, so check-in is not open yet).
    for someone in ({"learner": learner.pk}, {"token": None, "learner": learner.pk}):
        assert api.post(f"/sessions/{session.pk}/checkins", someone).json()["code"] == "checkin_closed"
    assert api.post(f"/sessions/{session.pk}/checkins", {"token": "1:2:x", "learner": None}).status_code == 422
    assert not Attendance.objects.exists()


# --- Sign-in grace codes (security issue 15, finding 1) -----------------------------------------


@pytest.fixture
def open_now(demo):
    """A session under way now (check-in open), with a registered learner."""
    activity = published_activity(demo)
    session = activity.sessions.get()
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    session.refresh_from_db()
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    return session, learner


def _grace_from_scan(client: Client, session, token: str) -> str:
    """What a signed-out phone carries to the sign-in page after scanning `token`."""
    answer = client.get(f"/checkin/{session.pk}/", {"t": token})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    next_url = parse_qs(urlparse(answer["Location"]).query)["next"][0]
    return parse_qs(urlparse(next_url).query, keep_blank_values=True)["t"][0]


def test_a_grace_code_is_never_exchanged_for_another(demo, open_now):
    session, learner = open_now
    phone = Client()
    grace = _grace_from_scan(phone, session, checkin.checkin_token(session=session))
    assert grace
    # Scanning the grace code again while signed out gives no new code: the chain ends here.
    assert _grace_from_scan(phone, session, grace) == ""
    with pytest.raises(InvalidInput) as error:
        checkin.sign_in_grace_token(session=session, token=grace)
    assert error.value.code == "invalid_token" and error.value.field == "token"
    assert not Attendance.objects.exists()


def test_a_grace_code_is_not_taken_where_a_venue_code_is_expected(demo, open_now):
    session, _ = open_now
    grace = checkin.sign_in_grace_token(session=session, token=checkin.checkin_token(session=session))
    with pytest.raises(InvalidInput) as error:
        checkin.sign_in_grace_token(session=session, token=grace)
    assert error.value.code == "invalid_token"
    # Nor does a venue code of another session, nor a forged one, become a grace code.
    other = published_activity(demo).sessions.get()
    for token in (checkin.checkin_token(session=other), "1:2:forged", ""):
        with pytest.raises(InvalidInput):
            checkin.sign_in_grace_token(session=session, token=token)


def test_a_grace_code_ends_with_the_venue_codes_time_not_with_its_exchange(demo, open_now):
    session, learner = open_now
    shown_at = timezone.now() - timedelta(seconds=80)  # the code on the screen 80 seconds ago...
    venue_code = checkin.checkin_token(session=session, now=shown_at)
    grace = checkin.sign_in_grace_token(session=session, token=venue_code)  # ...exchanged only now
    slot_began = datetime.fromtimestamp(
        shown_at.timestamp() // checkin.QR_ROTATION_SECONDS * checkin.QR_ROTATION_SECONDS, tz=UTC
    )
    ends = slot_began + timedelta(seconds=checkin.SIGN_IN_GRACE_SECONDS)
    # Ten minutes after the exchange would be later still: the grace code is over before that.
    for late in (ends + timedelta(seconds=1), timezone.now() + timedelta(seconds=checkin.SIGN_IN_GRACE_SECONDS)):
        with pytest.raises(InvalidInput) as error:
            checkin.checkin_record(actor=learner, session=session, token=grace, now=late)
        assert error.value.code == "invalid_token"
    assert not Attendance.objects.exists()
    attendance = checkin.checkin_record(actor=learner, session=session, token=grace, now=ends)
    assert attendance.method == "qr"
    # Once per learner: the attendance's (session, learner) uniqueness refuses a second use.
    with pytest.raises(Conflict) as error:
        checkin.checkin_record(actor=learner, session=session, token=grace, now=ends)
    assert error.value.code == "already_checked_in"


def test_a_grace_code_belongs_to_its_session(demo, open_now):
    session, learner = open_now
    other = published_activity(demo).sessions.get()
    grace = checkin.sign_in_grace_token(session=other, token=checkin.checkin_token(session=other))
    with pytest.raises(InvalidInput) as error:
        checkin.checkin_record(actor=learner, session=session, token=grace)
    assert error.value.code == "invalid_token"


def test_signed_out_scan_then_sign_in_then_check_in(demo, open_now):
    session, learner = open_now
    phone = Client()
    answer = phone.get(f"/checkin/{session.pk}/", {"t": checkin.checkin_token(session=session)})
    next_url = parse_qs(urlparse(answer["Location"]).query)["next"][0]
    login = phone.post(answer["Location"], {"phone": learner.phone, "password": "learner-pass-1"})
    assert login.status_code == 302 and login["Location"] == next_url
    page = phone.get(next_url)
    assert page.status_code == 200
    grace = page.context["token"]
    done = phone.post(f"/checkin/{session.pk}/", {"t": grace})
    assert done.status_code == 200 and done.context["done"]
    assert Attendance.objects.get(session=session, learner=learner).method == "qr"
