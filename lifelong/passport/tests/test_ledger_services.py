"""The ledger: attendance writes hours and points at once, corrections reverse, totals hold."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.models import AuditEvent
from lifelong.passport import services
from lifelong.passport.models import Completion, LearningRecord, PassportBalance

from .helpers import attend, course, enrol


def assert_balance_is_the_sum(learner) -> None:
    sums = LearningRecord.objects.filter(learner=learner).aggregate(hours=Sum("hours"), points=Sum("points"))
    balance = PassportBalance.objects.get(pk=learner.pk)
    assert (balance.hours, balance.points) == (sums["hours"], sums["points"])
    assert balance.entries == LearningRecord.objects.filter(learner=learner).count()


def test_a_check_in_writes_the_session_length_and_points_at_once(demo, settings):
    settings.PASSPORT_POINTS_PER_HOUR = 10
    activity = course(demo, sessions=2)
    learner = demo.elder_learner
    enrol(activity, learner)
    session = activity.sessions.first()
    attendance = attend(demo, session, learner)
    record = LearningRecord.objects.get(attendance=attendance)
    assert (record.hours, record.points, record.source) == (Decimal("1.5"), 15, "attendance")
    assert record.learned_on == timezone.localdate(session.starts_at)
    assert record.category == "digital_skills" and record.region == learner.home_region
    assert_balance_is_the_sum(learner)


def test_the_hours_are_written_in_the_check_ins_transaction_so_a_failed_credit_undoes_the_check_in(demo, monkeypatch):
    # The activities app sends attendance_recorded; the passport's receiver credits the hours.
    from lifelong.activities.models import Attendance

    activity = course(demo, sessions=1)
    learner = demo.elder_learner
    enrol(activity, learner)

    def failing_credit(**kwargs):
        raise DatabaseError("the ledger is unavailable")

    monkeypatch.setattr(services, "attendance_credit", failing_credit)
    with pytest.raises(DatabaseError):
        attend(demo, activity.sessions.get(), learner)
    assert not Attendance.objects.filter(learner=learner).exists()
    assert not LearningRecord.objects.filter(learner=learner).exists()


def test_hours_set_on_the_activity_win_over_the_session_length_and_the_rate_is_configurable(demo, settings):
    settings.PASSPORT_POINTS_PER_HOUR = 4
    activity = course(demo, sessions=1, hours="2.0")
    enrol(activity, demo.elder_learner)
    attend(demo, activity.sessions.get(), demo.elder_learner)
    record = LearningRecord.objects.get(learner=demo.elder_learner)
    assert (record.hours, record.points) == (Decimal("2.0"), 8)


def test_the_same_attendance_never_counts_twice(demo):
    activity = course(demo, sessions=2)
    enrol(activity, demo.elder_learner)
    session = activity.sessions.first()
    attend(demo, session, demo.elder_learner)
    with pytest.raises(Conflict) as error:
        attend(demo, session, demo.elder_learner)
    assert error.value.code == "already_checked_in"
    assert LearningRecord.objects.filter(learner=demo.elder_learner).count() == 1
    assert_balance_is_the_sum(demo.elder_learner)


def test_a_reversal_is_the_exact_opposite_and_happens_once(demo):
    activity = course(demo, sessions=2)
    enrol(activity, demo.elder_learner)
    record = attend(demo, activity.sessions.first(), demo.elder_learner).learning_record
    reversal = services.record_reverse(actor=demo.organizer, record=record, reason="签到错了")
    assert (reversal.hours, reversal.points, reversal.reverses) == (-record.hours, -record.points, record)
    assert reversal.learned_on == record.learned_on and reversal.category == record.category
    assert PassportBalance.objects.get(pk=demo.elder_learner.pk).hours == 0
    assert_balance_is_the_sum(demo.elder_learner)
    with pytest.raises(Conflict) as error:
        services.record_reverse(actor=demo.organizer, record=record, reason="again")
    assert error.value.code == "already_reversed"
    with pytest.raises(InvalidInput) as error:
        services.record_reverse(actor=demo.organizer, record=reversal, reason="undo")
    assert error.value.code == "not_reversible"
    assert LearningRecord.objects.count() == 2
    assert AuditEvent.objects.filter(summary="learning record reversed").count() == 1


def test_corrections_need_a_reason_and_a_right_to_correct(demo):
    activity = course(demo, sessions=2)
    enrol(activity, demo.elder_learner)
    record = attend(demo, activity.sessions.first(), demo.elder_learner).learning_record
    with pytest.raises(InvalidInput) as error:
        services.record_reverse(actor=demo.organizer, record=record, reason=" ")
    assert error.value.code == "reason_required"
    for outsider in (demo.town_admin, demo.young_learner, demo.elder_learner):  # Wuyuan admin; learners
        with pytest.raises(NotFound):
            services.record_reverse(actor=outsider, record=record, reason="不该算")
    assert LearningRecord.objects.count() == 1
    # The village admin over the learner's home may correct it.
    services.record_reverse(actor=demo.village_admin, record=record, reason="重复签到")
    assert_balance_is_the_sum(demo.elder_learner)


def test_adjustments_are_checked_audited_and_counted(demo):
    learner = demo.elder_learner
    today = timezone.localdate()
    bad = [
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("1000")}, "hours"),
        ({"learned_on": today + timedelta(days=1)}, "learned_on"),
        ({"title": " "}, "title"),
        ({"reason": ""}, "reason"),
    ]
    for override, field in bad:
        fields = {
            "hours": Decimal("3"),
            "learned_on": today,
            "title": "线下读书会",
            "reason": "纸质记录补录",
            **override,
        }
        with pytest.raises(InvalidInput) as error:
            services.record_adjust(actor=demo.village_admin, learner=learner, **fields)
        assert error.value.field == field
    assert not LearningRecord.objects.exists()
    with pytest.raises(NotFound):
        services.record_adjust(
            actor=demo.town_admin, learner=learner, hours=Decimal("3"), learned_on=today, title="x", reason="yy"
        )
    record = services.record_adjust(
        actor=demo.village_admin,
        learner=learner,
        hours=Decimal("3"),
        learned_on=today,
        title="线下读书会",
        reason="补录",
    )
    assert record.source == "adjustment" and record.recorded_by == demo.village_admin
    assert AuditEvent.objects.filter(summary="learning hours adjusted", object_id=str(record.pk)).exists()
    assert_balance_is_the_sum(learner)


def test_a_reversed_attendance_no_longer_counts_towards_completion(demo):
    activity = course(demo, sessions=2, share=100)
    enrol(activity, demo.elder_learner)
    first, second = activity.sessions.all()
    record = attend(demo, first, demo.elder_learner).learning_record
    services.record_reverse(actor=demo.organizer, record=record, reason="不在场")
    attend(demo, second, demo.elder_learner)
    assert not Completion.objects.exists()


def test_ledger_entries_cannot_be_edited_or_deleted(demo):
    record = services.record_adjust(
        actor=demo.county_admin,
        learner=demo.young_learner,
        hours=Decimal("2"),
        learned_on=timezone.localdate(),
        title="讲座",
        reason="补录",
    )
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        LearningRecord.objects.filter(pk=record.pk).update(hours=99)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE passport_learningrecord SET hours = 99 WHERE id = %s", [record.pk])
    assert LearningRecord.objects.get(pk=record.pk).hours == Decimal("2")


def test_a_correction_below_the_share_withdraws_the_completion_and_revokes_its_certificate(demo):
    from lifelong.passport.models import Certificate

    activity = course(demo, sessions=3, share=60)  # two of three sessions
    learner = demo.elder_learner
    enrol(activity, learner)
    first, second, third = activity.sessions.all()
    attend(demo, first, learner)
    wrong = attend(demo, second, learner).learning_record
    certificate = Certificate.objects.get(learner=learner)
    services.record_reverse(actor=demo.organizer, record=wrong, reason="代签")
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason
    assert Completion.objects.get(learner=learner).withdrawn_at is not None
    attend(demo, third, learner)  # attending enough again completes anew
    assert Completion.objects.filter(learner=learner, withdrawn_at__isnull=True).count() == 1
    assert Certificate.objects.filter(learner=learner, status="valid").count() == 1
    assert_balance_is_the_sum(learner)


def test_an_imported_record_can_be_reversed(demo):
    import io

    from lifelong.passport import imports

    content = f"record_id,phone,date,title,hours\nX-1,{demo.elder_learner.phone},2025-05-01,讲座,2\n".encode()
    imports.import_records(binary=io.BytesIO(content), name="x.csv", issuer="学分银行")
    record = LearningRecord.objects.get()
    reversal = services.record_reverse(actor=demo.village_admin, record=record, reason="重复导入")
    assert reversal.source == "external" and reversal.hours == -2
    assert_balance_is_the_sum(demo.elder_learner)
    # The file again: the record is known, its reversal stands, nothing is added.
    assert imports.import_records(binary=io.BytesIO(content), name="x.csv", issuer="学分银行").imported == 0


def test_sums_are_shown_to_a_tenth_on_every_database(demo):
    from lifelong.passport import selectors

    learner, today = demo.elder_learner, timezone.localdate()
    for hours in ("0.1", "0.2", "-0.3"):
        services.record_adjust(
            actor=demo.village_admin, learner=learner, hours=Decimal(hours), learned_on=today, title="课", reason="补录"
        )
    summary = selectors.passport_summary(learner=learner)
    assert summary.year_hours == 0 and summary.by_category_lifetime == []
    assert all(hours == 0 for _, hours, _ in summary.by_month)
    stars = selectors.learning_stars(
        actor=demo.village_admin, region=learner.home_region, date_from=today, date_to=today
    )
    assert stars == []  # a net zero never ranks, whatever the database's arithmetic
