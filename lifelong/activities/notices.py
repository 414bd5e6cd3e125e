"""The notices about activities and registrations: their kinds, words and links, rendered in the
recipient's language when the notice is made. Registered with lifelong.notifications when this
module is imported (ActivitiesConfig.ready()); the codes are stored in notices and their dedupe
keys, so they never change."""

from functools import partial
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lifelong.notifications.registry import NoticeContext, NoticeKind, register, when

from .models import Activity, Session


def load_activity(*, activity_id: int | None, params: dict[str, Any]) -> Activity | None:
    """The activity a notice is about, read once per event with its venue and its start-ordered
    sessions (with theirs), so that naming the next session costs no query per recipient."""
    if activity_id is None:
        return None
    sessions = Prefetch("sessions", queryset=Session.objects.select_related("venue").order_by("starts_at"))
    return Activity.objects.select_related("venue").prefetch_related(sessions).filter(pk=activity_id).first()


def place(venue) -> str:
    return venue.display_name if venue is not None else _("venue to be announced")


def next_session(activity: Activity) -> Session | None:
    """The activity's first session that has not started yet, or None. Reads the prefetched,
    start-ordered sessions, so naming it costs no query."""
    now = timezone.now()
    return next((s for s in activity.sessions.all() if s.starts_at > now), None)


# --- Links: the learner's pages, or the console for the people who run the activity ------------


def _activity_page(context: NoticeContext) -> str:
    return reverse("activities:detail", args=[context.about.pk])


def _console_page(context: NoticeContext) -> str:
    return reverse("console:activity", args=[context.about.pk])


def _my_learning(context: NoticeContext) -> str:
    return reverse("me")


# --- Words --------------------------------------------------------------------------------------

# Each kind's words, naming the activity (and the session to come where they say so).
WORDS: dict[str, Any] = {}
# The words when the activity has no session still to come (the kinds' own name the next one).
# Notices that name the session to come: a session that already started is no news to anyone.
NO_COMING_SESSION: dict[str, Any] = {}
# A reminder that arrives after its own session started names the next one instead.
REMINDER_OF_NEXT = gettext_lazy("Reminder: the next session of “%(title)s” is %(start)s, %(place)s.")
# A cancellation is worded by who cancelled (params `by`: learner or staff) and, for a learner,
# by whether they were only waiting (params `was`: the status before).
CANCELLED_BY_LEARNER = gettext_lazy("You have cancelled your registration for “%(title)s”.")
LEFT_WAITLIST = gettext_lazy("You have left the waitlist for “%(title)s”.")
# What an edit of an activity changed, one sentence each (lifelong.activities.services.editing).
ACTIVITY_CHANGES = {
    "time": gettext_lazy("Session times have changed."),
    "place": gettext_lazy("The place has changed."),
    "added": gettext_lazy("A session has been added."),
    "removed": gettext_lazy("A session has been cancelled."),
}
ACTIVITY_CHANGED_NO_COMING = gettext_lazy("“%(title)s” has changed. %(changes)s It has no coming session now.")


def _coming(kind: str, activity: Activity, *, named: Session | None) -> tuple[Session | None, Any]:
    """The session a notice names and its words: the `named` one (a reminder's) while it has not
    started, else the next that has not, else none and the words that say so."""
    if named is not None and named.starts_at > timezone.now():
        return named, WORDS[kind]
    session = next_session(activity)
    if session is None:
        return None, NO_COMING_SESSION[kind]
    return session, (REMINDER_OF_NEXT if named is not None else WORDS[kind])


