"""Check-in at the venue (DESIGN §4): confirmed learners only, from 30 minutes before a
session until it ends (a paper sheet may be entered up to 7 days later), once per session.
QR codes shown at the venue rotate every 30 seconds and are signed, so a photo of an old
code does not work from home."""

from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.links import public_reverse
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import audit_record

from .choices import CheckinMethod, RegistrationStatus
from .models import Attendance, Registration, Session
from .policy import may_manage_activities_of
from .signals import attendance_recorded

OPENS_BEFORE_START = timedelta(minutes=30)
PAPER_SHEET_GRACE = timedelta(days=7)
QR_ROTATION_SECONDS = 30
QR_VALID_SECONDS = 90  # the code on screen plus a slow phone's scan and upload
# A learner who scans while signed out needs longer: the fresh venue code is exchanged for a
# grace code that lasts while they sign in on their phone. A grace code is good for one thing
# only, checking its own session's learner in once they are signed in: it is never taken where
# a venue code is expected, so it is never exchanged for another, and it ends this long after
# the venue code's 30-second slot began, however late it was exchanged. So no code outlives
# the screen by more than these ten minutes. A grace code is not spent when used: each learner
# checks in once per session anyway (Attendance's unique session and learner), and spending it
# would not stop it being passed on, as the venue code it came from could be passed on just
# the same and exchanged by anyone within its 90 seconds.
SIGN_IN_GRACE_SECONDS = 600
_signer = signing.TimestampSigner(salt="lifelong.checkin-qr")
# The grace code carries the venue code's slot, signed. A new salt: grace codes of the old
# kind (timestamped at each exchange, so renewable) mean nothing now.
_grace_signer = signing.Signer(salt="lifelong.checkin-sign-in-grace.2")


def checkin_token(*, session: Session, now: datetime | None = None) -> str:
    """The token the venue screen shows now (it changes every QR_ROTATION_SECONDS)."""
    slot = int((now or timezone.now()).timestamp() // QR_ROTATION_SECONDS)
    return _signer.sign(f"{session.pk}:{slot}")


def _invalid_token() -> InvalidInput:
    return InvalidInput(
        _("This check-in code is not valid any more. Scan the code on the screen again."),
        code="invalid_token",
        field="token",
    )


def _session_and_slot(value: str) -> tuple[int, int]:
    session_id, slot = value.split(":")  # a ValueError for anything else
    return int(session_id), int(slot)


def _venue_code(token: str) -> tuple[int, int]:
    """The session and slot of a venue code still fresh (QR_VALID_SECONDS since it was made)."""
    try:
        return _session_and_slot(_signer.unsign(token, max_age=QR_VALID_SECONDS))
    except (signing.BadSignature, ValueError):
        raise _invalid_token() from None


def _grace_code_ends(slot: int) -> datetime:
    return datetime.fromtimestamp(slot * QR_ROTATION_SECONDS + SIGN_IN_GRACE_SECONDS, tz=UTC)


def _checkin_code_session_id(token: str, *, now: datetime) -> int:
    """The session a code checks a signed-in learner in to: a fresh venue code (fresh by the
    signer's own clock), or a grace code until `now` passes its end (fixed by the venue code it
    came from)."""
    try:
        return _venue_code(token)[0]
    except InvalidInput:
        pass
    try:
        session_id, slot = _session_and_slot(_grace_signer.unsign(token))
    except (signing.BadSignature, ValueError):
        raise _invalid_token() from None
    if now > _grace_code_ends(slot):
        raise _invalid_token()
    return session_id


def checkin_url(*, session: Session, token: str) -> str:
    """What the venue's QR code holds: the check-in page of the session with the current code,
    on the site's public address (a phone scanning it is not on the server's own host)."""
    return public_reverse("activities:checkin", args=[session.pk]) + "?" + urlencode({"t": token})


def sign_in_grace_token(*, session: Session, token: str) -> str:
    """Exchange a fresh venue code (and nothing else: never a grace code) for the grace code a
    signed-out learner carries through signing in; it ends SIGN_IN_GRACE_SECONDS after the
    venue code's slot began. Anything else is refused with `invalid_token`."""
    session_id, slot = _venue_code(token)
    if session_id != session.pk:
        raise InvalidInput(_("This code belongs to another session."), code="invalid_token", field="token")
    return _grace_signer.sign(f"{session.pk}:{slot}")


@transaction.atomic
@short_lock_wait()
def checkin_record(
    *,
    actor: User,
    session: Session,
    learner: User | None = None,
    token: str | None = None,
    method: str | None = None,
    now: datetime | None = None,
) -> Attendance:
    """A learner scanning the venue's code (`token`), or staff of the activity checking a
    `learner` in (`method` staff, or paper for a sheet entered afterwards). The check-in
    writes its learning hours at once and may complete the activity (the passport's receiver
    of `signals.attendance_recorded`, in this transaction)."""
    now = now or timezone.now()
    activity = session.activity
    if token is not None:
        if _checkin_code_session_id(token, now=now) != session.pk:
            raise InvalidInput(_("This code belongs to another session."), code="invalid_token", field="token")
        learner, method, latest = actor, CheckinMethod.QR, session.ends_at
    else:
        if learner is None or not may_manage_activities_of(actor, activity.institution):
            raise NotFound()
        method = CheckinMethod.PAPER if method == CheckinMethod.PAPER else CheckinMethod.STAFF
        latest = session.ends_at + (PAPER_SHEET_GRACE if method == CheckinMethod.PAPER else timedelta(0))
    if not session.starts_at - OPENS_BEFORE_START <= now <= latest:
        raise Conflict(_("Check-in for this session is not open now."), code="checkin_closed")
    # The registration row is the learner's lock for this activity: check-ins of one learner
    # at one activity queue here, so the completion count and the ledger see each other.
    if not Registration.objects.select_for_update().filter(
        activity=activity, learner=learner, status=RegistrationStatus.CONFIRMED
    ):
        raise InvalidInput(_("This learner is not registered for the activity."), code="not_registered")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session, learner=learner, method=method, checked_in_at=now, recorded_by=actor
            )
    except IntegrityError as error:
        raise Conflict(_("Already checked in for this session."), code="already_checked_in") from error
    if method != CheckinMethod.QR:  # staff vouching for someone's presence is on the record
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            target=attendance,
            summary=f"checked in by staff ({method})",
            changes={"learner": learner.pk, "session": session.pk},
        )
    # The passport writes the learning hours here, in this transaction (signals.attendance_recorded).
    attendance_recorded.send(sender=Attendance, attendance=attendance, now=now)
    return attendance
