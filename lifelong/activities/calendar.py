"""iCalendar files: one per activity (public), and each learner's private feed of the
sessions they hold a place on, for phone calendars to subscribe to."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from lifelong.accounts.models import User
from lifelong.common.links import public_reverse

from .choices import ActivityStatus, RegistrationStatus
from .models import Activity, CalendarFeed, Session

# The feed shows a month of past sessions, so "where was that class?" still has an answer.
FEED_HISTORY = timedelta(days=30)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Lifelong//Community learning//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _event(session: Session, now) -> Event:
    activity = session.activity
    venue = session.venue or activity.venue
    link = public_reverse("activities:detail", args=[activity.pk])
    event = Event()
    event.add("uid", f"session-{session.pk}@lifelong")
    event.add("dtstamp", now)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", activity.display_title)
    event.add("url", link)
    event.add("description", f"{activity.summary}\n\n{link}".strip())
    if venue is not None:
        event.add("location", ", ".join(part for part in (venue.display_name, venue.address) if part))
    if activity.status == ActivityStatus.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def _render(calendar: Calendar, sessions: QuerySet[Session]) -> bytes:
    now = timezone.now()
    for session in sessions.select_related("activity__venue", "venue"):
        calendar.add_component(_event(session, now))
    return calendar.to_ical()


def sessions_ics(*, name: str, sessions: QuerySet[Session]) -> bytes:
    """A public calendar of the given sessions, such as a campaign's programme."""
    return _render(_calendar(name), sessions)


def activity_ics(activity: Activity) -> bytes:
    return _render(_calendar(activity.display_title), activity.sessions.order_by("starts_at"))


def feed_ics(user: User) -> bytes:
    """Sessions of activities the user (or a relative they manage) holds a seat on."""
    holding = Q(activity__registrations__learner=user) | Q(activity__registrations__learner__managed_by=user)
    sessions = (
        Session.objects.filter(
            holding,
            activity__registrations__status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED),
            ends_at__gte=timezone.now() - FEED_HISTORY,
        )
        .distinct()
        .order_by("starts_at")
    )
    return _render(_calendar(_("My learning")), sessions)


def feed_for(user: User) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(user=user).first()
    return feed or feed_reset(user=user)


@transaction.atomic
def feed_reset(*, user: User) -> CalendarFeed:
    """A new private address; the old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return feed


def feed_owner(token: str) -> User | None:
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return feed.user if feed else None
