"""The console side of activities: create and submit, approve, roster, walk-ins and check-in."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifelong.activities.models import Activity, Attendance, Registration
from lifelong.common.errors import InvalidInput
from lifelong.institutions.models import Institution

from .helpers import form_time, new_learner, published_activity, under_way


def draft_form(school, **overrides):
    now = timezone.now()
    start = now + timedelta(days=10)
    data = {
        "institution": school.pk,
        "title": "葡萄种植技术",
        "title_en": "Growing grapes",
        "summary": "农技站专家讲解。",
        "category": "agriculture",
        "audiences": ["farmers"],
        "capacity": "30",
        "reserved_offline": "10",
        "registration_opens": form_time(now),
        "registration_closes": form_time(now + timedelta(days=8)),
        "waitlist": "on",
        "offer_hours": "24",
        "hours": "2",
        "completion_share": "80",
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "30",
        "sessions-0-starts_at": form_time(start),
        "sessions-0-ends_at": form_time(start + timedelta(hours=2)),
        "sessions-1-starts_at": form_time(start + timedelta(days=7)),
        "sessions-1-ends_at": form_time(start + timedelta(days=7, hours=2)),
    }
    return {**data, **overrides}


def test_an_organizer_creates_and_submits_and_an_admin_publishes(demo, verified_client):
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    organizer = verified_client(demo.organizer)
    response = organizer.post("/console/activities/new/", draft_form(school))
    activity = Activity.objects.get(title="葡萄种植技术")
    assert response.status_code == 302 and response["Location"] == f"/console/activities/{activity.pk}/"
    assert activity.status == "draft" and activity.sessions.count() == 2 and activity.reserved_offline == 10
    assert activity.audience_list == ["farmers"] and activity.created_by == demo.organizer
    organizer.post(f"/console/activities/{activity.pk}/submit/")
    activity.refresh_from_db()
    assert activity.status == "submitted"
    # The organizer may not publish their own activity; the button is not even there.
    assert "/publish/" not in organizer.get(f"/console/activities/{activity.pk}/").content.decode()
    organizer.post(f"/console/activities/{activity.pk}/publish/")
    activity.refresh_from_db()
    assert activity.status == "submitted"

    admin = verified_client(demo.county_admin)
    assert "葡萄种植技术" in admin.get("/console/activities/").content.decode()
    admin.post(f"/console/activities/{activity.pk}/publish/")
    activity.refresh_from_db()
    assert activity.status == "published"
    assert "葡萄种植技术" in Client().get("/activities/").content.decode()


def test_a_bad_draft_shows_errors_and_saves_nothing(demo, verified_client):
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    organizer = verified_client(demo.organizer)
    now = timezone.now()
    bad = draft_form(school, registration_closes=form_time(now - timedelta(days=1)))
    response = organizer.post("/console/activities/new/", bad)
    assert response.status_code == 200 and "报名" in response.content.decode()
    no_sessions = draft_form(school, **{"sessions-0-starts_at": "", "sessions-0-ends_at": ""})
    no_sessions.pop("sessions-1-starts_at")
    no_sessions.pop("sessions-1-ends_at")
    assert organizer.post("/console/activities/new/", no_sessions).status_code == 200
    other_town = Institution.objects.exclude(region__path__startswith=school.region.path).first()
    assert organizer.post("/console/activities/new/", draft_form(other_town)).status_code == 200
    assert not Activity.objects.exists()


def test_rejecting_needs_a_reason_and_the_organizer_sees_it(demo, verified_client):
    activity = published_activity(demo)
    Activity.objects.filter(pk=activity.pk).update(status="submitted")
    admin = verified_client(demo.county_admin)
    admin.post(f"/console/activities/{activity.pk}/reject/", {"reason": ""})
    activity.refresh_from_db()
    assert activity.status == "submitted"
    admin.post(f"/console/activities/{activity.pk}/reject/", {"reason": "请补充场地信息"})
    activity.refresh_from_db()
    assert activity.status == "rejected"
    assert (
        "请补充场地信息" in verified_client(demo.organizer).get(f"/console/activities/{activity.pk}/").content.decode()
    )


def test_staff_register_a_walk_in_found_by_phone_and_check_them_in(demo, verified_client):
    activity = published_activity(demo, capacity=2, reserved_offline=1)
    Activity.objects.filter(pk=activity.pk).update(registration_opens=timezone.now() - timedelta(days=2))
    session = activity.sessions.get()
    session.starts_at = timezone.now() - timedelta(minutes=10)
    session.ends_at = timezone.now() + timedelta(hours=1)
    session.save()
    walk_in = new_learner(demo, name="陆阿姨")
    staff = verified_client(demo.organizer)
    found = staff.post(f"/console/activities/{activity.pk}/", {"q": walk_in.phone}).content.decode()
    assert "陆**" in found and "陆阿姨" not in found  # outside the organizer's scope: a masked name
    # By id, someone outside the organizer's admin scope cannot be registered; by the number given, they can.
    by_id = {"learner": walk_in.pk, "channel": "onsite"}
    assert staff.post(f"/console/activities/{activity.pk}/registrations/new/", by_id).status_code == 404
    bad_phone = {"phone": "12345", "channel": "onsite"}
    assert staff.post(f"/console/activities/{activity.pk}/registrations/new/", bad_phone).status_code == 404
    staff.post(f"/console/activities/{activity.pk}/registrations/new/", {"phone": walk_in.phone})
    registration = Registration.objects.get(learner=walk_in)
    assert registration.status == "confirmed" and registration.channel == "onsite"
    screen = staff.get(f"/console/sessions/{session.pk}/checkin/").content.decode()
    assert "<svg" in screen and "陆阿姨" in screen and walk_in.phone not in screen
    staff.post(f"/console/sessions/{session.pk}/checkins/", {"learner": walk_in.pk})
    assert Attendance.objects.get(learner=walk_in).method == "staff"
    from lifelong.common.models import AuditEvent

    recorded = set(AuditEvent.objects.filter(actor=demo.organizer).values_list("summary", flat=True))
    assert {"registered for someone else (onsite)", "checked in by staff (staff)"} <= recorded
    staff.post(f"/console/sessions/{session.pk}/checkins/", {"learner": walk_in.pk})  # a second tap
    assert Attendance.objects.filter(learner=walk_in).count() == 1
    stranger = new_learner(demo)
    staff.post(f"/console/sessions/{session.pk}/checkins/", {"learner": stranger.pk})
    assert not Attendance.objects.filter(learner=stranger).exists()


def test_a_learner_scans_the_rotating_code_and_is_checked_in(demo, verified_client):
    activity = published_activity(demo)
    session = under_way(activity.sessions.get())
    learner = new_learner(demo)
    from lifelong.activities import services

    services.registration_create(actor=learner, activity=activity, learner=learner)
    fragment = verified_client(demo.organizer).get(f"/console/sessions/{session.pk}/checkin/qr/").content.decode()
    assert "<svg" in fragment
    screen = verified_client(demo.organizer).get(f"/console/sessions/{session.pk}/checkin/")
    link = re.search(r'data-qr-link="([^"]+)"', screen.content.decode()).group(1)
    token = parse_qs(urlparse(link.replace("&amp;", "&")).query)["t"][0]
    phone = Client()
    phone.force_login(learner)
    page = phone.get(urlparse(link).path, {"t": token})
    assert page.status_code == 200 and activity.title in page.content.decode()
    assert not Attendance.objects.exists()  # opening the link alone records nothing
    done = phone.post(urlparse(link).path, {"t": token}).content.decode()
    assert 'data-testid="checkin-done"' in done
    assert Attendance.objects.get(learner=learner).method == "qr"
    again = phone.post(urlparse(link).path, {"t": token}).content.decode()
    assert "本场次已签到" in again
    forged = Client()
    forged.force_login(new_learner(demo))
    forged.post(urlparse(link).path, {"t": token + "x"})
    assert Attendance.objects.count() == 1


def test_the_paper_sheet_prints_the_confirmed_and_takes_ticks_back_in_afterwards(demo, verified_client):
    activity = published_activity(demo, capacity=1)
    session = activity.sessions.get()
    holder, waiting = new_learner(demo, name="沈大伯"), new_learner(demo, name="候补者")
    from lifelong.activities import services

    services.registration_create(actor=holder, activity=activity, learner=holder)
    services.registration_create(actor=waiting, activity=activity, learner=waiting)
    staff = verified_client(demo.organizer)
    sheet = staff.get(f"/console/sessions/{session.pk}/sheet/").content.decode()
    assert "沈大伯" in sheet and "候补者" not in sheet and holder.phone not in sheet
    session.starts_at = timezone.now() - timedelta(days=2, hours=2)
    session.ends_at = timezone.now() - timedelta(days=2)
    session.save()
    staff.post(f"/console/sessions/{session.pk}/checkins/", {"learner": holder.pk, "method": "paper"})
    assert Attendance.objects.get(learner=holder).method == "paper"


def test_roster_check_in_and_sheet_pages_run_a_fixed_number_of_queries_whatever_their_size(demo, verified_client):
    activity = published_activity(demo, capacity=50)
    session = activity.sessions.get()
    staff = verified_client(demo.organizer)
    from lifelong.activities import services

    def count() -> list[int]:
        counts = []
        for url in (
            f"/console/activities/{activity.pk}/",
            f"/console/sessions/{session.pk}/checkin/",
            f"/console/sessions/{session.pk}/sheet/",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert staff.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    count()  # the first request also touches the session and two-factor device
    before = count()
    for _ in range(10):
        learner = new_learner(demo)
        services.registration_create(actor=learner, activity=activity, learner=learner)
    assert count() == before


def test_a_village_admin_registers_a_villager_without_a_phone_for_an_activity(demo, verified_client):
    from lifelong.accounts.models import User

    activity = published_activity(demo, title="健康讲座")
    villager = User.objects.create(name="无手机阿婆", home_region=demo.elder_learner.home_region, birth_year=1941)
    staff = verified_client(demo.village_admin)
    page = staff.get(f"/console/learners/{villager.pk}/activities/").content.decode()
    assert "健康讲座" in page and "无手机阿婆" in page
    staff.post(f"/console/learners/{villager.pk}/activities/", {"activity": activity.pk})
    registration = Registration.objects.get(learner=villager)
    assert registration.status == "confirmed" and registration.channel == "proxy"
    assert registration.registered_by == demo.village_admin
    staff.post(f"/console/learners/{villager.pk}/activities/", {"activity": "nonsense"})
    assert Registration.objects.filter(learner=villager).count() == 1
    # A learner outside the village admin's village is out of reach.
    assert staff.get(f"/console/learners/{demo.young_learner.pk}/activities/").status_code == 404
    response = staff.post(f"/console/learners/{demo.young_learner.pk}/activities/", {"activity": activity.pk})
    assert response.status_code == 404 and not Registration.objects.filter(learner=demo.young_learner).exists()


def test_a_family_member_registers_a_relative_from_the_activity_page(demo):
    from lifelong.accounts.services import managed_profile_create

    relative = managed_profile_create(
        actor=demo.young_learner, name="钱阿婆", birth_year=1940, home_region=demo.elder_learner.home_region
    )
    activity = published_activity(demo)
    family = Client()
    family.force_login(demo.young_learner)
    assert 'data-testid="family-register"' in family.get(f"/activities/{activity.pk}/").content.decode()
    family.post(f"/activities/{activity.pk}/register/", {"learner": relative.pk})
    registration = Registration.objects.get(learner=relative)
    assert registration.channel == "proxy" and registration.registered_by == demo.young_learner
    assert not Registration.objects.filter(learner=demo.young_learner).exists()
    stranger = Client()
    stranger.force_login(demo.elder_learner)
    assert stranger.post(f"/activities/{activity.pk}/register/", {"learner": relative.pk}).status_code == 404
    assert stranger.post(f"/activities/{activity.pk}/register/", {"learner": "x"}).status_code == 404
    assert Registration.objects.count() == 1


def test_staff_move_a_session_from_the_console_and_outsiders_cannot(demo, verified_client):
    activity = published_activity(demo)
    session = activity.sessions.get()
    later = session.starts_at + timedelta(days=2)
    change = {"session": session.pk, "starts_at": form_time(later), "ends_at": form_time(later + timedelta(hours=2))}
    assert verified_client(demo.town_admin).post("/console/sessions/change/", change).status_code == 404
    staff = verified_client(demo.organizer)
    staff.post("/console/sessions/change/", {**change, "ends_at": form_time(later - timedelta(hours=1))})
    session.refresh_from_db()
    assert session.starts_at != later.replace(second=0, microsecond=0)
    staff.post("/console/sessions/change/", change)
    session.refresh_from_db()
    assert session.starts_at == later.replace(second=0, microsecond=0)
    assert staff.post("/console/sessions/change/", {**change, "session": "x"}).status_code == 404


def test_odd_ids_and_far_dates_get_a_clear_answer_never_a_500(demo, verified_client):
    activity = published_activity(demo)
    session = activity.sessions.get()
    staff = verified_client(demo.organizer)
    for value in ("x", "²", "-3", "99999999999999999999999"):
        assert (
            staff.post(f"/console/activities/{activity.pk}/registrations/new/", {"learner": value}).status_code == 404
        )
        assert staff.post(f"/console/sessions/{session.pk}/checkins/", {"learner": value}).status_code == 302
        assert staff.post("/console/sessions/change/", {"session": value}).status_code == 404
    family = Client()
    family.force_login(demo.young_learner)
    assert family.post(f"/activities/{activity.pk}/register/", {"learner": "²"}).status_code == 404
    for far in ({"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}):
        assert Client().get("/activities/", far).status_code == 200
        answer = Client().get("/api/v1/activities", far)
        assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    assert not Registration.objects.exists()


def test_a_learner_who_scans_while_signed_out_signs_in_and_is_still_checked_in(demo, verified_client):
    from lifelong.activities import checkin, services

    activity = published_activity(demo)
    session = under_way(activity.sessions.get())
    services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    phone = Client()
    to_login = phone.get(f"/checkin/{session.pk}/", {"t": checkin.checkin_token(session=session)})
    assert to_login.status_code == 302 and to_login["Location"].startswith("/accounts/login/")
    next_url = parse_qs(urlparse(to_login["Location"]).query)["next"][0]
    grace = parse_qs(urlparse(next_url).query)["t"][0]
    later = timezone.now() + timedelta(minutes=5)  # signing in took longer than the code lives
    phone.force_login(demo.elder_learner)
    checkin.checkin_record(actor=demo.elder_learner, session=session, token=grace, now=later)
    assert Attendance.objects.get(learner=demo.elder_learner).method == "qr"
    with pytest.raises(InvalidInput):  # a bad code is not exchanged for a lasting one
        checkin.sign_in_grace_token(session=session, token="forged")


def test_too_many_session_rows_are_refused(demo, verified_client):
    school = Institution.objects.get(kind="community_school", region__code="330424105")
    rows = draft_form(school, **{"sessions-TOTAL_FORMS": "40"})
    start = timezone.now() + timedelta(days=10)
    for n in range(40):
        rows[f"sessions-{n}-starts_at"] = form_time(start + timedelta(days=n))
        rows[f"sessions-{n}-ends_at"] = form_time(start + timedelta(days=n, hours=1))
    assert verified_client(demo.organizer).post("/console/activities/new/", rows).status_code == 200
    assert not Activity.objects.exists()
