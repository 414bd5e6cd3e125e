"""Writes for institutions, venues and venue bookings. Only admins whose subtree covers the
place may write institutions and venues, and an edit may not move an object out of the
editor's scope. Bookings are made by admins over the venue and organizers of its institution,
and by the activity services for sessions held at a venue; no two bookings of a venue overlap."""

import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.masking import mask_phone
from lifelong.common.pictures import cover_after_edit, cover_from_upload
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.common.updates import apply_changes
from lifelong.regions.models import Region

from .models import Institution, Venue, VenueBooking

if TYPE_CHECKING:  # the activities app imports this module; the import is for type hints only
    from lifelong.activities.models import Activity, Session

INSTITUTION_FIELDS = ("kind", "name", "name_en", "region", "address", "contact_phone", "description", "is_active")
VENUE_FIELDS = (
    "institution",
    "name",
    "name_en",
    "capacity",
    "address",
    "accessibility_notes",
    "accessibility_notes_en",
    "transport_notes",
    "transport_notes_en",
    "latitude",
    "longitude",
    "cover",
    "is_active",
)


# Fields whose values the audit log keeps only masked.
MASKED_FIELDS = {"contact_phone"}


def _audited(field: str, value: Any) -> str:
    return mask_phone(value) if field in MASKED_FIELDS else str(value)


def _audit_changes(obj: Any, fields: Iterable[str]) -> dict[str, str]:
    return {field: _audited(field, getattr(obj, field)) for field in fields}


def _create(*, actor: User, obj: Model, place: Region, place_field: str, request: HttpRequest | None) -> Model:
    if not policy.covers(actor, place):
        raise NotFound(field=place_field)
    full_clean_or_raise(obj)
    obj.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=obj,
        request=request,
        changes=_audit_changes(obj, (f.name for f in obj._meta.concrete_fields if f.name != "id")),
    )
    return obj


def _update(
    *,
    actor: User,
    current: Model,
    fields: dict[str, Any],
    allowed: tuple[str, ...],
    place_of: Callable[[Model], Region],
    place_field: str,
    request: HttpRequest | None,
) -> Model:
    """Apply the changed `allowed` fields to `current` (already locked), refusing to edit an
    object outside the actor's scope or to move it out of that scope."""
    if not policy.covers(actor, place_of(current)):
        raise NotFound()

    def check_place(changed: list[str]) -> None:
        if place_field in changed and not policy.covers(actor, place_of(current)):
            raise NotFound(field=place_field)

    values = {name: fields[name] for name in allowed if name in fields}
    apply_changes(current, values, actor=actor, request=request, prepare=check_place, recorded=_audited)
    return current


def _pick(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in allowed}


@transaction.atomic
def institution_create(
    *, actor: User, region: Region, request: HttpRequest | None = None, **fields: Any
) -> Institution:
    institution = Institution(**_pick({**fields, "region": region}, INSTITUTION_FIELDS))
    return _create(actor=actor, obj=institution, place=region, place_field="region", request=request)


@transaction.atomic
@short_lock_wait()
def institution_update(
    *, actor: User, institution: Institution, request: HttpRequest | None = None, **fields: Any
) -> Institution:
    # The row is re-read under lock so concurrent edits of one institution apply one by one.
    current = Institution.objects.select_for_update().select_related("region").get(pk=institution.pk)
    return _update(
        actor=actor,
        current=current,
        fields=fields,
        allowed=INSTITUTION_FIELDS,
        place_of=lambda obj: obj.region,
        place_field="region",
        request=request,
    )


