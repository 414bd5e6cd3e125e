from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.activities import reminders, services, waitlist
from lifelong.activities.choices import RegistrationStatus as S
from lifelong.activities.models import Registration
from lifelong.activities.tests.helpers import new_learner, published_activity
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.notifications.models import Notification
from lifelong.notifications.services import notices_mark_read


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the queued notices) as the real transaction would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def kinds(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def test_a_registration_is_confirmed_in_app_and_by_sms_in_the_learners_language(demo, on_commit, sms_outbox):
    activity = published_activity(demo, title="太极入门", title_en="Tai chi for beginners")
    learner = new_learner(demo, preferred_language="en")
    with on_commit():
        services.registration_create(actor=learner, activity=activity, learner=learner)
    notice = Notification.objects.get(recipient=learner)
    assert notice.kind == "confirmed" and "Tai chi for beginners" in notice.text
    assert notice.link == f"/activities/{activity.pk}/" and notice.sms_sent_at is not None
    assert sms_outbox == [(learner.phone, f"[Lifelong]{notice.text}")]


def test_chinese_is_the_default_language_of_a_notice(demo, on_commit, sms_outbox):
    activity = published_activity(demo, title="太极入门", title_en="Tai chi for beginners")
    with on_commit():
        services.registration_create(actor=demo.elder_learner, activity=activity, learner=demo.elder_learner)
    text = Notification.objects.get(recipient=demo.elder_learner).text
    assert "太极入门" in text and "报名成功" in text
    assert sms_outbox[0][1].startswith("【终身学习】")


def test_waitlist_then_offer_then_lapse_each_tell_the_learner(demo, on_commit, sms_outbox):
    activity = published_activity(demo, capacity=1, offer_hours=24)
    first, second = new_learner(demo), new_learner(demo)
    with on_commit():
        held = services.registration_create(actor=first, activity=activity, learner=first)
        waiting = services.registration_create(actor=second, activity=activity, learner=second)
    assert kinds(second) == ["waitlisted"]
    assert "1" in Notification.objects.get(recipient=second).text
    with on_commit():
        services.registration_cancel(actor=first, registration=held)
    offer = Notification.objects.filter(recipient=second, kind="offered").get()
    deadline = timezone.localtime(Registration.objects.get(pk=waiting.pk).offer_expires_at)
    assert deadline.strftime("%Y-%m-%d %H:%M") in offer.text and offer.link == "/me/"
    with on_commit():
        waitlist.waitlist_offer_lapse(registration_id=waiting.pk, now=timezone.now() + timedelta(hours=25))
    assert kinds(second) == ["waitlisted", "offered", "offer_lapsed"]
    assert kinds(first) == ["confirmed", "reg_cancelled"]  # cancelling oneself is confirmed too


def test_an_immediate_promotion_is_announced(demo, on_commit):
    activity = published_activity(demo, capacity=1, offer_hours=0)
    first, second = new_learner(demo), new_learner(demo)
    held = services.registration_create(actor=first, activity=activity, learner=first)
    services.registration_create(actor=second, activity=activity, learner=second)
    with on_commit():
        services.registration_cancel(actor=first, registration=held)
    assert kinds(second) == ["promoted"]


def test_a_family_member_is_told_about_the_relative_they_registered(demo, on_commit, sms_outbox):
    from lifelong.accounts.services import managed_profile_create

    relative = managed_profile_create(
        actor=demo.young_learner, name="钱阿婆", birth_year=1940, home_region=demo.elder_learner.home_region
    )
    activity = published_activity(demo)
    with on_commit():
        services.registration_create(actor=demo.young_learner, activity=activity, learner=relative)
    notice = Notification.objects.get()
    assert notice.recipient == demo.young_learner and "钱阿婆" in notice.text
    assert [phone for phone, _ in sms_outbox] == [demo.young_learner.phone]


def test_staff_cancelling_a_registration_and_rejecting_one_tell_the_learner(demo, on_commit):
    activity = published_activity(demo)
    learner = new_learner(demo)
    registration = services.registration_create(actor=learner, activity=activity, learner=learner)
    with on_commit():
        services.registration_cancel(actor=demo.organizer, registration=registration)
    assert kinds(learner) == ["reg_cancelled"]
    approval = published_activity(demo, requires_approval=True)
    pending = services.registration_create(actor=learner, activity=approval, learner=learner)
    with on_commit():
        services.registration_reject(actor=demo.organizer, registration=pending)
    assert kinds(learner)[-1] == "rejected"


def test_cancelling_an_activity_tells_everyone_holding_or_awaiting_a_place(demo, on_commit, sms_outbox):
    activity = published_activity(demo, capacity=1)
    holder, waiting, gone = new_learner(demo), new_learner(demo), new_learner(demo)
    services.registration_create(actor=holder, activity=activity, learner=holder)
    services.registration_create(actor=waiting, activity=activity, learner=waiting)
    left = services.registration_create(actor=gone, activity=activity, learner=gone)
    services.registration_cancel(actor=gone, registration=left)
    with on_commit():
        services.activity_cancel(actor=demo.organizer, activity=activity)
    told = set(Notification.objects.filter(kind="act_cancelled").values_list("recipient_id", flat=True))
    assert told == {holder.pk, waiting.pk}
    assert sorted(phone for phone, _ in sms_outbox) == sorted([holder.phone, waiting.phone])


def test_a_refused_registration_tells_nobody(demo, on_commit):
    activity = published_activity(demo)
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    before = Notification.objects.count()
    with on_commit(), pytest.raises(Conflict):
        services.registration_create(actor=learner, activity=activity, learner=learner)
    assert Notification.objects.count() == before


def test_the_day_before_reminder_reaches_confirmed_learners_once(demo, on_commit, sms_outbox):
    activity = published_activity(demo, capacity=1)
    session = activity.sessions.get()
    holder, waiting = new_learner(demo), new_learner(demo)
    services.registration_create(actor=holder, activity=activity, learner=holder)
    services.registration_create(actor=waiting, activity=activity, learner=waiting)
    starts = session.starts_at.isoformat()
    assert reminders.session_remind(session_id=session.pk, starts_at=starts) == 0  # a week early: nothing
    the_day_before = session.starts_at - timedelta(hours=20)
    for _ in range(2):  # a repeated run sends nothing new
        with on_commit():
            reminders.session_remind(session_id=session.pk, starts_at=starts, now=the_day_before)
    assert list(Notification.objects.filter(kind="reminder").values_list("recipient_id", flat=True)) == [holder.pk]
    assert len([text for _, text in sms_outbox if "明天" in text]) == 1


def test_moving_a_session_tells_learners_and_the_old_reminder_falls_silent(demo, on_commit):
    activity = published_activity(demo)
    session = activity.sessions.get()
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    old_start = session.starts_at.isoformat()
    later = session.starts_at + timedelta(days=1)
    with on_commit():
        services.session_update(
            actor=demo.organizer, session=session, starts_at=later, ends_at=later + timedelta(hours=2), venue=None
        )
    changed = Notification.objects.get(kind="changed")
    assert changed.recipient == learner and timezone.localtime(later).strftime("%Y-%m-%d %H:%M") in changed.text
    assert reminders.session_remind(session_id=session.pk, starts_at=old_start, now=later - timedelta(hours=30)) == 0
    assert (
        reminders.session_remind(session_id=session.pk, starts_at=later.isoformat(), now=later - timedelta(hours=2))
        == 1
    )


def test_every_move_is_told_even_back_and_forth_and_the_venue_stays_unless_changed(demo, on_commit):
    from lifelong.institutions.models import Venue

    activity = published_activity(demo)
    session = activity.sessions.get()
    hall = Venue.objects.filter(institution=activity.institution).first()
    session.venue = hall
    session.save()
    learner = new_learner(demo)
    services.registration_create(actor=learner, activity=activity, learner=learner)
    first, second = session.starts_at, session.starts_at + timedelta(days=1)
    for start in (second, first, second):
        with on_commit():
            services.session_update(
                actor=demo.organizer, session=session, starts_at=start, ends_at=start + timedelta(hours=2)
            )
    assert Notification.objects.filter(recipient=learner, kind="changed").count() == 3
    session.refresh_from_db()
    assert session.venue == hall and session.starts_at == second


def test_a_session_change_outside_scope_or_invalid_changes_nothing(demo, on_commit):
    activity = published_activity(demo)
    session = activity.sessions.get()
    before = (session.starts_at, session.ends_at)
    with pytest.raises(NotFound):
        services.session_update(
            actor=demo.town_admin, session=session, starts_at=session.starts_at, ends_at=session.ends_at
        )
    with on_commit(), pytest.raises(InvalidInput):
        services.session_update(
            actor=demo.organizer, session=session, starts_at=session.starts_at, ends_at=session.starts_at
        )
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at) == before
    assert not Notification.objects.filter(kind="changed").exists()


