"""Edits racing registrations and cancellations, with real parallel connections on PostgreSQL.

The edit locks the activity's row while it checks the seats taken, so a capacity is never set
below them (a clean 409, never a database error), and seats freed or added at the same moment
all go to the waitlist in order. The control run reads without the lock and must hit the
database's own guard: that shows the clients really race.
"""

import time

import pytest
from django.db import IntegrityError, connection

from lifelong.activities import services
from lifelong.activities.choices import RegistrationStatus as S
from lifelong.activities.models import Registration
from lifelong.activities.services import editing
from lifelong.common.errors import Conflict
from lifelong.testkit.races import race

from .helpers import assert_counters_match, new_learner, published_activity

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level races need PostgreSQL"),
]


def lower_capacity_while_learners_register(county):
    activity = published_activity(county, capacity=8, waitlist=False)
    for learner in [new_learner(county) for _ in range(2)]:
        services.registration_create(actor=learner, activity=activity, learner=learner)
    learners = [new_learner(county) for _ in range(6)]
    calls = [lambda: services.activity_update(actor=county.organizer, activity=activity, capacity=2)]

    def register(learner):
        time.sleep(0.1)  # the edit reads first; the registrations come while it decides
        return services.registration_create(actor=learner, activity=activity, learner=learner)

    calls += [lambda learner=learner: register(learner) for learner in learners]
    return activity, race(calls)


def test_a_capacity_cut_racing_registrations_holds_the_seats_still(county):
    activity, outcomes = lower_capacity_while_learners_register(county)
    edit, registrations = outcomes[0], outcomes[1:]
    assert not [o for o in outcomes if isinstance(o, IntegrityError)]
    activity.refresh_from_db()
    if isinstance(edit, Conflict):  # a registration got in first after all: a clean refusal
        assert edit.code == "capacity_below_taken" and activity.capacity == 8
    else:
        assert activity.capacity == 2  # the registrations waited for the edit and found it full
        assert all(getattr(o, "code", None) == "full" for o in registrations)
    assert_counters_match(activity)


def test_control_without_the_lock_the_database_has_to_refuse(county, monkeypatch):
    monkeypatch.setattr(editing.EditRaceWindowForTests, "unguarded", True)
    activity, outcomes = lower_capacity_while_learners_register(county)
    assert isinstance(outcomes[0], IntegrityError)  # checked against 2 taken, written against 8
    activity.refresh_from_db()
    assert activity.capacity == 8
    assert_counters_match(activity)


def test_more_seats_and_cancellations_at_once_all_go_to_the_waitlist_in_order(county):
    activity = published_activity(county, capacity=2)
    holders = []
    for learner in [new_learner(county) for _ in range(2)]:
        holders.append(services.registration_create(actor=learner, activity=activity, learner=learner))
    waiting = []
    for learner in [new_learner(county) for _ in range(5)]:
        waiting.append(services.registration_create(actor=learner, activity=activity, learner=learner))
    calls = [lambda: services.activity_update(actor=county.organizer, activity=activity, capacity=4)]
    calls += [lambda r=r: services.registration_cancel(actor=county.organizer, registration=r) for r in holders]
    outcomes = race(calls)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [S.CONFIRMED] * 4 + [S.WAITLISTED]  # first come, first served
    assert_counters_match(activity)
