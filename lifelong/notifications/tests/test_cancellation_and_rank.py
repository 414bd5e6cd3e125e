"""Cancellation notices, the waitlist place learners are shown, and notices that name the
session still to come (issue 13: "Safe actions" and "Texts")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.activities import reminders, selectors, services
from lifelong.activities.models import Registration, Session
from lifelong.activities.tests.helpers import new_learner, published_activity
from lifelong.common.errors import Conflict
from lifelong.notifications.models import Notification
from lifelong.notifications.services import notify
from lifelong.testkit.api import ApiClient


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the queued notices) as the real transaction would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id"))


def stamp(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- Cancellation notices ------------------------------------------------------------------------


def test_a_learner_who_cancels_is_told_in_the_app_and_by_sms(demo, on_commit, sms_outbox):
    activity = published_activity(demo, title="太极入门", title_en="Tai chi for beginners")
    learner = new_learner(demo, preferred_language="en")
    registration = services.registration_create(actor=learner, activity=activity, learner=learner)
    with on_commit():
        services.registration_cancel(actor=learner, registration=registration)
    [notice] = notices(learner, "reg_cancelled")
    assert notice.text == "You have cancelled your registration for “Tai chi for beginners”."
    assert notice.link == f"/activities/{activity.pk}/" and notice.sms_sent_at is not None
    assert sms_outbox == [(learner.phone, f"[Lifelong]{notice.text}")]


def test_the_cancellation_notice_is_in_chinese_and_on_the_notices_page(demo, on_commit, client):
    activity = published_activity(demo, title="太极入门")
    learner = new_learner(demo)
    registration = services.registration_create(actor=learner, activity=activity, learner=learner)
    with on_commit():
        services.registration_cancel(actor=learner, registration=registration)
    assert notices(learner, "reg_cancelled")[0].text == "您已取消“太极入门”的报名。"
    client.force_login(learner)
    assert "您已取消“太极入门”的报名。" in client.get("/me/notices/").content.decode()


def test_cancelling_through_the_page_tells_the_learner(demo, on_commit, client, sms_outbox):
    activity = published_activity(demo, title_en="Reading club")
    learner = new_learner(demo, preferred_language="en")
    registration = services.registration_create(actor=learner, activity=activity, learner=learner)
    client.force_login(learner)
    with on_commit():
        client.post(f"/registrations/{registration.pk}/cancel/")
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
    assert [n.text for n in notices(learner, "reg_cancelled")] == [
        "You have cancelled your registration for “Reading club”."
    ]
    assert [phone for phone, _ in sms_outbox] == [learner.phone]


def test_leaving_the_waitlist_is_worded_as_such(demo, on_commit):
    activity = published_activity(demo, capacity=1, title_en="Calligraphy")
    holder, waiting = new_learner(demo), new_learner(demo, preferred_language="en")
    services.registration_create(actor=holder, activity=activity, learner=holder)
    queued = services.registration_create(actor=waiting, activity=activity, learner=waiting)
    with on_commit():
        services.registration_cancel(actor=waiting, registration=queued)
    assert [n.text for n in notices(waiting, "reg_cancelled")] == ["You have left the waitlist for “Calligraphy”."]
    assert notices(holder, "reg_cancelled") == []  # nobody else hears of it


def test_a_family_member_cancelling_for_a_relative_is_told_about_the_relative(demo, on_commit, sms_outbox):
    from lifelong.accounts.services import managed_profile_create

    family = new_learner(demo, preferred_language="en")
    relative = managed_profile_create(
        actor=family, name="钱阿婆", birth_year=1940, home_region=demo.elder_learner.home_region
    )
    activity = published_activity(demo, title_en="Paper cutting")
    registration = services.registration_create(actor=family, activity=activity, learner=relative)
    with on_commit():
        services.registration_cancel(actor=family, registration=registration)
    [notice] = notices(family, "reg_cancelled")
    assert "钱阿婆" in notice.text and "You have cancelled your registration for “Paper cutting”." in notice.text
    assert [phone for phone, _ in sms_outbox] == [family.phone]


def test_staff_cancelling_tells_the_learner_that_staff_did_it(demo, on_commit, sms_outbox):
    activity = published_activity(demo, title_en="Tai chi")
    learner = new_learner(demo, preferred_language="en")
    registration = services.registration_create(actor=learner, activity=activity, learner=learner)
    with on_commit():
        services.registration_cancel(actor=demo.organizer, registration=registration)
    [notice] = notices(learner, "reg_cancelled")
    assert "cancelled by staff" in notice.text and "Tai chi" in notice.text
    assert [phone for phone, _ in sms_outbox] == [learner.phone]


def test_a_refused_cancellation_tells_nobody(demo, on_commit):
    activity = published_activity(demo)
    learner = new_learner(demo)
    registration = services.registration_create(actor=learner, activity=activity, learner=learner)
    with on_commit():
        services.registration_cancel(actor=learner, registration=registration)
    with on_commit(), pytest.raises(Conflict) as refused:
        services.registration_cancel(actor=learner, registration=registration)
    assert refused.value.code == "not_active"
    assert len(notices(learner, "reg_cancelled")) == 1


# --- The waitlist place learners see --------------------------------------------------------------


def full_activity_with_queue(demo, waiting: int, **overrides):
    """A one-seat activity held by one learner, with `waiting` learners queued behind."""
    activity = published_activity(demo, capacity=1, offer_hours=0, **overrides)
    holder = new_learner(demo)
    held = services.registration_create(actor=holder, activity=activity, learner=holder)
    queue = []
    for _ in range(waiting):
        learner = new_learner(demo, preferred_language="en")
        queue.append((learner, services.registration_create(actor=learner, activity=activity, learner=learner)))
    return activity, held, queue


def test_after_the_first_in_line_is_promoted_the_next_reads_one_everywhere(demo, client):
    activity, held, queue = full_activity_with_queue(demo, 3)
    services.registration_cancel(actor=held.learner, registration=held)  # the first in line gets the seat
    (promoted, _), (second, second_reg), (third, _) = queue
    assert Registration.objects.get(pk=queue[0][1].pk).status == "confirmed"
    assert Registration.objects.get(pk=second_reg.pk).waitlist_position == 2  # the stored FIFO ticket stays

    client.force_login(second)
    me = client.get("/me/").content.decode()
    assert "number 1 on the waitlist" in me or "候补第 1 位" in me
    assert "#2" not in me and "第 2 位" not in me
    assert 'data-confirm="' in me  # leaving the waitlist asks first
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "候补第 1 位" in detail or "number 1 on the waitlist" in detail

    listed = ApiClient(second).get("/me/registrations").json()["items"]
    assert [item["waitlist_position"] for item in listed] == [1]
    assert [i["waitlist_position"] for i in ApiClient(third).get("/me/registrations").json()["items"]] == [2]
    assert ApiClient(promoted).get("/me/registrations").json()["items"][0]["waitlist_position"] is None


def test_places_close_the_gap_when_someone_in_the_middle_leaves(demo):
    activity, _held, queue = full_activity_with_queue(demo, 4)
    services.registration_cancel(actor=queue[1][0], registration=queue[1][1])  # number 2 leaves
    waiting = selectors.with_waitlist_place(Registration.objects.filter(activity=activity, status="waitlisted"))
    places = sorted((r.waitlist_position, r.waitlist_place) for r in waiting)
    assert places == [(1, 1), (3, 2), (4, 3)]  # tickets 1, 3, 4 read as places 1, 2, 3
    assert [selectors.waitlist_place(r) for r in Registration.objects.filter(pk__in=[q[1].pk for q in queue])] == [
        1,
        None,
        2,
        3,
    ]


def test_other_activities_waitlists_do_not_count(demo):
    _a, _h, first_queue = full_activity_with_queue(demo, 2)
    _b, _h2, other_queue = full_activity_with_queue(demo, 1)
    assert selectors.waitlist_place(other_queue[0][1]) == 1
    assert selectors.waitlist_place(first_queue[1][1]) == 2


def test_the_registration_answer_gives_the_place_in_the_queue_now(demo, on_commit):
    activity, held, queue = full_activity_with_queue(demo, 2)
    services.registration_cancel(actor=held.learner, registration=held)
    latecomer = new_learner(demo, preferred_language="en")
    with on_commit():
        answer = ApiClient(latecomer).post(f"/activities/{activity.pk}/registrations", {}).json()
    assert answer["status"] == "waitlisted" and answer["waitlist_position"] == 2
    assert Registration.objects.get(pk=answer["id"]).waitlist_position == 3  # its ticket
    [told] = notices(latecomer, "waitlisted")
    assert "number 2 on the waitlist" in told.text


def test_the_register_page_says_the_place_in_the_queue_now(demo, client):
    activity, held, queue = full_activity_with_queue(demo, 2)
    services.registration_cancel(actor=held.learner, registration=held)
    latecomer = new_learner(demo, preferred_language="en")
    client.force_login(latecomer)
    page = client.post(f"/activities/{activity.pk}/register/", follow=True).content.decode()
    assert "候补第 2 位" in page or "number 2 on the waitlist" in page


def test_my_registrations_read_places_in_one_query_however_many(demo, django_assert_max_num_queries):
    learner = new_learner(demo)
    for _ in range(3):
        activity, _held, _queue = full_activity_with_queue(demo, 1)
        services.registration_create(actor=learner, activity=activity, learner=learner)
    with django_assert_max_num_queries(1):
        places = [r.waitlist_place for r in selectors.my_registrations(actor=learner)]
    assert places == [2, 2, 2]


# --- Notices name the session still to come -------------------------------------------------------


def started_and_coming(demo, **overrides):
    """An activity whose first session started an hour ago and whose second is next week."""
    now = timezone.now()
    activity = published_activity(demo, **overrides)
    first = activity.sessions.get()
    Session.objects.filter(pk=first.pk).update(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    coming = Session.objects.create(
        activity=activity, starts_at=now + timedelta(days=8), ends_at=now + timedelta(days=8, hours=2)
    )
    first.refresh_from_db()
    return activity, first, coming


def test_the_confirmation_names_the_next_session_not_the_one_under_way(demo, on_commit, sms_outbox):
    activity, started, coming = started_and_coming(demo, title_en="Tai chi")
    learner = new_learner(demo, preferred_language="en")
    with on_commit():
        services.registration_create(actor=learner, activity=activity, learner=learner)
    [notice] = notices(learner, "confirmed")
    assert stamp(coming.starts_at) in notice.text and stamp(started.starts_at) not in notice.text
    assert "Next session" in notice.text
    assert stamp(coming.starts_at) in sms_outbox[0][1]


def test_promotion_and_offer_name_the_next_session(demo, on_commit):
    for offer_hours, kind in ((0, "promoted"), (24, "offered")):
        activity, started, coming = started_and_coming(demo, capacity=1, offer_hours=offer_hours)
        holder, waiting = new_learner(demo), new_learner(demo, preferred_language="en")
        held = services.registration_create(actor=holder, activity=activity, learner=holder)
        services.registration_create(actor=waiting, activity=activity, learner=waiting)
        with on_commit():
            services.registration_cancel(actor=holder, registration=held)
        [notice] = notices(waiting, kind)
        assert stamp(coming.starts_at) in notice.text and stamp(started.starts_at) not in notice.text


def test_a_late_reminder_names_the_next_session(demo, on_commit):
    activity, started, coming = started_and_coming(demo, title_en="Tai chi")
    learner = new_learner(demo, preferred_language="en")
    services.registration_create(actor=learner, activity=activity, learner=learner)
    with on_commit():  # the reminder of the session under way is delivered only now
        notify(
            "reminder",
            activity_id=activity.pk,
            subject_ids=[learner.pk],
            event=f"reminder:{started.pk}:late",
            session_id=started.pk,
        )
    [notice] = notices(learner, "reminder")
    assert notice.text.startswith("Reminder: the next session of “Tai chi”")
    assert stamp(coming.starts_at) in notice.text and stamp(started.starts_at) not in notice.text


def test_a_timely_reminder_names_its_own_session(demo, on_commit):
    activity = published_activity(demo, title_en="Tai chi")
    session = activity.sessions.get()
    learner = new_learner(demo, preferred_language="en")
    services.registration_create(actor=learner, activity=activity, learner=learner)
    with on_commit():
        reminders.session_remind(
            session_id=session.pk, starts_at=session.starts_at.isoformat(), now=session.starts_at - timedelta(hours=20)
        )
    [notice] = notices(learner, "reminder")
    assert notice.text.startswith("Reminder: “Tai chi” starts tomorrow") and stamp(session.starts_at) in notice.text


def test_with_no_session_to_come_the_notice_says_so(demo, on_commit):
    activity = published_activity(demo, title_en="Tai chi")
    now = timezone.now()
    Session.objects.filter(activity=activity).update(
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    learner = new_learner(demo, preferred_language="en")
    with on_commit():
        services.registration_create(actor=learner, activity=activity, learner=learner)
    [notice] = notices(learner, "confirmed")
    assert notice.text == "You are registered for “Tai chi”. It has no coming session at the moment."