def _activity_notice(context: NoticeContext, *, link, words=None) -> tuple[str, str]:
    """A notice naming the activity and its session: the one `params` name (`session_id`), the
    next to come for the kinds that say so, else the first."""
    activity, params = context.about, context.params
    words = words or WORDS[context.kind]
    session = None
    if params.get("session_id"):
        session = next((s for s in activity.sessions.all() if s.pk == params["session_id"]), None)
    if context.kind in NO_COMING_SESSION:
        session, words = _coming(context.kind, activity, named=session)
    elif session is None:
        session = next(iter(activity.sessions.all()), None)
    values = {
        "title": activity.display_title,
        "start": when(session.starts_at if session else None),
        "end": when(session.ends_at if session else None),
        "place": place(session.venue if session else activity.venue),
        "position": params.get("position", ""),
        "deadline": params.get("deadline", ""),
        "reason": params.get("reason", ""),
        "taken": activity.seats_taken,
        "capacity": activity.capacity,
        "closes": when(activity.registration_closes),
    }
    return context.addressed(str(words) % values), link(context)


def _cancellation(context: NoticeContext) -> tuple[str, str]:
    words = None
    if context.params.get("by") == "learner":
        words = LEFT_WAITLIST if context.params.get("was") == "waitlisted" else CANCELLED_BY_LEARNER
    return _activity_notice(context, link=_activity_page, words=words)


def _organizer_message(context: NoticeContext) -> tuple[str, str]:
    """An organizer's message to the activity's learners (`params`: `text`, `sender`), naming
    the activity and the institution in the recipient's language."""
    activity, params = context.about, context.params
    values = {
        "sender": params.get("sender", ""),
        "institution": activity.institution.display_name,
        "title": activity.display_title,
        "text": params.get("text", ""),
    }
    text = str(WORDS[context.kind]) % values
    # Only a published activity has a public page; otherwise the learner's own list has it.
    link = reverse("activities:detail", args=[activity.pk]) if activity.status == "published" else reverse("me")
    return context.addressed(text), link


def _activity_changed(context: NoticeContext) -> tuple[str, str]:
    """An edit of an activity, told once: what changed, then the next session as it is now."""
    activity = context.about
    # Chinese sentences end in a full-width stop and run on without a space; English ones do not.
    separator = "" if (get_language() or "").startswith("zh") else " "
    changes = separator.join(
        str(ACTIVITY_CHANGES[c]) for c in context.params.get("changes", []) if c in ACTIVITY_CHANGES
    )
    session = next_session(activity)
    words = WORDS[context.kind] if session else ACTIVITY_CHANGED_NO_COMING
    values = {
        "title": activity.display_title,
        "changes": changes,
        "start": when(session.starts_at if session else None),
        "place": place(session.venue if session else activity.venue),
    }
    return context.addressed(str(words) % values), _activity_page(context)


def _kind(
    code: str, label, words, *, icon: str = "bell", link=_activity_page, render=None, no_coming_session=None
) -> NoticeKind:
    """Register a kind about an activity: its words, and its words without a coming session for
    the kinds that name the next one."""
    WORDS[code] = words
    if no_coming_session is not None:
        NO_COMING_SESSION[code] = no_coming_session
    return register(
        code,
        label=label,
        render=render or partial(_activity_notice, link=link),
        load=load_activity,
        icon=icon,
    )


# --- The kinds ----------------------------------------------------------------------------------

