"""When a session may be held: the one rule every new or moved session meets, whoever makes
it (the console's pages, the API, "copy as a new draft"). A session's room booking then meets
the booking rules of every venue booking as well (lifelong.institutions.services).

- It ends after it starts (422 `invalid_period`, the bookings' code).
- It lasts at most SESSION_MAX_LENGTH, 12 hours (422 `session_too_long`). A session is one
  sitting, checked in once: the check-in window is the session, and when the activity sets no
  hours each attendance earns the session's length in learning hours. The longest sitting we
  know of, a day's study tour, is about 08:00 to 20:00; an event over several days is one
  session a day, each with its own check-in and hours. (A ten-year "session" would have kept a
  room for ten years and earned 87,600 hours a check-in.)
- A new or moved session starts at most SESSION_PAST_TOLERANCE, 7 days, ago (422
  `session_in_past`): as long as staff may still enter a paper sign-in sheet after a session,
  so a session held somewhere without signal can be entered afterwards with its sheet. Older
  history is not written through these forms (learning records from elsewhere are imported).
- It starts at most SESSION_MAX_AHEAD, 2 years, from now (422 `session_too_far_ahead`): a
  county's programme is planned for the coming year, and a yearly course's next round fits;
  a year typed wrong (2062, 9999) does not.

Sessions stored before these rules, and those not moved, are left as they are: an edit that
keeps them is not refused for them."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.common.errors import InvalidInput

SESSION_MAX_LENGTH = timedelta(hours=12)
SESSION_PAST_TOLERANCE = timedelta(days=7)  # lifelong.activities.checkin.PAPER_SHEET_GRACE
SESSION_MAX_AHEAD = timedelta(days=730)


def _shown(moment: datetime) -> str:
    """The session's start as the county reads it; a time too far out to convert (year 9999)
    as it was given."""
    try:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError):
        return moment.strftime("%Y-%m-%d %H:%M")


def session_times_check(
    *,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    start_field: str = "sessions",
    end_field: str = "sessions",
) -> None:
    """Refuse a new or moved session's times that break the rules above, naming the session by
    its start; the error's field is `start_field` or `end_field` (the form or body field the
    time came from)."""
    start = {"start": _shown(starts_at)}
    if ends_at <= starts_at:
        raise InvalidInput(
            _("The session of %(start)s must end after it starts.") % start, code="invalid_period", field=end_field
        )
    if ends_at - starts_at > SESSION_MAX_LENGTH:
        raise InvalidInput(
            _("The session of %(start)s is longer than %(hours)d hours: hold a longer event as several sessions.")
            % {**start, "hours": SESSION_MAX_LENGTH.total_seconds() // 3600},
            code="session_too_long",
            field=end_field,
        )
    if starts_at < now - SESSION_PAST_TOLERANCE:
        raise InvalidInput(
            _(
                "The session of %(start)s is too far in the past: a new or moved session starts at most "
                "%(days)d days ago."
            )
            % {**start, "days": SESSION_PAST_TOLERANCE.days},
            code="session_in_past",
            field=start_field,
        )
    if starts_at > now + SESSION_MAX_AHEAD:
        raise InvalidInput(
            _("The session of %(start)s is too far ahead: sessions are planned at most %(years)d years ahead.")
            % {**start, "years": SESSION_MAX_AHEAD.days // 365},
            code="session_too_far_ahead",
            field=start_field,
        )
