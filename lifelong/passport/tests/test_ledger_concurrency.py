"""The ledger under real races on PostgreSQL (one connection per thread).

The control test shows the harness can see a lost update: a naive read-then-write of a balance,
raced the same way, ends short. The guarded paths (check-in with the registration lock, the
relative UPDATE of balances) end exact.
"""

import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from lifelong.activities import checkin
from lifelong.activities.models import Attendance
from lifelong.activities.tests.helpers import new_learner
from lifelong.passport.models import Certificate, Completion, LearningRecord, PassportBalance
from lifelong.passport.services import balance_add
from lifelong.testkit.races import race

from .helpers import course, enrol

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level races need PostgreSQL"),
]


def assert_totals_are_the_sums():
    for balance in PassportBalance.objects.all():
        sums = LearningRecord.objects.filter(learner_id=balance.pk).aggregate(h=Sum("hours"), p=Sum("points"))
        assert (balance.hours, balance.points) == (sums["h"], sums["p"]), balance
        assert balance.entries == LearningRecord.objects.filter(learner_id=balance.pk).count()


def check_in(county, session, learner, *, by_qr: bool):
    now = session.starts_at + (session.ends_at - session.starts_at) / 2
    if by_qr:
        token = checkin.checkin_token(session=session, now=now)
        return lambda: checkin.checkin_record(actor=learner, session=session, token=token, now=now)
    return lambda: checkin.checkin_record(actor=county.organizer, session=session, learner=learner, now=now)


def test_racing_check_ins_for_one_attendance_count_once(county):
    activity = course(county, sessions=3)
    learner = new_learner(county)
    enrol(activity, learner)
    session = activity.sessions.first()
    calls = [check_in(county, session, learner, by_qr=n % 2 == 0) for n in range(10)]
    outcomes = race(calls)
    assert sum(1 for o in outcomes if isinstance(o, Attendance)) == 1
    assert sum(1 for o in outcomes if getattr(o, "code", None) == "already_checked_in") == 9
    assert LearningRecord.objects.filter(learner=learner).count() == 1
    assert PassportBalance.objects.get(pk=learner.pk).hours == Decimal("1.5")
    assert_totals_are_the_sums()


def test_racing_check_ins_that_complete_an_activity_certify_once_and_keep_totals_exact(county):
    activity = course(county, sessions=2, share=100)
    learners = [new_learner(county) for _ in range(8)]
    for learner in learners:
        enrol(activity, learner)
    first, second = activity.sessions.all()
    # Each learner's two sessions are checked in at the same moment, twice over (QR and staff):
    # whichever check-in comes second completes the activity, and only once.
    calls = [
        check_in(county, session, learner, by_qr=by_qr)
        for learner in learners
        for session in (first, second)
        for by_qr in (True, False)
    ]
    outcomes = race(calls)
    unexpected = [o for o in outcomes if isinstance(o, Exception) and getattr(o, "code", "") != "already_checked_in"]
    assert not unexpected
    assert Attendance.objects.count() == 16 and LearningRecord.objects.count() == 16
    assert Completion.objects.count() == 8 and Certificate.objects.count() == 8
    assert set(Certificate.objects.values_list("learner_id", flat=True)) == {u.pk for u in learners}
    assert_totals_are_the_sums()


def test_relative_balance_updates_lose_nothing_where_read_then_write_does(county):
    learner = new_learner(county)
    balance_add(learner_id=learner.pk, hours=Decimal("0"), points=0, entries=0)

    def naive():  # the bug the services avoid: read, add in Python, write back
        with transaction.atomic():
            balance = PassportBalance.objects.get(pk=learner.pk)
            time.sleep(0.05)
            balance.hours += 1
            balance.save(update_fields=["hours"])

    race([naive] * 12)
    lost = 12 - PassportBalance.objects.get(pk=learner.pk).hours
    assert lost > 0, "the control run saw no race: the harness cannot prove anything"

    PassportBalance.objects.filter(pk=learner.pk).update(hours=0)
    race([lambda: balance_add(learner_id=learner.pk, hours=Decimal("1"), points=10, entries=0)] * 12)
    balance = PassportBalance.objects.get(pk=learner.pk)
    assert (balance.hours, balance.points) == (12, 120)
