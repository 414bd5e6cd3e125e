"""Every write to the passport: ledger entries and their reversal, completions, certificates.

The ledger is append-only. Each service writes its entries and moves the learner's
`PassportBalance` by the same amounts in one transaction, so the totals always equal the sum
of the entries, also when check-ins race (the caller holds the learner's registration lock,
and the balance moves by relative UPDATEs that never lose a concurrent change).
"""

import secrets
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.activities.models import Activity, Attendance, Registration
from lifelong.common.bulk import insert_rows
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.quantities import hours_to_tenth, tenths
from lifelong.common.services import audit_record
from lifelong.notifications.services import notify

from . import notices, signing
from .choices import CertificateStatus, RecordSource
from .models import Certificate, Completion, LearningRecord, PassportBalance
from .policy import may_administer_certificate, may_correct

# Serials avoid letters that read like digits (I, L, O, U), as in Crockford's base 32.
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def points_for(hours: Decimal) -> int:
    return int((hours * settings.PASSPORT_POINTS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_UP))


def session_hours(activity: Activity, starts_at: datetime, ends_at: datetime) -> Decimal:
    """Hours one attended session earns: the activity's `hours` when it sets them, else the
    session's length, to a tenth of an hour."""
    if activity.hours:
        return Decimal(activity.hours)
    seconds = Decimal((ends_at - starts_at).total_seconds())
    return hours_to_tenth(seconds / 3600)


def balance_add(*, learner_id: int, hours: Decimal, points: int, entries: int = 1) -> None:
    """Move a learner's totals by relative amounts (no read, so no lost update)."""
    balances_add({learner_id: (hours, points, entries)})


def balances_add(deltas: dict[int, tuple[Decimal, int, int]]) -> None:
    """Move many learners' totals at once: {learner id: (hours, points, entries)}. One upsert
    makes missing rows and moves existing ones by relative amounts, so concurrent writers lose
    nothing (an import touches thousands of learners per batch)."""
    ops = connection.ops
    table = ops.quote_name(PassportBalance._meta.db_table)
    # In learner order, so two writers that both touch many balances lock them in the same
    # order and never deadlock.
    rows = [
        (pk, ops.adapt_decimalfield_value(hours, 9, 1), points, entries)
        for pk, (hours, points, entries) in sorted(deltas.items())
    ]
    insert_rows(
        PassportBalance._meta.db_table,
        (("learner_id", "bigint"), ("hours", "numeric"), ("points", "bigint"), ("entries", "integer")),
        rows,
        on_conflict=f"ON CONFLICT (learner_id) DO UPDATE SET hours = {table}.hours + excluded.hours,"
        f" points = {table}.points + excluded.points, entries = {table}.entries + excluded.entries",
    )


def entry_write(**fields) -> LearningRecord:
    """Append one ledger entry and move the learner's balance by it: the one place both happen,
    so the balance always equals the sum of the entries. Callers hold their transaction."""
    record = LearningRecord.objects.create(**fields)
    balance_add(learner_id=record.learner_id, hours=record.hours, points=record.points)
    return record


def attendance_credit(*, attendance: Attendance, now: datetime | None = None) -> LearningRecord:
    """Write the ledger entry of a new check-in and, when it brings the learner to the
    activity's completion share, complete the activity (and issue its certificate). Called for
    `checkin_record` (receivers.credit_attendance) inside its transaction, which holds the
    learner's registration lock."""
    now = now or timezone.now()
    session = attendance.session
    activity = session.activity
    learner = attendance.learner
    hours = session_hours(activity, session.starts_at, session.ends_at)
    record = entry_write(
        learner=learner,
        source=RecordSource.ATTENDANCE,
        hours=hours,
        points=points_for(hours),
        learned_on=timezone.localdate(session.starts_at),
        category=activity.category,
        title=activity.title,
        title_en=activity.title_en,
        activity=activity,
        attendance=attendance,
        region_id=learner.home_region_id,
        recorded_by=attendance.recorded_by,
    )
    completion_check(learner=learner, activity=activity, now=now)
    return record


