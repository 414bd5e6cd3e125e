"""Messages to an activity's learners and the roster export (lifelong/activities/participants.py),
through the service, the console pages and the API."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lifelong.accounts.models import User
from lifelong.activities import checkin, participants, services
from lifelong.activities.models import Activity
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.notifications.models import Notification
from lifelong.regions.models import Region
from lifelong.testkit.api import ApiClient

from .helpers import new_learner, published_activity


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def full_activity(demo):
    """Two seats: two confirmed learners, one waitlisted, one pending elsewhere is not here."""
    activity = published_activity(demo, capacity=2)
    seated = [new_learner(demo), new_learner(demo)]
    for learner in seated:
        services.registration_create(actor=learner, activity=activity, learner=learner)
    waiting = new_learner(demo)
    services.registration_create(actor=waiting, activity=activity, learner=waiting)
    activity.refresh_from_db()
    return activity, seated, waiting


def sent_events(activity):
    return AuditEvent.objects.filter(
        object_type="activities.activity", object_id=str(activity.pk), summary=participants.MESSAGE_SUMMARY
    )


# --- The service -----------------------------------------------------------------------------


def test_a_message_reaches_the_registered_by_notice_and_sms_and_is_audited(demo, full_activity, on_commit, sms_outbox):
    activity, seated, waiting = full_activity
    with on_commit():
        sent = participants.activity_message_send(
            actor=demo.organizer, activity=activity, text="  明天改在三楼教室上课。 ", include_waitlisted=False
        )
    assert sent.recipients == 2
    notices = Notification.objects.filter(kind="organizer_msg")
    assert {n.recipient_id for n in notices} == {s.pk for s in seated}
    notice = notices.first()
    assert "明天改在三楼教室上课。" in notice.text and activity.title in notice.text
    assert demo.organizer.name in notice.text  # who sent it
    assert notice.link == f"/activities/{activity.pk}/"
    assert {phone for phone, _text in sms_outbox} == {s.phone for s in seated}
    assert all("明天改在三楼教室上课。" in text for _phone, text in sms_outbox)
    event = sent_events(activity).get()
    assert event.actor == demo.organizer
    assert event.changes == {
        "text": "明天改在三楼教室上课。",
        "length": 11,
        "recipients": 2,
        "include_waitlisted": False,
    }


def test_the_waitlisted_and_pending_are_told_only_when_asked(demo, on_commit):
    activity = published_activity(demo, capacity=1, requires_approval=True)
    seated, waiting, pending = new_learner(demo), new_learner(demo), new_learner(demo)
    for learner in (seated, waiting, pending):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    services.registration_approve(actor=demo.organizer, registration=seated.registrations.get())
    services.registration_approve(actor=demo.organizer, registration=waiting.registrations.get())  # no seat left
    assert waiting.registrations.get().status == "waitlisted" and pending.registrations.get().status == "pending"
    with on_commit():
        sent = participants.activity_message_send(
            actor=demo.organizer, activity=activity, text="Bring a pen.", include_waitlisted=True
        )
    assert sent.recipients == 3
    assert set(Notification.objects.filter(kind="organizer_msg").values_list("recipient_id", flat=True)) == {
        seated.pk,
        waiting.pk,
        pending.pk,
    }


def test_a_managed_profile_is_told_through_their_family_member(demo, on_commit, sms_outbox):
    activity = published_activity(demo)
    grandma = User.objects.create_user(
        None,
        None,
        name="王奶奶",
        home_region=demo.elder_learner.home_region,
        birth_year=1940,
        managed_by=demo.young_learner,
    )
    services.registration_create(actor=demo.young_learner, activity=activity, learner=grandma)
    with on_commit():
        participants.activity_message_send(
            actor=demo.organizer, activity=activity, text="带上老花镜。", include_waitlisted=False
        )
    notice = Notification.objects.get(kind="organizer_msg")
    assert notice.recipient == demo.young_learner and "王奶奶" in notice.text
    assert [phone for phone, _ in sms_outbox] == [demo.young_learner.phone]


@pytest.mark.parametrize("text", ["", "   ", "长" * 301])
def test_empty_or_too_long_text_is_refused_and_sends_nothing(demo, full_activity, on_commit, sms_outbox, text):
    activity, _seated, _waiting = full_activity
    with on_commit(), pytest.raises(InvalidInput) as error:
        participants.activity_message_send(actor=demo.organizer, activity=activity, text=text, include_waitlisted=True)
    assert error.value.status == 422 and error.value.field == "text"
    assert not sent_events(activity).exists() and not Notification.objects.exists() and sms_outbox == []


def test_exactly_300_characters_are_accepted(demo, full_activity, on_commit):
    activity, _seated, _waiting = full_activity
    with on_commit():
        sent = participants.activity_message_send(
            actor=demo.organizer, activity=activity, text="长" * 300, include_waitlisted=False
        )
    assert sent.recipients == 2


def test_only_the_activitys_staff_may_send(demo, full_activity, on_commit):
    activity, _seated, _waiting = full_activity
    for outsider in (demo.young_learner, demo.village_admin, demo.town_admin):  # Wuyuan's admin: not Tongyuan
        with on_commit(), pytest.raises(NotFound):
            participants.activity_message_send(actor=outsider, activity=activity, text="hi", include_waitlisted=False)
    assert not sent_events(activity).exists() and not Notification.objects.exists()
    participants.activity_message_send(actor=demo.county_admin, activity=activity, text="hi", include_waitlisted=False)


def test_nobody_to_tell_is_a_conflict_that_uses_no_allowance(demo):
    activity = published_activity(demo)
    with pytest.raises(Conflict) as error:
        participants.activity_message_send(actor=demo.organizer, activity=activity, text="hi", include_waitlisted=True)
    assert error.value.code == "no_recipients"
    assert not sent_events(activity).exists()


def test_one_message_per_ten_minutes_and_three_a_day(demo, full_activity, on_commit):
    activity, _seated, _waiting = full_activity
    now = timezone.now()

    def send(at, text="hi"):
        with on_commit():
            return participants.activity_message_send(
                actor=demo.organizer, activity=activity, text=text, include_waitlisted=False, now=at
            )

    send(now)
    with pytest.raises(participants.TooManyMessages) as error:
        send(now + timedelta(minutes=9), text="again")
    assert error.value.status == 429 and error.value.code == "too_many_messages"
    assert sent_events(activity).count() == 1 and Notification.objects.filter(text__contains="again").count() == 0
    # The events are stamped with the real time, so "later" is the real time plus the interval.
    send(timezone.now() + timedelta(minutes=11), text="second")
    send(timezone.now() + timedelta(minutes=22), text="third")
    with pytest.raises(participants.TooManyMessages):
        send(timezone.now() + timedelta(minutes=33), text="fourth")
    assert sent_events(activity).count() == 3
    # A day after the first, one more is allowed; another activity has its own allowance.
    send(timezone.now() + timedelta(days=1, minutes=1), text="next day")
    other = published_activity(demo)
    services.registration_create(actor=demo.elder_learner, activity=other, learner=demo.elder_learner)
    participants.activity_message_send(actor=demo.organizer, activity=other, text="hi", include_waitlisted=False)


# --- The console page ------------------------------------------------------------------------


def test_the_console_page_sends_and_lists_what_was_sent(demo, full_activity, verified_client, on_commit):
    activity, _seated, _waiting = full_activity
    client = verified_client(demo.organizer)
    page = client.get(f"/console/activities/{activity.pk}/message/")
    assert page.status_code == 200
    assert page.context["registered"] == 2 and page.context["waiting"] == 1
    with on_commit():
        response = client.post(
            f"/console/activities/{activity.pk}/message/", {"text": "周六的课取消。", "include_waitlisted": "on"}
        )
    assert response.status_code == 302 and response["Location"] == f"/console/activities/{activity.pk}/message/"
    assert Notification.objects.filter(kind="organizer_msg").count() == 3
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "周六的课取消。" in body and 'data-testid="message-wait"' in body  # the next one waits 10 minutes
    assert 'data-testid="message-form"' not in body
    assert "3" in [str(m) for m in page.context["messages"]][0]


def test_the_console_page_shows_a_bad_message_as_a_form_error(demo, full_activity, verified_client):
    activity, _seated, _waiting = full_activity
    client = verified_client(demo.organizer)
    response = client.post(f"/console/activities/{activity.pk}/message/", {"text": "   "})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(f"/console/activities/{activity.pk}/message/", {"text": "长" * 301})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    assert not sent_events(activity).exists()


def test_the_activity_page_links_to_the_participant_tools(demo, full_activity, verified_client):
    activity, _seated, _waiting = full_activity
    body = verified_client(demo.organizer).get(f"/console/activities/{activity.pk}/").content.decode()
    assert f"/console/activities/{activity.pk}/message/" in body
    assert f"/console/activities/{activity.pk}/roster.xlsx" in body
    assert f"/console/activities/{activity.pk}/roster.csv" in body


# --- The API ---------------------------------------------------------------------------------


def test_the_api_sends_and_answers_how_many_were_told(demo, full_activity, on_commit):
    activity, _seated, _waiting = full_activity
    api = ApiClient(demo.organizer)
    with on_commit():
        response = api.post(f"/activities/{activity.pk}/messages", {"text": "Rain: bring an umbrella."})
    assert response.status_code == 201 and response.json() == {"recipients": 2}
    again = api.post(f"/activities/{activity.pk}/messages", {"text": "Again", "include_waitlisted": True})
    assert again.status_code == 429 and again.json()["code"] == "too_many_messages"


@pytest.mark.parametrize(
    "body,code",
    [
        ({"text": "   "}, "invalid"),
        ({"text": "x" * 301}, "invalid"),
        ({}, "invalid"),
        ({"text": "hi", "to": "everyone"}, "invalid"),
        ({"text": "hi", "include_waitlisted": "maybe"}, "invalid"),
    ],
)
def test_the_api_refuses_bad_input_and_sends_nothing(demo, full_activity, body, code):
    activity, _seated, _waiting = full_activity
    response = ApiClient(demo.organizer).post(f"/activities/{activity.pk}/messages", body)
    assert response.status_code == 422 and response.json()["code"] == code
    assert not sent_events(activity).exists()


def test_the_api_answers_404_outside_scope(demo, full_activity):
    activity, _seated, _waiting = full_activity
    response = ApiClient(demo.young_learner).post(f"/activities/{activity.pk}/messages", {"text": "hi"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert ApiClient().post(f"/activities/{activity.pk}/messages", {"text": "hi"}).status_code == 401
    assert not sent_events(activity).exists()


# --- Roster export ---------------------------------------------------------------------------


def roster_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_roster_exports_as_csv_with_status_places_and_attendance(demo, verified_client):
    activity = published_activity(demo, capacity=1, requires_approval=False)
    first, second, third = new_learner(demo, name="=HYPERLINK(1)"), new_learner(demo), new_learner(demo)
    for learner in (first, second, third):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    session = activity.sessions.get()
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.save(update_fields=["starts_at"])
    checkin.checkin_record(actor=demo.organizer, session=session, learner=first, method="staff")
    response = verified_client(demo.organizer).get(f"/console/activities/{activity.pk}/roster.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="roster-{activity.pk}.csv"'
    header, *rows = roster_rows(response)
    assert header[0] == "Name" or header[0] == "姓名"
    assert len(rows) == 3
    assert rows[0][0] == "'=HYPERLINK(1)"  # a formula stays text
    assert rows[0][-1] == "1" and rows[1][-1] == "0"  # sessions attended
    assert rows[1][4] == "1" and rows[2][4] == "2"  # waitlist places, FIFO
    assert rows[0][4] == ""
    # The organizer administers no village: phones masked.
    assert rows[0][1] == first.phone[:3] + "****" + first.phone[-4:]
    event = AuditEvent.objects.get(summary=participants.ROSTER_EXPORT_SUMMARY)
    assert event.actor == demo.organizer and event.changes == {"format": "csv", "rows": 3, "full_phones": 0}


def test_cancelled_registrations_are_not_exported(demo, verified_client):
    activity = published_activity(demo)
    stays, leaves = new_learner(demo), new_learner(demo)
    for learner in (stays, leaves):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    services.registration_cancel(actor=leaves, registration=leaves.registrations.get())
    _header, *rows = roster_rows(verified_client(demo.organizer).get(f"/console/activities/{activity.pk}/roster.csv"))
    assert [row[0] for row in rows] == [stays.name]


def test_admins_over_the_learners_home_see_full_phones_in_the_xlsx(demo, verified_client):
    activity = published_activity(demo)
    villager = new_learner(demo)  # the village admin's village; Tongyuan's and the county's too
    wuyuan = new_learner(demo, home_region=Region.objects.get(code="330424001001"))
    for learner in (villager, wuyuan):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    response = verified_client(demo.county_admin).get(f"/console/activities/{activity.pk}/roster.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    phones = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert phones == [villager.phone, wuyuan.phone]  # the county admin covers both homes
    assert AuditEvent.objects.get(summary=participants.ROSTER_EXPORT_SUMMARY).changes["full_phones"] == 2
    # The organizer of the school administers no region: masked for both.
    table = participants.roster_table(actor=demo.organizer, activity=activity)
    assert [row[1] for row in table.values()] == [
        villager.phone[:3] + "****" + villager.phone[-4:],
        wuyuan.phone[:3] + "****" + wuyuan.phone[-4:],
    ]


def test_roster_export_outside_scope_is_404_and_not_audited(demo, verified_client):
    activity = published_activity(demo)
    for persona in (demo.town_admin, demo.village_admin):
        assert verified_client(persona).get(f"/console/activities/{activity.pk}/roster.csv").status_code == 404
    assert not AuditEvent.objects.filter(summary=participants.ROSTER_EXPORT_SUMMARY).exists()
    assert Activity.objects.filter(pk=activity.pk).exists()
