"""A programme's figures equal the raw records; its activities split into upcoming and past."""

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from lifelong.activities import checkin
from lifelong.activities import services as activity_services
from lifelong.activities.models import Attendance, Registration
from lifelong.activities.tests.helpers import new_learner
from lifelong.community import records
from lifelong.passport.models import LearningRecord
from lifelong.passport.services import record_reverse
from lifelong.passport.tests.helpers import attend, course

from .helpers import brand, school


def _past_course(demo, programme, *, title="往期课堂"):
    """A published two-session course of the Tongyuan school that ran last month."""
    start = (timezone.now() - timedelta(days=30)).replace(second=0, microsecond=0)
    activity = activity_services.activity_create(
        actor=demo.organizer,
        institution=school(),
        sessions=[
            {"starts_at": start + timedelta(days=7 * n), "ends_at": start + timedelta(days=7 * n, hours=2)}
            for n in range(2)
        ],
        title=title,
        category="agriculture",
        audiences=["farmers"],
        capacity=10,
        registration_opens=start - timedelta(days=10),
        registration_closes=start - timedelta(hours=1),
        programme=programme,
        now=start - timedelta(days=10),  # entered when registration opened
    )
    return activity_services.activity_publish(actor=demo.county_admin, activity=activity)


def test_figures_equal_the_raw_records_through_registrations_check_ins_and_corrections(demo):
    programme = brand(demo)
    first = course(demo, sessions=2, programme=programme)
    second = course(demo, sessions=1, programme=programme, title="茶艺", capacity=2, waitlist=True)
    outside = course(demo, sessions=1)  # not in the programme
    draft = activity_services.activity_create(  # drafts are not its record
        actor=demo.organizer,
        institution=school(),
        sessions=[
            {"starts_at": timezone.now() + timedelta(days=9), "ends_at": timezone.now() + timedelta(days=9, hours=1)}
        ],
        title="草稿",
        category="arts",
        capacity=5,
        registration_opens=timezone.now(),
        registration_closes=timezone.now() + timedelta(days=5),
        programme=programme,
    )
    learners = [new_learner(demo) for _ in range(5)]
    for learner in learners:
        for activity in (first, second, outside):
            activity_services.registration_create(actor=learner, activity=activity, learner=learner)
    # learners[2:] are waitlisted on `second`; learners[4] then cancels `first` and is served by nothing.
    activity_services.registration_cancel(
        actor=learners[4], registration=Registration.objects.get(learner=learners[4], activity=first)
    )
    for learner in learners[:3]:
        for session in first.sessions.all():
            attend(demo, session, learner)
    attend(demo, outside.sessions.get(), learners[3])
    record_reverse(actor=demo.organizer, record=LearningRecord.objects.filter(activity=first).first(), reason="代签")

    figures = records.programme_figures(programme=programme)
    mine = [first, second]
    assert figures.activities == 2 and draft.status == "draft"
    confirmed = set(
        Registration.objects.filter(activity__in=mine, status="confirmed").values_list("learner_id", flat=True)
    )
    attended = set(Attendance.objects.filter(session__activity__in=mine).values_list("learner_id", flat=True))
    assert figures.people_served == len(confirmed | attended) == 4
    assert figures.attendance == Attendance.objects.filter(session__activity__in=mine).count() == 6
    assert figures.hours == sum(r.hours for r in LearningRecord.objects.filter(activity__in=mine))
    assert figures.hours == Decimal("7.5")  # six 90-minute sessions attended, one corrected


def test_someone_who_attended_and_then_cancelled_was_still_served(demo):
    programme = brand(demo)
    activity = course(demo, sessions=2, programme=programme)
    learner = new_learner(demo)
    activity_services.registration_create(actor=learner, activity=activity, learner=learner)
    attend(demo, activity.sessions.first(), learner)
    activity_services.registration_cancel(actor=demo.organizer, registration=Registration.objects.get(learner=learner))
    figures = records.programme_figures(programme=programme)
    assert (figures.people_served, figures.attendance) == (1, 1)


def test_activities_split_into_upcoming_and_past(demo):
    programme = brand(demo)
    past = _past_course(demo, programme)
    coming = course(demo, sessions=1, programme=programme)
    learner = new_learner(demo)
    activity_services.registration_create(
        actor=demo.village_admin, activity=past, learner=learner, now=past.registration_opens + timedelta(hours=1)
    )
    session = past.sessions.first()
    checkin.checkin_record(
        actor=demo.organizer, session=session, learner=learner, now=session.starts_at + timedelta(minutes=3)
    )
    upcoming, done = records.programme_activities(programme=programme)
    assert [a.pk for a in upcoming] == [coming.pk] and [a.pk for a in done] == [past.pk]
    assert records.programme_figures(programme=programme).hours == Decimal("2.0")


def test_a_course_under_way_is_coming_by_its_next_session_as_in_the_catalogue(demo):
    # Its first week is over and its second is in ten days: listed by (and showing) the
    # session still to come, after a one-off next week, as the catalogue lists it.
    programme = brand(demo)
    now = timezone.now().replace(second=0, microsecond=0)
    started = activity_services.activity_create(
        actor=demo.organizer,
        institution=school(),
        sessions=[
            {"starts_at": now + timedelta(days=d), "ends_at": now + timedelta(days=d, hours=2)} for d in (-10, 10)
        ],
        title="正在进行的课",
        category="arts",
        capacity=10,
        registration_opens=now - timedelta(days=20),
        registration_closes=now + timedelta(days=5),
        programme=programme,
        now=now - timedelta(days=20),  # entered when registration opened
    )
    activity_services.activity_publish(actor=demo.county_admin, activity=started)
    soon = course(demo, sessions=1, programme=programme, title="下周的课")  # in a week
    soon_start = soon.sessions.get().starts_at
    assert now < soon_start < now + timedelta(days=10)

    upcoming, _done = records.programme_activities(programme=programme)
    assert [a.pk for a in upcoming] == [soon.pk, started.pk]
    assert upcoming[1].next_starts_at == now + timedelta(days=10)
    page = Client().get(f"/programmes/{programme.slug}/").content.decode()
    row = page[page.index("正在进行的课") : page.index("正在进行的课") + 600]
    assert timezone.localtime(now + timedelta(days=10)).strftime("%Y-%m-%d") in row