def test_organizers_hear_of_low_enrolment_two_days_before_registration_closes(demo, on_commit):
    quiet = published_activity(demo, capacity=10)
    busy = published_activity(demo, capacity=3)
    for _ in range(2):
        learner = new_learner(demo)
        services.registration_create(actor=learner, activity=busy, learner=learner)
    at = quiet.registration_closes - timedelta(hours=40)
    assert reminders.low_enrolment_alert(activity_id=quiet.pk) is False  # too early to tell
    with on_commit():
        assert reminders.low_enrolment_alert(activity_id=quiet.pk, now=at) is True
        assert reminders.low_enrolment_alert(activity_id=busy.pk, now=at) is False
    alert = Notification.objects.get(kind="low_enrolment")
    assert alert.recipient == demo.organizer and alert.activity == quiet
    assert "0" in alert.text and "10" in alert.text and alert.link == f"/console/activities/{quiet.pk}/"


def test_publishing_and_rejecting_tell_the_organizer(demo, on_commit):
    with on_commit():
        published = published_activity(demo)
    assert Notification.objects.get(recipient=demo.organizer, kind="published").activity == published
    draft = services.activity_create(
        actor=demo.organizer,
        institution=published.institution,
        title="读书会",
        category="reading",
        capacity=5,
        registration_opens=published.registration_opens,
        registration_closes=published.registration_closes,
        sessions=[{"starts_at": s.starts_at, "ends_at": s.ends_at} for s in published.sessions.all()],
    )
    services.activity_submit(actor=demo.organizer, activity=draft)
    with on_commit():
        services.activity_reject(actor=demo.county_admin, activity=draft, reason="场地未确认")
    assert "场地未确认" in Notification.objects.get(kind="act_rejected").text