def _check_coordinates(latitude: Any, longitude: Any) -> None:
    """A venue is on the map with both coordinates (WGS-84 degrees) or not at all."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput(
            _("Give both the latitude and the longitude, or neither."),
            code="invalid",
            field="latitude" if latitude is None else "longitude",
        )
    if latitude is not None and not -90 <= latitude <= 90:
        raise InvalidInput(_("The latitude is between -90 and 90."), code="invalid", field="latitude")
    if longitude is not None and not -180 <= longitude <= 180:
        raise InvalidInput(_("The longitude is between -180 and 180."), code="invalid", field="longitude")


@transaction.atomic
def venue_create(
    *,
    actor: User,
    institution: Institution,
    request: HttpRequest | None = None,
    cover_upload: UploadedFile | None = None,
    cover_alt: str = "",
    **fields: Any,
) -> Venue:
    """A venue of `institution`; a `cover` Picture may be given, or an uploaded file
    (`cover_upload`) that becomes one in the same transaction."""
    if not policy.covers(actor, institution.region):  # before any picture is made
        raise NotFound(field="institution")
    _check_coordinates(fields.get("latitude"), fields.get("longitude"))
    with cover_from_upload(actor=actor, upload=cover_upload, alt=cover_alt) as cover:
        venue = Venue(**_pick({**fields, "institution": institution}, VENUE_FIELDS))
        if cover is not None:
            venue.cover = cover
        return _create(actor=actor, obj=venue, place=institution.region, place_field="institution", request=request)


@transaction.atomic
@short_lock_wait()
def venue_update(
    *,
    actor: User,
    venue: Venue,
    request: HttpRequest | None = None,
    cover_upload: UploadedFile | None = None,
    cover_alt: str | None = None,
    cover_clear: bool = False,
    **fields: Any,
) -> Venue:
    """Change a venue; a new cover upload replaces its cover (the old picture stays stored),
    `cover_clear` removes it, `cover_alt` alone re-describes the current one."""
    current = (
        Venue.objects.select_for_update(of=("self",)).select_related("institution__region", "cover").get(pk=venue.pk)
    )
    if not policy.covers(actor, current.institution.region):  # before any picture is made
        raise NotFound()
    _check_coordinates(fields.get("latitude", current.latitude), fields.get("longitude", current.longitude))
    with cover_from_upload(actor=actor, upload=cover_upload, alt=cover_alt or "") as new:
        fields["cover"] = cover_after_edit(
            actor=actor, current=current.cover, new=new, clear=cover_clear, alt=cover_alt
        )
        return _update(
            actor=actor,
            current=current,
            fields=fields,
            allowed=VENUE_FIELDS,
            place_of=lambda obj: obj.institution.region,
            place_field="institution",
            request=request,
        )


# --- Venue bookings ----------------------------------------------------------------------------

# A booking lasts at most this long, made by hand or by a session (whose own rule is shorter).
BOOKING_MAX_LENGTH = timedelta(days=14)
# The name of the PostgreSQL exclusion constraint (migration 0003).
NO_OVERLAP_CONSTRAINT = "venue_booking_no_overlap"


class BookingRaceWindowForTests:
    """Test-only switch for the concurrency suite's control run: when `unguarded`, bookings
    skip the venue lock and the overlap check and pause before inserting, so only the
    database's exclusion constraint stands between racing clients. Never set outside tests."""

    unguarded = False
    pause_seconds = 0.05


def _county_time(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), "Y-m-d H:i")


def booking_clash_message(booking: VenueBooking) -> str:
    """What a clash says, e.g. "The venue is already booked for 太极入门 from 2026-12-08 09:00
    to 11:00." (the end shows its day too when the booking runs past midnight)."""
    starts, ends = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    end = format_date(ends, "H:i" if ends.date() == starts.date() else "Y-m-d H:i")
    return _("The venue is already booked for %(purpose)s from %(start)s to %(end)s.") % {
        "purpose": booking.display_purpose,
        "start": _county_time(booking.starts_at),
        "end": end,
    }


def _clash(booking: VenueBooking) -> VenueBooking | None:
    """The first other booking of the venue that overlaps `booking` (half-open intervals)."""
    return (
        VenueBooking.objects.filter(
            venue_id=booking.venue_id, starts_at__lt=booking.ends_at, ends_at__gt=booking.starts_at
        )
        .exclude(pk=booking.pk)
        .select_related("session__activity")
        .order_by("starts_at", "id")
        .first()
    )


