"""Real parallel clients (one database connection each) racing for few seats, on PostgreSQL.

The control run switches the guard off through the test-only hook and must overbook: that
proves the harness can see a race, so the guarded run's zero is meaningful.
"""

import pytest
from django.db import connection

from lifelong.activities import seats, services
from lifelong.activities.choices import RegistrationStatus as S
from lifelong.activities.models import Registration
from lifelong.testkit.races import race

from .helpers import assert_counters_match, new_learner, published_activity

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level races need PostgreSQL"),
]
CLIENTS = 24


def registrations_for(demo, activity, learners):
    return [
        lambda learner=learner: services.registration_create(actor=learner, activity=activity, learner=learner)
        for learner in learners
    ]


def test_many_clients_for_few_seats_never_overbook(county):
    activity = published_activity(county, capacity=5)
    learners = [new_learner(county) for _ in range(CLIENTS)]
    outcomes = race(registrations_for(county, activity, learners))
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert Registration.objects.filter(activity=activity, status=S.CONFIRMED).count() == 5
    waitlisted = Registration.objects.filter(activity=activity, status=S.WAITLISTED)
    assert waitlisted.count() == CLIENTS - 5
    assert sorted(waitlisted.values_list("waitlist_position", flat=True)) == list(range(1, CLIENTS - 4))
    assert_counters_match(activity)


def test_the_same_learner_racing_themselves_gets_one_registration(county):
    activity = published_activity(county, capacity=5)
    learner = new_learner(county)
    outcomes = race(registrations_for(county, activity, [learner] * 8))
    assert Registration.objects.filter(activity=activity, learner=learner).count() == 1
    assert sum(1 for o in outcomes if getattr(o, "code", None) == "already_registered") == 7
    assert_counters_match(activity)


def test_the_last_seat_while_others_cancel_keeps_fifo_and_counters(county):
    activity = published_activity(county, capacity=4)
    holders = [
        services.registration_create(actor=lr, activity=activity, learner=lr)
        for lr in [new_learner(county) for _ in range(4)]
    ]
    queue = [
        services.registration_create(actor=lr, activity=activity, learner=lr)
        for lr in [new_learner(county) for _ in range(4)]
    ]
    newcomers = [new_learner(county) for _ in range(12)]
    calls = [lambda r=r: services.registration_cancel(actor=r.learner, registration=r) for r in holders[:3]]
    calls += registrations_for(county, activity, newcomers)
    outcomes = race(calls)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    # The three freed seats went to the first three in the queue, in order, never to a newcomer.
    promoted = [Registration.objects.get(pk=r.pk).status for r in queue]
    assert promoted == [S.CONFIRMED, S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert not Registration.objects.filter(activity=activity, learner__in=newcomers, status=S.CONFIRMED).exists()
    assert_counters_match(activity)


def test_control_without_the_guard_the_race_overbooks(county, monkeypatch):
    monkeypatch.setattr(seats.RaceWindowForTests, "unguarded", True)
    activity = published_activity(county, capacity=5)
    learners = [new_learner(county) for _ in range(CLIENTS)]
    race(registrations_for(county, activity, learners))
    confirmed = Registration.objects.filter(activity=activity, status=S.CONFIRMED).count()
    assert confirmed > activity.capacity, "the harness saw no race: the guarded test would prove nothing"


def capped_week_activities(county, slug: str) -> list:
    """Eight activities (five seats each) of a county learning week that caps each person's
    registrations at three."""
    from lifelong.campaigns.tests.helpers import capped_week

    week = capped_week(slug, cap=3)
    return [published_activity(county, campaign=week, capacity=5) for _ in range(8)]


def assert_the_cap_held(outcomes, registrations, activities) -> None:
    """Three of the racing registrations went through (`registrations` holds them), every
    other was refused for the cap, and no activity's counters drifted."""
    accepted = [o for o in outcomes if isinstance(o, Registration)]
    refused = [o for o in outcomes if not isinstance(o, Registration)]
    assert len(accepted) == 3, outcomes
    assert all(getattr(o, "code", None) == "campaign_cap" for o in refused), refused
    assert registrations.count() == 3
    for activity in activities:
        assert_counters_match(activity)


def test_one_learner_racing_for_many_campaign_activities_stays_within_the_cap(county):
    activities = capped_week_activities(county, "race-week")
    learner = new_learner(county)
    calls = [
        lambda activity=activity: services.registration_create(actor=learner, activity=activity, learner=learner)
        for activity in activities
    ]
    assert_the_cap_held(race(calls), Registration.objects.filter(learner=learner), activities)


def test_family_members_and_village_staff_racing_for_a_reserve_keep_it_for_staff(county):
    """Family members registering relatives take online seats only, even all at once: the
    offline reserve is left for the villagers staff register at the same moment."""
    from lifelong.accounts.services import learner_register, managed_profile_create

    activity = published_activity(county, capacity=6, reserved_offline=3, waitlist=False)
    home = county.elder_learner.home_region
    families = [new_learner(county) for _ in range(12)]
    relatives = [
        managed_profile_create(actor=family, name=f"亲属{n}", birth_year=1944, home_region=home)
        for n, family in enumerate(families)
    ]
    villagers = [
        learner_register(actor=county.village_admin, name=f"村民{n}", home_region=home, birth_year=1940)
        for n in range(3)
    ]
    calls = [
        lambda family=family, relative=relative: services.registration_create(
            actor=family, activity=activity, learner=relative
        )
        for family, relative in zip(families, relatives, strict=True)
    ]
    calls += [
        lambda villager=villager: services.registration_create(
            actor=county.village_admin, activity=activity, learner=villager
        )
        for villager in villagers
    ]
    outcomes = race(calls)
    unexpected = [o for o in outcomes if not isinstance(o, Registration) and getattr(o, "code", None) != "full"]
    assert not unexpected, unexpected
    confirmed = Registration.objects.filter(activity=activity, status=S.CONFIRMED)
    assert confirmed.filter(by_family=True, channel="proxy").count() == 3
    assert confirmed.filter(learner__in=villagers).count() == 3
    assert_counters_match(activity)


def test_one_family_racing_for_many_campaign_activities_stays_within_the_family_cap(county):
    """A family member registering their relatives (and themselves) in parallel: the family's
    registrations together stay within the cap, because the family member's row is locked."""
    from lifelong.accounts.services import managed_profile_create

    activities = capped_week_activities(county, "family-race-week")
    family = new_learner(county)
    relatives = [
        managed_profile_create(actor=family, name=f"亲属{n}", birth_year=1944, home_region=family.home_region)
        for n in range(4)
    ]
    calls = [
        lambda activity=activity, relative=relatives[n % 4]: services.registration_create(
            actor=family, activity=activity, learner=relative
        )
        for n, activity in enumerate(activities)
    ]
    assert_the_cap_held(race(calls), Registration.objects.filter(learner__in=relatives), activities)