def test_a_learner_with_an_email_also_gets_an_email(demo, on_commit, client):
    learner = new_learner(demo, email="")
    client.force_login(learner)
    client.post("/accounts/email/", {"email": "learner@example.com"})
    learner.refresh_from_db()
    assert learner.email == "learner@example.com"
    activity = published_activity(demo)
    with on_commit():
        services.registration_create(actor=learner, activity=activity, learner=learner)
    assert [m.to for m in mail.outbox] == [["learner@example.com"]]
    assert activity.title in mail.outbox[0].body and f"/activities/{activity.pk}/" in mail.outbox[0].body
    assert Notification.objects.get(recipient=learner).email_sent_at is not None


def test_a_bad_email_is_refused_and_keeps_the_old_one(demo, client):
    learner = new_learner(demo, email="old@example.com")
    client.force_login(learner)
    client.post("/accounts/email/", {"email": "not an email"})
    learner.refresh_from_db()
    assert learner.email == "old@example.com"


def test_a_failing_sms_gateway_keeps_the_in_app_notice_and_the_registration(demo, on_commit, settings):
    settings.SMS_BACKEND = "lifelong.notifications.tests.test_notices.BrokenGateway"
    activity = published_activity(demo)
    learner = new_learner(demo)
    with on_commit():
        registration = services.registration_create(actor=learner, activity=activity, learner=learner)
    assert Registration.objects.get(pk=registration.pk).status == S.CONFIRMED
    notice = Notification.objects.get(recipient=learner)
    assert notice.sms_sent_at is None


class BrokenGateway:
    def send(self, phone, text, **message):
        raise ConnectionError("gateway down")


def test_the_notices_page_shows_only_ones_own_and_marks_them_read(demo, on_commit, client):
    activity = published_activity(demo)
    mine, other = new_learner(demo), new_learner(demo)
    with on_commit():
        for learner in (mine, other):
            services.registration_create(actor=learner, activity=activity, learner=learner)
    client.force_login(mine)
    page = client.get("/me/notices/").content.decode()
    # One notice (its kind and its text), not the other learner's as well.
    assert page.count('<li class="ll-notice') == 1 and "您已报名成功" in page
    assert 'data-testid="notices-link"' in page and "<mark" in page
    client.post("/me/notices/read/")
    assert not Notification.objects.filter(recipient=mine, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()
    with pytest.raises(NotFound):
        notices_mark_read(actor=mine, notice_id=Notification.objects.get(recipient=other).pk)


def test_a_managed_profile_without_a_family_member_is_left_to_village_staff(demo, on_commit, sms_outbox):
    villager = User.objects.create(name="无手机老人", home_region=demo.elder_learner.home_region, birth_year=1942)
    activity = published_activity(demo)
    with on_commit():
        services.registration_create(actor=demo.village_admin, activity=activity, learner=villager)
    assert Notification.objects.filter(recipient=villager).count() == 1  # on record; nobody to text
    assert sms_outbox == []