# To learners, about their registration.
REGISTRATION_CONFIRMED = _kind(
    "confirmed",
    gettext_lazy("Registration confirmed"),
    gettext_lazy("You are registered for “%(title)s”. Next session: %(start)s, %(place)s."),
    no_coming_session=gettext_lazy("You are registered for “%(title)s”. It has no coming session at the moment."),
    icon="circle-check",
)
REGISTRATION_PENDING = _kind(
    "pending",
    gettext_lazy("Registration waiting for approval"),
    gettext_lazy("Your registration for “%(title)s” waits for the organizer's approval. We will tell you the answer."),
    icon="clock",
)
WAITLISTED = _kind(
    "waitlisted",
    gettext_lazy("Placed on the waitlist"),
    gettext_lazy(
        "“%(title)s” is full: you are number %(position)s on the waitlist. We will tell you when a seat is free."
    ),
    icon="hourglass",
)
SEAT_OFFERED = _kind(
    "offered",
    gettext_lazy("A seat is offered"),
    gettext_lazy(
        "A seat on “%(title)s” is free for you. Accept it in My learning by %(deadline)s, "
        "or it passes to the next person. Next session: %(start)s, %(place)s."
    ),
    no_coming_session=gettext_lazy(
        "A seat on “%(title)s” is free for you. Accept it in My learning by %(deadline)s, "
        "or it passes to the next person."
    ),
    icon="ticket",
    link=_my_learning,
)
PROMOTED = _kind(
    "promoted",
    gettext_lazy("Moved up from the waitlist"),
    gettext_lazy("A seat on “%(title)s” came free and is now yours. Next session: %(start)s, %(place)s."),
    no_coming_session=gettext_lazy(
        "A seat on “%(title)s” came free and is now yours. It has no coming session at the moment."
    ),
    icon="circle-check",
)
OFFER_LAPSED = _kind(
    "offer_lapsed",
    gettext_lazy("Seat offer expired"),
    gettext_lazy("The seat offered to you on “%(title)s” was not accepted in time and has passed to the next person."),
    icon="circle-x",
)
REGISTRATION_REJECTED = _kind(
    "rejected",
    gettext_lazy("Registration not approved"),
    gettext_lazy("Your registration for “%(title)s” was not approved."),
    icon="circle-x",
)
REGISTRATION_CANCELLED = _kind(
    "reg_cancelled",
    gettext_lazy("Registration cancelled"),
    gettext_lazy(
        "Your registration for “%(title)s” has been cancelled by staff. Please call the organizer with any questions."
    ),
    icon="circle-x",
    render=_cancellation,
)
REMINDER = _kind(
    "reminder",
    gettext_lazy("Reminder the day before"),
    gettext_lazy("Reminder: “%(title)s” starts tomorrow, %(start)s, %(place)s."),
    no_coming_session=gettext_lazy("Reminder: “%(title)s” has no coming session at the moment."),
    icon="calendar-clock",
)

# To learners, about the activity.
SESSION_CHANGED = _kind(
    "changed",
    gettext_lazy("Session changed"),
    gettext_lazy("“%(title)s” has changed: the session now runs %(start)s to %(end)s, %(place)s."),
    icon="calendar",
)
# One notice for a whole edit (params `changes`: what changed, worded by ACTIVITY_CHANGES).
ACTIVITY_CHANGED = _kind(
    "act_changed",
    gettext_lazy("Activity changed"),
    gettext_lazy("“%(title)s” has changed. %(changes)s Next session: %(start)s, %(place)s."),
    render=_activity_changed,
)
ACTIVITY_CANCELLED = _kind(
    "act_cancelled",
    gettext_lazy("Activity cancelled"),
    gettext_lazy("“%(title)s” has been cancelled by the organizer. We are sorry; your registration is withdrawn."),
    icon="circle-x",
    link=_my_learning,  # a cancelled activity has no public page any more
)
# The organizer's own words (`text`), said to be theirs: who wrote, for which activity.
ORGANIZER_MESSAGE = _kind(
    "organizer_msg",
    gettext_lazy("Message from the organizer"),
    gettext_lazy("Message from %(sender)s (%(institution)s) about “%(title)s”: %(text)s"),
    render=_organizer_message,
)

# To the people who run the activity: they link to the console.
ACTIVITY_PUBLISHED = _kind(
    "published",
    gettext_lazy("Activity published"),
    gettext_lazy("“%(title)s” has been published and is open for registration."),
    icon="megaphone",
    link=_console_page,
)
ACTIVITY_REJECTED = _kind(
    "act_rejected",
    gettext_lazy("Activity rejected"),
    gettext_lazy("“%(title)s” was not published. Reason: %(reason)s"),
    icon="circle-x",
    link=_console_page,
)
LOW_ENROLMENT = _kind(
    "low_enrolment",
    gettext_lazy("Low enrolment"),
    gettext_lazy(
        "Low enrolment: “%(title)s” has %(taken)s of %(capacity)s seats taken, and registration closes %(closes)s."
    ),
    icon="triangle-alert",
    link=_console_page,
)