def _venue_booked(clash: VenueBooking | None) -> Conflict:
    detail = booking_clash_message(clash) if clash else _("The venue is already booked at this time.")
    return Conflict(detail, code="venue_booked")


def _lock_venues(venue_ids: Iterable[int]) -> None:
    """Lock the venues' rows, in id order (so two bookers of the same venues never deadlock),
    until the transaction ends: bookings of one venue are then decided one after another.
    NO KEY UPDATE leaves rows that merely point at the venue (sessions, activities) free to be
    written meanwhile. On SQLite the IMMEDIATE transaction already serializes writers."""
    ids = sorted(set(venue_ids))
    if ids and not BookingRaceWindowForTests.unguarded:
        list(Venue.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))


def _save_booking(booking: VenueBooking) -> VenueBooking:
    """Insert or move `booking` unless it overlaps another booking of its venue (locked by the
    caller); a clash is refused with `venue_booked` naming the booking in the way. Should the
    check ever be bypassed, the exclusion constraint refuses the row and gets the same answer."""
    if BookingRaceWindowForTests.unguarded:
        time.sleep(BookingRaceWindowForTests.pause_seconds)
    else:
        clash = _clash(booking)
        if clash is not None:
            raise _venue_booked(clash)
    try:
        # A savepoint, so that after the constraint's refusal the clash can still be read.
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        if NO_OVERLAP_CONSTRAINT not in str(error):
            raise
        raise _venue_booked(_clash(booking)) from error
    return booking


def _booking_changes(booking: VenueBooking) -> dict[str, Any]:
    return {
        "venue": booking.venue_id,
        "starts_at": timezone.localtime(booking.starts_at).isoformat(),
        "ends_at": timezone.localtime(booking.ends_at).isoformat(),
        "purpose": booking.purpose,
        "session": booking.session_id,
    }


def booking_period_check(starts_at: datetime, ends_at: datetime) -> None:
    """What every booking of a room meets, made by hand or by a session: it ends after it
    starts (`invalid_period`) and lasts at most BOOKING_MAX_LENGTH (`booking_too_long`), both
    422. (Sessions have their own, shorter, rule too: lifelong.activities.session_times.)"""
    if ends_at <= starts_at:
        raise InvalidInput(_("A booking ends after it starts."), code="invalid_period", field="ends_at")
    if ends_at - starts_at > BOOKING_MAX_LENGTH:
        raise InvalidInput(
            _("A booking lasts at most %(days)d days.") % {"days": BOOKING_MAX_LENGTH.days},
            code="booking_too_long",
            field="ends_at",
        )


def _check_period(starts_at: datetime, ends_at: datetime, *, now: datetime) -> None:
    booking_period_check(starts_at, ends_at)
    # A booking by hand is for what is still to come. A session's booking follows its session,
    # which may be over already (entered after it was held, within its own rule, or kept as it
    # was while its activity changes), so it is not held to this.
    if ends_at <= now:
        raise InvalidInput(_("A booking cannot end in the past."), code="booking_in_past", field="ends_at")


def _aware(moment: datetime) -> datetime:
    """Times without an offset are read as county time (Asia/Shanghai)."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@transaction.atomic
@short_lock_wait()
def venue_booking_create(
    *,
    actor: User,
    venue: Venue,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> VenueBooking:
    """Book `venue` for [starts_at, ends_at). Admins whose subtree covers the venue and
    organizers of its institution may (anyone else: 404). Refusals: `invalid_period`,
    `booking_too_long` (over 14 days), `booking_in_past` (422) and `venue_booked` (409, naming
    the booking in the way). The venue's row is locked while deciding; audited."""
    bookable = policy.restrict(actor, policy.Action.BOOK, Venue.objects.filter(pk=venue.pk, is_active=True))
    if not bookable.exists():
        raise NotFound(field="venue")
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    _check_period(starts_at, ends_at, now=now or timezone.now())
    booking = VenueBooking(
        venue_id=venue.pk, starts_at=starts_at, ends_at=ends_at, purpose=(purpose or "").strip(), booked_by=actor
    )
    full_clean_or_raise(booking)
    _lock_venues([venue.pk])
    _save_booking(booking)
    audit_record(
        actor=actor, action=AuditAction.CREATED, target=booking, request=request, changes=_booking_changes(booking)
    )
    return booking