def _counted_attendances(learner: User, activity: Activity):
    """Attendances of the learner at the activity whose ledger entry still stands."""
    return Attendance.objects.filter(session__activity=activity, learner=learner).exclude(
        learning_record__reversed_by__isnull=False
    )


def completion_check(*, learner: User, activity: Activity, now: datetime) -> Completion | None:
    """Complete the activity for the learner once they attended its completion share of the
    sessions; issue the certificate when the activity offers one. Idempotent. The caller holds
    the learner's registration lock for the activity."""
    total = activity.sessions.count()
    attended = _counted_attendances(learner, activity).count()
    if not total or attended * 100 < activity.completion_share * total:
        return None
    if Completion.objects.filter(learner=learner, activity=activity, withdrawn_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                learner=learner, activity=activity, sessions_attended=attended, sessions_total=total, completed_at=now
            )
    except IntegrityError:  # completed by a concurrent check-in a moment ago
        return None
    if activity.certificate:
        certificate_issue(completion=completion, now=now)
    return completion


def _completion_recheck(*, actor: User, learner: User, activity: Activity, now: datetime) -> None:
    """After a correction: withdraw the completion (and revoke its certificate) when the
    learner no longer reaches the share. The caller holds the registration lock."""
    completion = Completion.objects.filter(learner=learner, activity=activity, withdrawn_at__isnull=True).first()
    if completion is None:
        return
    total = activity.sessions.count()
    if total and _counted_attendances(learner, activity).count() * 100 >= activity.completion_share * total:
        return
    completion.withdrawn_at = now
    completion.save(update_fields=["withdrawn_at"])
    certificate = Certificate.objects.filter(completion=completion, status=CertificateStatus.VALID).first()
    if certificate is not None:
        _revoke(
            certificate,
            actor=actor,
            reason=_("The attendance record was corrected; the activity is no longer completed."),
            now=now,
        )


def _new_serial(year: int) -> str:
    body = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(8))
    return f"LL-{year}-{body}"


def certificate_issue(*, completion: Completion, now: datetime | None = None) -> Certificate:
    """Sign and store the certificate of a completion, and tell the learner."""
    now = now or timezone.now()
    activity = completion.activity
    learner = completion.learner
    hours = LearningRecord.objects.filter(learner=learner, activity=activity).aggregate(total=Sum("hours"))["total"]
    hours = tenths(hours)  # "6.0" on every database: the payload is signed
    issued_on = timezone.localdate(now)
    key = signing.signing_key()
    serial = _new_serial(issued_on.year)
    payload = {
        "v": signing.PAYLOAD_VERSION,
        "serial": serial,
        "holder": learner.name,
        "title": activity.title,
        "title_en": activity.title_en,
        "institution": activity.institution.name,
        "hours": str(hours),
        "issued_on": issued_on.isoformat(),
        "key": key.key_id,
    }
    certificate = Certificate.objects.create(
        serial=serial,
        learner=learner,
        completion=completion,
        activity=activity,
        title=activity.title,
        title_en=activity.title_en,
        institution_name=activity.institution.name,
        hours=hours,
        issued_on=issued_on,
        payload=signing.canonical(payload).decode("utf-8"),
        signature=signing.sign(payload, key),
        key=key,
    )
    notify(
        notices.CERTIFICATE_ISSUED,
        activity_id=activity.pk,
        subject_ids=[learner.pk],
        event=f"certificate:{serial}",
        serial=serial,
    )
    return certificate


@transaction.atomic
@short_lock_wait()
def certificate_revoke(
    *, actor: User, certificate: Certificate, reason: str, now: datetime | None = None
) -> Certificate:
    """Revoke a certificate (admins whose scope covers its activity or its holder); the holder is
    told. The reason is shown on the public verify page, so it must not name anyone."""
    if not may_administer_certificate(actor, certificate):
        raise NotFound()
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise InvalidInput(_("Give the reason for revoking the certificate."), code="reason_required", field="reason")
    if len(reason) > 300:
        raise InvalidInput(_("Keep the reason under 300 characters."), code="invalid", field="reason")
    current = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if current.status == CertificateStatus.REVOKED:
        raise Conflict(_("This certificate is already revoked."), code="already_revoked")
    return _revoke(current, actor=actor, reason=reason, now=now or timezone.now())


