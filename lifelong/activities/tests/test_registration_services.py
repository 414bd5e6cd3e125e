import random
from datetime import timedelta

import pytest
from django.utils import timezone

from lifelong.activities import services, waitlist
from lifelong.activities.choices import RegistrationStatus as S
from lifelong.activities.models import Registration
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.regions.models import Region

from .helpers import assert_counters_match, new_learner, published_activity


def register(activity, learner, actor=None, **kwargs):
    return services.registration_create(actor=actor or learner, activity=activity, learner=learner, **kwargs)


def test_online_registration_takes_a_seat_and_a_second_one_is_refused(demo):
    activity = published_activity(demo)
    learner = demo.elder_learner
    registration = register(activity, learner)
    assert registration.status == S.CONFIRMED and registration.channel == "online"
    activity.refresh_from_db()
    assert activity.seats_left == 2
    with pytest.raises(Conflict) as error:
        register(activity, learner)
    assert error.value.code == "already_registered"
    assert_counters_match(activity)


def test_a_full_activity_waitlists_in_order_and_a_cancellation_promotes_the_first(demo):
    activity = published_activity(demo, capacity=2)
    confirmed = [register(activity, new_learner(demo)) for _ in range(2)]
    waiting = [register(activity, new_learner(demo)) for _ in range(3)]
    assert [r.status for r in waiting] == [S.WAITLISTED] * 3
    assert [r.waitlist_position for r in waiting] == sorted(r.waitlist_position for r in waiting)
    services.registration_cancel(actor=confirmed[0].learner, registration=confirmed[0])
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    # The promoted one still counts as having found no seat at first (unmet demand).
    assert [Registration.objects.get(pk=r.pk).was_waitlisted for r in waiting] == [True] * 3
    assert not any(Registration.objects.get(pk=r.pk).was_waitlisted for r in confirmed)
    assert_counters_match(activity)


def test_without_a_waitlist_a_full_activity_says_full(demo):
    activity = published_activity(demo, capacity=1, waitlist=False)
    register(activity, new_learner(demo))
    with pytest.raises(Conflict) as error:
        register(activity, new_learner(demo))
    assert error.value.code == "full"
    assert Registration.objects.filter(activity=activity).count() == 1


def test_online_learners_cannot_take_the_offline_reserve_but_staff_can(demo):
    activity = published_activity(demo, capacity=3, reserved_offline=1)
    online = [register(activity, new_learner(demo)) for _ in range(3)]
    assert [r.status for r in online] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    villager = new_learner(demo)
    by_staff = register(activity, villager, actor=demo.village_admin)
    assert by_staff.status == S.CONFIRMED and by_staff.channel == "proxy"
    activity.refresh_from_db()
    assert activity.seats_left == 0
    assert_counters_match(activity)


def test_a_freed_offline_seat_skips_online_learners_it_cannot_seat(demo):
    activity = published_activity(demo, capacity=2, reserved_offline=1)
    register(activity, new_learner(demo))  # online, fills the online share
    proxy = register(activity, new_learner(demo), actor=demo.village_admin)
    online_waiting = register(activity, new_learner(demo))
    proxy_waiting = register(activity, new_learner(demo), actor=demo.village_admin)
    assert online_waiting.waitlist_position < proxy_waiting.waitlist_position
    services.registration_cancel(actor=demo.village_admin, registration=proxy)
    assert Registration.objects.get(pk=online_waiting.pk).status == S.WAITLISTED
    assert Registration.objects.get(pk=proxy_waiting.pk).status == S.CONFIRMED
    assert_counters_match(activity)


def test_offers_are_accepted_in_time_or_lapse_to_the_next_in_line(demo):
    activity = published_activity(demo, capacity=1, offer_hours=24)
    holder = register(activity, new_learner(demo))
    first, second = register(activity, new_learner(demo)), register(activity, new_learner(demo))
    services.registration_cancel(actor=holder.learner, registration=holder)
    first.refresh_from_db()
    assert first.status == S.OFFERED and first.offer_expires_at > timezone.now()
    later = first.offer_expires_at + timedelta(minutes=1)
    assert waitlist.waitlist_offer_lapse(registration_id=first.pk) is None  # not yet due: nothing happens
    promoted = waitlist.waitlist_offer_lapse(registration_id=first.pk, now=later)
    assert promoted.pk == second.pk and promoted.status == S.OFFERED
    first.refresh_from_db()
    assert first.status == S.CANCELLED
    with pytest.raises(Conflict) as error:
        services.registration_offer_accept(actor=first.learner, registration=first)
    assert error.value.code == "not_offered"
    accepted = services.registration_offer_accept(actor=second.learner, registration=second)
    assert accepted.status == S.CONFIRMED
    assert_counters_match(activity)