@transaction.atomic
@short_lock_wait()
def venue_booking_cancel(
    *, actor: User, booking: VenueBooking, request: HttpRequest | None = None, now: datetime | None = None
) -> None:
    """Cancel a booking made by hand, freeing its slot (the row goes; the audit log keeps it).
    A session's booking follows its session and is refused here (`booked_by_session`), and a
    booking that is over stays on the record (`booking_over`). Freeing needs no venue lock."""
    now = now or timezone.now()
    current = (
        policy.restrict(actor, policy.Action.VIEW, VenueBooking.objects.filter(pk=booking.pk))
        .select_for_update(of=("self",))
        .select_related("session__activity")
        .first()
    )
    if current is None:
        raise NotFound()
    if current.session_id is not None:
        raise Conflict(
            _("This booking belongs to a session of “%(title)s”: move or cancel the session instead.")
            % {"title": current.display_purpose},
            code="booked_by_session",
        )
    if current.ends_at <= now:
        raise Conflict(_("This booking is over and stays on the record."), code="booking_over")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="booking cancelled",
        request=request,
        changes=_booking_changes(current),
    )
    current.delete()


@transaction.atomic
@short_lock_wait()
def session_bookings_sync(*, actor: User, sessions: "list[Session]") -> None:
    """Make each session's booking match the session: a session with a venue books it for its
    own time (created, or moved along with the session), one without a venue holds none. A
    clash refuses the whole change with `venue_booked`, naming the booking in the way.

    Called by the activity services inside their own transaction, after they have checked that
    the actor may manage the activity and use the venue; each booking made or moved here meets
    the period rule of every booking (`booking_period_check`: 422 `invalid_period`,
    `booking_too_long`)."""
    existing = {b.session_id: b for b in VenueBooking.objects.filter(session__in=[s.pk for s in sessions])}
    _lock_venues(s.venue_id for s in sessions if s.venue_id is not None)
    for session in sessions:
        booking = existing.get(session.pk)
        if session.venue_id is None:
            if booking is not None:
                _release(actor=actor, booking=booking, summary="session booking released")
            continue
        if booking is not None and (booking.venue_id, booking.starts_at, booking.ends_at) == (
            session.venue_id,
            session.starts_at,
            session.ends_at,
        ):
            continue
        booking_period_check(session.starts_at, session.ends_at)
        created = booking is None
        if created:
            booking = VenueBooking(session=session, booked_by=actor)
        booking.venue_id, booking.starts_at, booking.ends_at = session.venue_id, session.starts_at, session.ends_at
        booking.purpose = session.activity.title[:160]
        _save_booking(booking)
        audit_record(
            actor=actor,
            action=AuditAction.CREATED if created else AuditAction.UPDATED,
            target=booking,
            summary="" if created else "session booking moved",
            changes=_booking_changes(booking),
        )


@transaction.atomic
@short_lock_wait()
def session_bookings_release(
    *, actor: User, activity: "Activity | None" = None, sessions: "list[Session] | None" = None
) -> int:
    """Free the venues booked for the activity's sessions (it was cancelled or rejected, and a
    draft holds no rooms), or for the given `sessions` only (they are being removed). Returns
    how many bookings were freed. Freeing needs no venue lock."""
    if (activity is None) == (sessions is None):
        raise TypeError("Name either the activity or its sessions.")
    scope = {"session__activity": activity} if activity is not None else {"session__in": [s.pk for s in sessions]}
    bookings = list(VenueBooking.objects.filter(**scope).select_for_update())
    for booking in bookings:
        _release(actor=actor, booking=booking, summary="session booking released")
    return len(bookings)


def _release(*, actor: User, booking: VenueBooking, summary: str) -> None:
    audit_record(
        actor=actor, action=AuditAction.UPDATED, target=booking, summary=summary, changes=_booking_changes(booking)
    )
    booking.delete()