def _revoke(certificate: Certificate, *, actor: User, reason: str, now: datetime) -> Certificate:
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_reason = reason
    certificate.revoked_at = now
    certificate.revoked_by = actor
    certificate.save(update_fields=["status", "revoked_reason", "revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=certificate,
        summary="certificate revoked",
        changes={"reason": reason},
    )
    if certificate.activity_id:
        notify(
            notices.CERTIFICATE_REVOKED,
            activity_id=certificate.activity_id,
            subject_ids=[certificate.learner_id],
            event=f"certificate-revoked:{certificate.serial}",
            serial=certificate.serial,
            reason=reason,
        )
    return certificate


@transaction.atomic
@short_lock_wait()
def record_reverse(*, actor: User, record: LearningRecord, reason: str) -> LearningRecord:
    """Correct a wrong entry by writing its exact opposite (same date, category and source).
    The activity's staff, or an admin over the learner's home, may do this, once per entry. A
    reversed attendance no longer counts towards completing the activity: a completion it
    carried is withdrawn and its certificate revoked."""
    record = LearningRecord.objects.select_related("activity__institution", "learner__home_region").get(pk=record.pk)
    if not may_correct(actor, record):
        raise NotFound()
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise InvalidInput(_("Give the reason for the correction."), code="reason_required", field="reason")
    if record.reverses_id is not None:
        raise InvalidInput(
            _("A correction cannot itself be reversed; add an adjustment instead."), code="not_reversible"
        )
    # Lock what a check-in locks (the learner's registration for the activity), then the
    # balance row: two staff reversing one entry, or a reversal and a check-in, queue here.
    if record.activity_id:
        list(Registration.objects.select_for_update().filter(activity_id=record.activity_id, learner=record.learner))
    list(PassportBalance.objects.select_for_update().filter(pk=record.learner_id))
    if LearningRecord.objects.filter(reverses=record).exists():
        raise Conflict(_("This entry has already been corrected."), code="already_reversed")
    reversal = entry_write(
        learner_id=record.learner_id,
        source=record.source,
        hours=-record.hours,
        points=-record.points,
        learned_on=record.learned_on,
        category=record.category,
        title=record.title,
        title_en=record.title_en,
        activity_id=record.activity_id,
        resource_id=record.resource_id,
        reverses=record,
        region_id=record.region_id,
        note=reason[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=reversal,
        summary="learning record reversed",
        changes={"reverses": record.pk, "hours": str(reversal.hours), "reason": reason[:200]},
    )
    if record.attendance_id:
        _completion_recheck(actor=actor, learner=record.learner, activity=record.activity, now=timezone.now())
    return reversal


@transaction.atomic
@short_lock_wait()
def record_adjust(
    *, actor: User, learner: User, hours: Decimal, learned_on: date, title: str, reason: str
) -> LearningRecord:
    """Credit (or, with negative hours, debit) a learner by hand: an admin over the learner's
    home only, always with a reason, and audited."""
    if not policy.covers(actor, learner.home_region):
        raise NotFound(field="learner")
    reason, title = (reason or "").strip(), (title or "").strip()
    if not title:
        raise InvalidInput(_("Say what the hours are for."), code="invalid", field="title")
    if len(reason) < 2:
        raise InvalidInput(_("Give the reason for the adjustment."), code="reason_required", field="reason")
    hours = hours_to_tenth(hours)
    if not hours or abs(hours) > 999:
        raise InvalidInput(_("Hours must be between -999 and 999, and not zero."), code="invalid", field="hours")
    if learned_on > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), code="invalid", field="learned_on")
    record = entry_write(
        learner=learner,
        source=RecordSource.ADJUSTMENT,
        hours=hours,
        points=points_for(hours),
        learned_on=learned_on,
        title=title[:200],
        region_id=learner.home_region_id,
        note=reason[:300],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=record,
        summary="learning hours adjusted",
        changes={"learner": learner.pk, "hours": str(hours), "reason": reason[:200]},
    )
    return record