def test_an_offer_cannot_be_accepted_after_its_deadline(demo):
    activity = published_activity(demo, capacity=1, offer_hours=2)
    holder = register(activity, new_learner(demo))
    waiting = register(activity, new_learner(demo))
    services.registration_cancel(actor=holder.learner, registration=holder)
    waiting.refresh_from_db()
    with pytest.raises(Conflict) as error:
        services.registration_offer_accept(
            actor=waiting.learner, registration=waiting, now=waiting.offer_expires_at + timedelta(seconds=1)
        )
    assert error.value.code == "offer_expired"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"registration_opens": timezone.now() + timedelta(days=1)}, "registration_closed"),
        ({"min_age": 80}, "ineligible_age"),
        ({"max_age": 60}, "ineligible_age"),
    ],
)
def test_closed_windows_and_ineligible_learners_are_refused_and_nothing_is_written(demo, overrides, code):
    if "registration_opens" in overrides:
        overrides["registration_closes"] = overrides["registration_opens"] + timedelta(days=3)
    activity = published_activity(demo, **overrides)
    with pytest.raises((Conflict, InvalidInput)) as error:
        register(activity, demo.elder_learner)  # born 1950
    assert error.value.code == code
    assert not Registration.objects.filter(activity=activity).exists()
    assert_counters_match(activity)


def test_residence_rules_follow_the_region_subtree(demo):
    tongyuan = Region.objects.get(code="330424105")
    activity = published_activity(demo, residents_of=tongyuan)
    assert register(activity, demo.elder_learner).status == S.CONFIRMED  # lives in a Tongyuan village
    with pytest.raises(InvalidInput) as error:
        register(activity, demo.young_learner)  # lives in Wuyuan
    assert error.value.code == "ineligible_residence"


def test_drafts_and_cancelled_activities_take_no_registrations(demo):
    activity = published_activity(demo)
    services.activity_cancel(actor=demo.organizer, activity=activity)
    with pytest.raises(NotFound):  # to a learner an unpublished activity does not exist
        register(activity, demo.elder_learner)
    with pytest.raises(Conflict) as error:  # its own staff are told why
        register(activity, demo.organizer)
    assert error.value.code == "not_open"
    assert not Registration.objects.filter(activity=activity).exists()


def test_learners_cancel_until_registration_closes_staff_any_time(demo):
    activity = published_activity(demo)
    mine = register(activity, demo.elder_learner)
    after_close = activity.registration_closes + timedelta(minutes=1)
    with pytest.raises(Conflict) as error:
        services.registration_cancel(actor=demo.elder_learner, registration=mine, now=after_close)
    assert error.value.code == "cancel_closed"
    services.registration_cancel(actor=demo.village_admin, registration=mine, now=after_close)
    assert Registration.objects.get(pk=mine.pk).status == S.CANCELLED
    with pytest.raises(NotFound):
        services.registration_cancel(actor=demo.young_learner, registration=mine)


def test_registrations_needing_approval_hold_no_seat_until_approved(demo):
    activity = published_activity(demo, capacity=1, requires_approval=True)
    first, second = register(activity, new_learner(demo)), register(activity, new_learner(demo))
    assert first.status == second.status == S.PENDING
    activity.refresh_from_db()
    assert activity.seats_taken == 0
    assert services.registration_approve(actor=demo.organizer, registration=first).status == S.CONFIRMED
    assert services.registration_approve(actor=demo.organizer, registration=second).status == S.WAITLISTED
    with pytest.raises(NotFound):
        services.registration_approve(actor=demo.town_admin, registration=second)  # Wuyuan: not their school
    assert_counters_match(activity)


def test_staff_register_only_learners_in_their_scope_and_family_register_their_own(demo):
    from lifelong.accounts.services import managed_profile_create

    activity = published_activity(demo)
    with pytest.raises(NotFound):
        register(activity, demo.elder_learner, actor=demo.town_admin)  # a Tongyuan villager, a Wuyuan admin
    grandmother = managed_profile_create(
        actor=demo.young_learner, name="李奶奶", birth_year=1944, home_region=demo.elder_learner.home_region
    )
    by_family = register(activity, grandmother, actor=demo.young_learner)
    assert by_family.channel == "proxy" and by_family.registered_by == demo.young_learner
    stranger = new_learner(demo, home_region=demo.young_learner.home_region)
    # The organizer cannot register someone from elsewhere by id, nor a family's managed profile...
    with pytest.raises(NotFound):
        register(activity, stranger, actor=demo.organizer, channel="onsite")
    with pytest.raises(NotFound):
        register(activity, grandmother, actor=demo.organizer, channel="onsite", desk_phone="13900000006")
    # ...only a walk-in who gives their full mobile number at the desk.
    walk_in = register(activity, stranger, actor=demo.organizer, channel="onsite", desk_phone=stranger.phone)
    assert walk_in.channel == "onsite"


def test_random_mixes_of_registrations_and_cancellations_keep_the_counters_true(demo):
    rng = random.Random(7)
    activity = published_activity(demo, capacity=5, reserved_offline=2, offer_hours=rng.choice([0, 12]))
    learners = [new_learner(demo) for _ in range(25)]
    for _ in range(120):
        learner = rng.choice(learners)
        active = Registration.objects.filter(
            activity=activity, learner=learner, status__in=[S.CONFIRMED, S.WAITLISTED, S.OFFERED]
        ).first()
        if active is None:
            actor = rng.choice([learner, demo.village_admin])
            register(activity, learner, actor=actor)
        elif active.status == S.OFFERED and rng.random() < 0.5:
            services.registration_offer_accept(actor=learner, registration=active)
        else:
            services.registration_cancel(actor=rng.choice([learner, demo.village_admin]), registration=active)
        assert_counters_match(activity)
