"""Editing an activity after it was created (lifelong.activities.services.editing): seats, venue
capacity, sessions and their rooms, one notice per learner, the waitlist, the audit, the way
back from a rejection, and "copy as a new draft"."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from lifelong.activities import services
from lifelong.activities.models import Activity, Attendance, Registration
from lifelong.campaigns.models import Campaign
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.institutions.models import Institution, VenueBooking
from lifelong.institutions.tests.helpers import county_time, school_classroom, village_meeting
from lifelong.notifications.models import Notification

from .helpers import assert_counters_match, new_learner, published_activity


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the queued notices) as the real transaction would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def school() -> Institution:
    return Institution.objects.get(kind="community_school", region__code="330424105")


def draft_at_classroom(demo, *slots, capacity=20, **extra) -> Activity:
    """A draft of the Tongyuan school held in its 60-seat classroom, one session per slot."""
    now = timezone.now()
    return services.activity_create(
        actor=demo.organizer,
        institution=school(),
        venue=school_classroom(),
        sessions=[{"starts_at": s, "ends_at": e} for s, e in slots],
        title="书法班",
        category="arts",
        audiences=["elderly"],
        capacity=capacity,
        registration_opens=now - timedelta(days=1),
        registration_closes=now + timedelta(days=5),
        offer_hours=0,
        **extra,
    )


def fill(demo, activity, n, **fields):
    return [
        services.registration_create(actor=learner, activity=activity, learner=learner)
        for learner in (new_learner(demo, **fields) for _ in range(n))
    ]


def specs(activity):
    """The activity's sessions as a full list for `activity_update`, ids kept."""
    return [{"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at} for s in activity.sessions.all()]


# --- Seats -------------------------------------------------------------------------------------


def test_capacity_below_the_seats_taken_is_refused_and_changes_nothing(demo):
    activity = published_activity(demo, capacity=3)
    fill(demo, activity, 3)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        services.activity_update(actor=demo.organizer, activity=activity, capacity=2, title="新标题")
    assert refused.value.code == "capacity_below_taken" and refused.value.field == "capacity"
    activity.refresh_from_db()
    assert (activity.capacity, activity.title) == (3, "太极入门")
    assert AuditEvent.objects.count() == events
    # Down to exactly the seats taken is fine.
    change = services.activity_update(actor=demo.organizer, activity=activity, capacity=3, title="新标题")
    assert change.changed == ["title"]
    assert_counters_match(activity)


def test_the_online_share_never_drops_below_the_online_seats_held(demo):
    activity = published_activity(demo, capacity=4)
    fill(demo, activity, 3)  # three online seats
    with pytest.raises(Conflict) as refused:
        services.activity_update(actor=demo.organizer, activity=activity, reserved_offline=2)
    assert refused.value.code == "capacity_below_taken" and refused.value.field == "reserved_offline"
    with pytest.raises(InvalidInput):
        services.activity_update(actor=demo.organizer, activity=activity, reserved_offline=5)
    services.activity_update(actor=demo.organizer, activity=activity, reserved_offline=1)
    activity.refresh_from_db()
    assert activity.reserved_offline == 1
    assert_counters_match(activity)


def test_raising_the_capacity_gives_the_new_seats_to_the_waitlist_first_come_first_served(demo, on_commit):
    activity = published_activity(demo, capacity=2)
    fill(demo, activity, 2)
    waiting = fill(demo, activity, 4)
    assert [r.status for r in waiting] == ["waitlisted"] * 4
    with on_commit():
        change = services.activity_update(actor=demo.organizer, activity=activity, capacity=4)
    assert change.promoted == 2 and change.told == 0  # more seats are no change of time or place
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    promoted = Notification.objects.filter(kind="promoted").values_list("recipient_id", flat=True)
    assert sorted(promoted) == sorted(r.learner_id for r in waiting[:2])
    assert_counters_match(activity)
    activity.refresh_from_db()
    assert activity.seats_left == 0
    event = AuditEvent.objects.get(object_id=str(activity.pk), summary="activity edited")
    assert event.changes["capacity"] == [2, 4] and event.changes["promoted_from_waitlist"] == 2


def test_a_smaller_offline_reserve_opens_seats_to_online_waitlisters(demo):
    activity = published_activity(demo, capacity=3, reserved_offline=2)
    first = fill(demo, activity, 1)
    waiting = fill(demo, activity, 2)
    assert [r.status for r in first + waiting] == ["confirmed", "waitlisted", "waitlisted"]
    change = services.activity_update(actor=demo.organizer, activity=activity, reserved_offline=1)
    assert change.promoted == 1
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == ["confirmed", "waitlisted"]
    assert_counters_match(activity)


# --- Venue capacity ----------------------------------------------------------------------------


def test_a_capacity_above_the_venues_seats_is_refused_unless_an_admin_allows_it(demo):
    slot = (county_time(8, 9), county_time(8, 11))
    with pytest.raises(InvalidInput) as refused:
        draft_at_classroom(demo, slot, capacity=500)
    assert refused.value.code == "over_venue_capacity" and "60" in refused.value.detail
    assert not Activity.objects.exists()
    # The organizer cannot allow it themselves.
    with pytest.raises(InvalidInput):
        draft_at_classroom(demo, slot, capacity=500, over_venue_capacity=True)

    activity = draft_at_classroom(demo, slot, capacity=60)
    with pytest.raises(InvalidInput) as refused:
        services.activity_update(actor=demo.organizer, activity=activity, capacity=61, over_venue_capacity=True)
    assert refused.value.code == "over_venue_capacity"
    activity.refresh_from_db()
    assert activity.capacity == 60
    # An admin over the organizer may, and it is on the record.
    services.activity_update(actor=demo.county_admin, activity=activity, capacity=80, over_venue_capacity=True)
    activity.refresh_from_db()
    assert activity.capacity == 80
    event = AuditEvent.objects.filter(object_id=str(activity.pk), summary="activity edited").get()
    assert event.changes["over_venue_capacity"] is True
    # Without the flag, the admin is held to the venue like anyone.
    with pytest.raises(InvalidInput):
        services.activity_update(actor=demo.county_admin, activity=activity, capacity=90)


def test_an_unrelated_edit_of_an_allowed_activity_is_not_refused(demo):
    activity = services.activity_create(
        actor=demo.county_admin,
        institution=school(),
        venue=school_classroom(),
        sessions=[{"starts_at": county_time(8, 9), "ends_at": county_time(8, 11)}],
        title="大讲座",
        category="civic",
        capacity=80,
        registration_opens=timezone.now(),
        registration_closes=timezone.now() + timedelta(days=5),
        over_venue_capacity=True,
    )
    services.activity_update(actor=demo.organizer, activity=activity, summary="欢迎参加")
    activity.refresh_from_db()
    assert activity.summary == "欢迎参加" and activity.capacity == 80


# --- Sessions and rooms ------------------------------------------------------------------------


def test_a_draft_holds_no_room_until_it_is_submitted_and_a_rejection_frees_it(demo):
    slot = (county_time(8, 9), county_time(8, 11))
    first = draft_at_classroom(demo, slot)
    second = draft_at_classroom(demo, slot)  # the same room at the same time: drafts do not clash
    assert not VenueBooking.objects.exists()

    services.activity_submit(actor=demo.organizer, activity=first)
    assert VenueBooking.objects.get().session.activity_id == first.pk
    with pytest.raises(Conflict) as refused:
        services.activity_submit(actor=demo.organizer, activity=second)
    assert refused.value.code == "venue_booked" and "书法班" in refused.value.detail
    second.refresh_from_db()
    assert second.status == "draft"  # the refused submit changed nothing

    services.activity_reject(actor=demo.county_admin, activity=first, reason="时间不合适")
    assert not VenueBooking.objects.exists()
    services.activity_submit(actor=demo.organizer, activity=second)
    assert VenueBooking.objects.get().session.activity_id == second.pk


def test_publishing_a_draft_books_its_rooms(demo):
    activity = draft_at_classroom(
        demo, (county_time(8, 9), county_time(8, 11)), (county_time(15, 9), county_time(15, 11))
    )
    assert not VenueBooking.objects.exists()
    services.activity_publish(actor=demo.county_admin, activity=activity)
    assert VenueBooking.objects.filter(session__activity=activity).count() == 2


def test_adding_moving_and_removing_sessions_books_and_frees_rooms(demo):
    activity = draft_at_classroom(
        demo, (county_time(8, 9), county_time(8, 11)), (county_time(15, 9), county_time(15, 11))
    )
    services.activity_submit(actor=demo.organizer, activity=activity)
    first, second = activity.sessions.all()
    change = services.activity_update(
        actor=demo.organizer,
        activity=activity,
        sessions=[
            {"id": first.pk, "starts_at": county_time(9, 14), "ends_at": county_time(9, 16)},  # moved
            {"starts_at": county_time(22, 9), "ends_at": county_time(22, 11)},  # added
        ],  # the second is removed
    )
    assert (change.sessions_moved, change.sessions_added, change.sessions_removed) == (1, 1, 1)
    booked = sorted(VenueBooking.objects.filter(session__activity=activity).values_list("starts_at", flat=True))
    assert booked == [county_time(9, 14), county_time(22, 9)]
    # The freed slots are free for others.
    village_meeting(demo.organizer, 15)
    village_meeting(demo.organizer, 8)


def test_a_move_into_a_booked_slot_is_refused_and_changes_nothing(demo):
    activity = draft_at_classroom(demo, (county_time(8, 9), county_time(8, 11)))
    services.activity_submit(actor=demo.organizer, activity=activity)
    village_meeting(demo.organizer, 9)
    session = activity.sessions.get()
    with pytest.raises(Conflict) as refused:
        services.activity_update(
            actor=demo.organizer,
            activity=activity,
            title="书法提高班",
            sessions=[
                {"id": session.pk, "starts_at": county_time(9, 10), "ends_at": county_time(9, 12)},
                {"starts_at": county_time(20, 9), "ends_at": county_time(20, 11)},
            ],
        )
    assert refused.value.code == "venue_booked" and "村民大会" in refused.value.detail
    activity.refresh_from_db()
    assert activity.title == "书法班" and activity.sessions.count() == 1
    assert activity.sessions.get().starts_at == county_time(8, 9)
    assert VenueBooking.objects.get(session=session).starts_at == county_time(8, 9)


def test_a_draft_changes_sessions_without_booking(demo):
    activity = draft_at_classroom(demo, (county_time(8, 9), county_time(8, 11)))
    services.activity_update(
        actor=demo.organizer,
        activity=activity,
        sessions=[*specs(activity), {"starts_at": county_time(9, 9), "ends_at": county_time(9, 11)}],
    )
    assert activity.sessions.count() == 2 and not VenueBooking.objects.exists()


def test_a_session_with_check_ins_cannot_be_removed(demo):
    activity = published_activity(demo)
    session = activity.sessions.get()
    learner = fill(demo, activity, 1)[0].learner
    services.activity_update(
        actor=demo.organizer,
        activity=activity,
        sessions=[
            *specs(activity),
            {"starts_at": session.starts_at + timedelta(days=7), "ends_at": session.ends_at + timedelta(days=7)},
        ],
    )
    Attendance.objects.create(
        session=session, learner=learner, method="staff", checked_in_at=timezone.now(), recorded_by=demo.organizer
    )
    later = activity.sessions.exclude(pk=session.pk).get()
    with pytest.raises(Conflict) as refused:
        services.activity_update(
            actor=demo.organizer,
            activity=activity,
            sessions=[{"id": later.pk, "starts_at": later.starts_at, "ends_at": later.ends_at}],
        )
    assert refused.value.code == "session_has_checkins"
    assert activity.sessions.count() == 2
    # The other one may go.
    services.activity_update(
        actor=demo.organizer,
        activity=activity,
        sessions=[{"id": session.pk, "starts_at": session.starts_at, "ends_at": session.ends_at}],
    )
    assert list(activity.sessions.values_list("pk", flat=True)) == [session.pk]


def test_changing_the_venue_moves_the_sessions_held_there(demo):
    activity = draft_at_classroom(demo, (county_time(8, 9), county_time(8, 11)))
    services.activity_submit(actor=demo.organizer, activity=activity)
    other = school().venues.exclude(pk=school_classroom().pk).order_by("-capacity").first()
    services.activity_update(actor=demo.organizer, activity=activity, venue=other)
    session = activity.sessions.get()
    assert session.venue == other and VenueBooking.objects.get(session=session).venue == other


# --- Learners are told once -------------------------------------------------------------------


def test_learners_registered_and_waiting_are_told_once_per_edit(demo, on_commit):
    activity = published_activity(demo, capacity=2)
    confirmed = fill(demo, activity, 2)
    waiting = fill(demo, activity, 1)
    gone = fill(demo, activity, 1)[0]
    services.registration_cancel(actor=gone.learner, registration=gone)
    session = activity.sessions.get()
    Notification.objects.all().delete()
    with on_commit():
        change = services.activity_update(
            actor=demo.organizer,
            activity=activity,
            summary="新的简介",
            sessions=[
                {
                    "id": session.pk,
                    "starts_at": session.starts_at + timedelta(hours=1),
                    "ends_at": session.ends_at + timedelta(hours=1),
                },
                {"starts_at": session.starts_at + timedelta(days=7), "ends_at": session.ends_at + timedelta(days=7)},
            ],
        )
    assert change.told == 3
    told = Notification.objects.filter(kind="act_changed")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        r.learner_id for r in [*confirmed, *waiting]
    )  # one each, the cancelled learner not at all
    text = told.first().text
    assert "加了一次课。上课时间改了。" in text  # both changes, in the learner's language (Chinese here)
    assert timezone.localtime(session.starts_at + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M") in text

    # Words only: nobody is told.
    with on_commit():
        assert services.activity_update(actor=demo.organizer, activity=activity, summary="再改").told == 0
    assert Notification.objects.filter(kind="act_changed").count() == 3


def test_a_draft_or_an_unchanged_edit_tells_nobody_and_writes_nothing(demo, on_commit):
    activity = published_activity(demo)
    fill(demo, activity, 1)
    events = AuditEvent.objects.count()
    with on_commit():
        change = services.activity_update(
            actor=demo.organizer, activity=activity, title=activity.title, sessions=specs(activity)
        )
    assert not change.anything and AuditEvent.objects.count() == events
    assert not Notification.objects.filter(kind__in=["act_changed", "changed"]).exists()


# --- Rules of the edit ---------------------------------------------------------------------------


def test_bad_input_and_outsiders_change_nothing(demo):
    activity = published_activity(demo)
    session = activity.sessions.get()
    other = published_activity(demo).sessions.get()
    cases = [
        (NotFound, {"actor": demo.town_admin, "title": "改"}),
        (InvalidInput, {"institution": school(), "title": "改"}),
        (InvalidInput, {"category": "casino", "title": "改"}),
        (InvalidInput, {"audiences": ["aliens"], "title": "改"}),
        (InvalidInput, {"title": "改", "sessions": []}),
        (InvalidInput, {"title": "改", "min_age": 80, "max_age": 60}),
        (InvalidInput, {"title": "改", "registration_closes": activity.registration_opens}),
        (
            NotFound,
            {"title": "改", "sessions": [{"id": other.pk, "starts_at": other.starts_at, "ends_at": other.ends_at}]},
        ),
        (
            InvalidInput,
            {
                "title": "改",
                "sessions": [{"id": session.pk, "starts_at": session.ends_at, "ends_at": session.starts_at}],
            },
        ),
    ]
    for error, kwargs in cases:
        actor = kwargs.pop("actor", demo.organizer)
        with pytest.raises(error):
            services.activity_update(actor=actor, activity=activity, **kwargs)
    activity.refresh_from_db()
    assert activity.title == "太极入门" and activity.sessions.get().starts_at == session.starts_at
    assert not AuditEvent.objects.filter(summary="activity edited").exists()


def test_a_cancelled_activity_does_not_change(demo):
    activity = published_activity(demo)
    services.activity_cancel(actor=demo.organizer, activity=activity)
    with pytest.raises(Conflict) as refused:
        services.activity_update(actor=demo.organizer, activity=activity, title="改")
    assert refused.value.code == "invalid_transition"


def test_a_published_activitys_edit_is_audited_field_by_field_with_the_phone_masked(demo):
    activity = published_activity(demo, contact_phone="13812345678")
    services.activity_update(
        actor=demo.organizer,
        activity=activity,
        contact_phone="13987654321",
        capacity=5,
        audiences=["elderly", "farmers"],
    )
    event = AuditEvent.objects.get(object_id=str(activity.pk), summary="activity edited")
    assert event.actor == demo.organizer
    assert event.changes["contact_phone"] == ["138****5678", "139****4321"]
    assert event.changes["capacity"] == [3, 5]
    assert event.changes["audiences"] == [",elderly,", ",elderly,farmers,"]
    assert "13987654321" not in str(event.changes)


def test_a_rejected_activity_is_edited_and_submitted_again(demo):
    activity = draft_at_classroom(demo, (county_time(8, 9), county_time(8, 11)))
    services.activity_submit(actor=demo.organizer, activity=activity)
    services.activity_reject(actor=demo.county_admin, activity=activity, reason="请写清楚要带什么")
    change = services.activity_update(actor=demo.organizer, activity=activity, summary="请带毛笔和宣纸。")
    assert change.activity.status == "rejected" and not VenueBooking.objects.exists()
    again = services.activity_submit(actor=demo.organizer, activity=activity)
    assert again.status == "submitted" and again.rejection_reason == ""
    assert VenueBooking.objects.filter(session__activity=activity).count() == 1


def test_session_update_is_the_one_session_edit(demo, on_commit):
    activity = published_activity(demo)
    learner = fill(demo, activity, 1)[0].learner
    session = activity.sessions.get()
    later = session.starts_at + timedelta(days=1)
    with on_commit():
        moved = services.session_update(
            actor=demo.organizer, session=session, starts_at=later, ends_at=later + timedelta(hours=2)
        )
    assert moved.starts_at == later
    assert Notification.objects.filter(recipient=learner, kind="changed").count() == 1
    assert not Notification.objects.filter(kind="act_changed").exists()


# --- Copy ------------------------------------------------------------------------------------------


def test_copy_makes_a_draft_with_the_same_content_shifted_sessions_and_no_registrations(demo):
    activity = draft_at_classroom(
        demo,
        (county_time(8, 9), county_time(8, 11)),
        (county_time(15, 9), county_time(15, 11)),
        summary="每周一次",
        min_age=50,
        certificate=True,
    )
    services.activity_publish(actor=demo.county_admin, activity=activity)
    fill(demo, activity, 2, birth_year=1950)
    copy = services.activity_copy(actor=demo.organizer, activity=activity)
    assert copy.status == "draft" and copy.pk != activity.pk
    for name in (
        "title",
        "summary",
        "category",
        "audiences",
        "venue",
        "capacity",
        "min_age",
        "certificate",
        "offer_hours",
    ):
        assert getattr(copy, name) == getattr(activity, name), name
    # Weekly on the same day and time, continuing the week after the last session.
    assert list(copy.sessions.values_list("starts_at", flat=True)) == [county_time(22, 9), county_time(29, 9)]
    assert copy.registration_opens == activity.registration_opens + timedelta(days=14)
    assert copy.registration_closes == activity.registration_closes + timedelta(days=14)
    assert not copy.registrations.exists() and copy.seats_taken == 0
    assert not VenueBooking.objects.filter(session__activity=copy).exists()  # a draft holds no room
    assert AuditEvent.objects.get(object_id=str(copy.pk), summary="copied").changes["from"] == activity.pk


def test_copy_to_a_given_first_date_and_outsiders_get_404(demo):
    activity = published_activity(demo)
    first = activity.sessions.get()
    target = first.starts_at + timedelta(days=30)
    copy = services.activity_copy(actor=demo.organizer, activity=activity, first_starts_at=target)
    assert copy.sessions.get().starts_at == target
    assert copy.registration_closes == activity.registration_closes + timedelta(days=30)
    with pytest.raises(NotFound):
        services.activity_copy(actor=demo.town_admin, activity=activity)
    assert Activity.objects.count() == 2


def test_copying_a_past_activity_lands_in_the_coming_week_and_leaves_an_ended_campaign_out(demo):
    activity = published_activity(demo)
    past = timezone.now() - timedelta(days=100)
    Activity.objects.filter(pk=activity.pk).update(
        registration_opens=past - timedelta(days=10), registration_closes=past - timedelta(days=1)
    )
    activity.sessions.update(starts_at=past, ends_at=past + timedelta(hours=2))
    over = timezone.localdate(past)
    campaign = Campaign.objects.create(
        slug="week-past", name="去年的学习周", starts_on=over, ends_on=over, host_region=school().region
    )
    Activity.objects.filter(pk=activity.pk).update(campaign=campaign, campaign_status="accepted")
    copy = services.activity_copy(actor=demo.organizer, activity=activity)
    start = copy.sessions.get().starts_at
    assert timezone.now() < start <= timezone.now() + timedelta(days=7)
    assert timezone.localtime(start).weekday() == timezone.localtime(past).weekday()
    assert copy.campaign is None


def test_the_migration_frees_rooms_held_by_drafts_and_rejected_activities(demo):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("lifelong.activities.migrations.0009_free_draft_room_bookings")
    for day, status in enumerate(["draft", "rejected", "submitted", "published"], start=8):
        activity = draft_at_classroom(demo, (county_time(day, 9), county_time(day, 11)))
        services.activity_submit(actor=demo.organizer, activity=activity)  # books, as drafts once did
        Activity.objects.filter(pk=activity.pk).update(status=status)
    assert VenueBooking.objects.count() == 4
    migration.free_draft_bookings(apps, None)
    kept = set(VenueBooking.objects.values_list("session__activity__status", flat=True))
    assert kept == {"submitted", "published"}
