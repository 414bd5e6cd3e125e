from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.activities import checkin, services
from lifelong.activities.models import Attendance
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.tests.api_helpers import ApiClient

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
