"""The words of every notice, rendered in the recipient's language when the notice is made."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lifelong.regions.models import Region

from .choices import NoticeKind

TEMPLATES = {
    NoticeKind.REGISTRATION_CONFIRMED: gettext_lazy(
        "You are registered for “%(title)s”. Next session: %(start)s, %(place)s."
    ),
    NoticeKind.REGISTRATION_PENDING: gettext_lazy(
        "Your registration for “%(title)s” waits for the organizer's approval. We will tell you the answer."
    ),
    NoticeKind.WAITLISTED: gettext_lazy(
        "“%(title)s” is full: you are number %(position)s on the waitlist. We will tell you when a seat is free."
    ),
    NoticeKind.SEAT_OFFERED: gettext_lazy(
        "A seat on “%(title)s” is free for you. Accept it in My learning by %(deadline)s, "
        "or it passes to the next person. Next session: %(start)s, %(place)s."
    ),
    NoticeKind.PROMOTED: gettext_lazy(
        "A seat on “%(title)s” came free and is now yours. Next session: %(start)s, %(place)s."
    ),
    NoticeKind.OFFER_LAPSED: gettext_lazy(
        "The seat offered to you on “%(title)s” was not accepted in time and has passed to the next person."
    ),
    NoticeKind.REGISTRATION_REJECTED: gettext_lazy("Your registration for “%(title)s” was not approved."),
    NoticeKind.REGISTRATION_CANCELLED: gettext_lazy(
        "Your registration for “%(title)s” has been cancelled by staff. Please call the organizer with any questions."
    ),
    NoticeKind.REMINDER: gettext_lazy("Reminder: “%(title)s” starts tomorrow, %(start)s, %(place)s."),
    NoticeKind.SESSION_CHANGED: gettext_lazy(
        "“%(title)s” has changed: the session now runs %(start)s to %(end)s, %(place)s."
    ),
    NoticeKind.ACTIVITY_CANCELLED: gettext_lazy(
        "“%(title)s” has been cancelled by the organizer. We are sorry; your registration is withdrawn."
    ),
    NoticeKind.ACTIVITY_PUBLISHED: gettext_lazy("“%(title)s” has been published and is open for registration."),
    NoticeKind.ACTIVITY_REJECTED: gettext_lazy("“%(title)s” was not published. Reason: %(reason)s"),
    NoticeKind.LOW_ENROLMENT: gettext_lazy(
        "Low enrolment: “%(title)s” has %(taken)s of %(capacity)s seats taken, and registration closes %(closes)s."
    ),
    NoticeKind.CERTIFICATE_ISSUED: gettext_lazy(
        "Well done: you completed “%(title)s”. Your certificate %(serial)s is in your learning passport."
    ),
    NoticeKind.CERTIFICATE_REVOKED: gettext_lazy(
        "Your certificate %(serial)s for “%(title)s” has been revoked. Reason: %(reason)s"
    ),
    NoticeKind.TEAM_JOIN_REQUESTED: gettext_lazy(
        "%(name)s asks to join “%(team)s”. Let them in or decline on the team's page."
    ),
    NoticeKind.TEAM_JOIN_APPROVED: gettext_lazy("Welcome: you are now a member of “%(team)s”."),
    NoticeKind.TEAM_JOIN_DECLINED: gettext_lazy("Your request to join “%(team)s” was declined."),
    NoticeKind.HONOUR_AWARDED: gettext_lazy(
        "Congratulations: you have been awarded “%(title)s” (%(year)s). It is on the honour roll and in your "
        "learning passport."
    ),
    NoticeKind.NOMINATION_AWARDED: gettext_lazy(
        "Your nomination of %(recipient)s in “%(call)s” was successful: the honour has been awarded."
    ),
    NoticeKind.NOMINATION_NOT_AWARDED: gettext_lazy(
        "“%(call)s” has been decided: your nomination of %(recipient)s was not chosen this time."
    ),
    NoticeKind.ARTICLE_RETURNED: gettext_lazy("Your article “%(title)s” was sent back: %(comment)s"),
    NoticeKind.ARTICLE_PUBLISHED: gettext_lazy("Your article “%(title)s” is published, released %(released)s."),
    # To whoever proposed or last changed a correction of a published article (news.corrections).
    NoticeKind.CORRECTION_APPROVED: gettext_lazy(
        "Your correction of “%(title)s” was approved and is on the public site."
    ),
    NoticeKind.CORRECTION_REJECTED: gettext_lazy("Your correction of “%(title)s” was not approved: %(comment)s"),
    # The organizer's own words (`text`), said to be theirs: who wrote, for which activity.
    NoticeKind.ORGANIZER_MESSAGE: gettext_lazy("Message from %(sender)s (%(institution)s) about “%(title)s”: %(text)s"),
    # One notice for a whole edit (params `changes`: what changed, worded by ACTIVITY_CHANGES).
    NoticeKind.ACTIVITY_CHANGED: gettext_lazy(
        "“%(title)s” has changed. %(changes)s Next session: %(start)s, %(place)s."
    ),
    # To the family member of a relative they added (params `region_id`: the relative's home).
    NoticeKind.RESIDENCE_CONFIRMED: gettext_lazy(
        "Village staff have confirmed that %(name)s lives in %(village)s. Activities for residents there now "
        "accept them."
    ),
    NoticeKind.RESIDENCE_DECLINED: gettext_lazy(
        "Village staff could not confirm that %(name)s lives in %(village)s, so activities for residents there do "
        "not accept them. If this is a mistake, please visit or call the teaching point of %(village)s."
    ),
}
# What an edit of an activity changed, one sentence each (lifelong.activities.editing).
ACTIVITY_CHANGES = {
    "time": gettext_lazy("Session times have changed."),
    "place": gettext_lazy("The place has changed."),
    "added": gettext_lazy("A session has been added."),
    "removed": gettext_lazy("A session has been cancelled."),
}
ACTIVITY_CHANGED_NO_COMING = gettext_lazy("“%(title)s” has changed. %(changes)s It has no coming session now.")
# The words when the activity has no session still to come (the ones above name the next one).
NO_COMING_SESSION = {
    NoticeKind.REGISTRATION_CONFIRMED: gettext_lazy(
        "You are registered for “%(title)s”. It has no coming session at the moment."
    ),
    NoticeKind.SEAT_OFFERED: gettext_lazy(
        "A seat on “%(title)s” is free for you. Accept it in My learning by %(deadline)s, "
        "or it passes to the next person."
    ),
    NoticeKind.PROMOTED: gettext_lazy(
        "A seat on “%(title)s” came free and is now yours. It has no coming session at the moment."
    ),
    NoticeKind.REMINDER: gettext_lazy("Reminder: “%(title)s” has no coming session at the moment."),
}
# A reminder that arrives after its own session started names the next one instead.
REMINDER_OF_NEXT = gettext_lazy("Reminder: the next session of “%(title)s” is %(start)s, %(place)s.")
# Notices that name the session to come: a session that already started is no news to anyone.
NEXT_SESSION_KINDS = set(NO_COMING_SESSION)
# A cancellation is worded by who cancelled (params `by`: learner or staff) and, for a learner,
# by whether they were only waiting (params `was`: the status before).
CANCELLED_BY_LEARNER = gettext_lazy("You have cancelled your registration for “%(title)s”.")
LEFT_WAITLIST = gettext_lazy("You have left the waitlist for “%(title)s”.")

# Notices to an article's author or correctors: their params carry `article_id` (and a
# reviewer's `comment`).
ARTICLE_KINDS = {
    NoticeKind.ARTICLE_RETURNED,
    NoticeKind.ARTICLE_PUBLISHED,
    NoticeKind.CORRECTION_APPROVED,
    NoticeKind.CORRECTION_REJECTED,
}
# Notices about a learning team rather than an activity: their params carry `team_id`.
TEAM_KINDS = {NoticeKind.TEAM_JOIN_REQUESTED, NoticeKind.TEAM_JOIN_APPROVED, NoticeKind.TEAM_JOIN_DECLINED}
# Notices about honours: their params carry `nomination_id`.
HONOUR_KINDS = {NoticeKind.HONOUR_AWARDED, NoticeKind.NOMINATION_AWARDED, NoticeKind.NOMINATION_NOT_AWARDED}

# Notices about where a family's relative lives (lifelong.accounts.residence): params `region_id`.
RESIDENCE_KINDS = {NoticeKind.RESIDENCE_CONFIRMED, NoticeKind.RESIDENCE_DECLINED}

# Notices for the people who run the activity link to the console, the rest to the learner's pages.
ORGANIZER_KINDS = {NoticeKind.ACTIVITY_PUBLISHED, NoticeKind.ACTIVITY_REJECTED, NoticeKind.LOW_ENROLMENT}


def _team_notice(kind: str, params: dict[str, Any]) -> tuple[str, str]:
    """A team notice names the team in the recipient's language (the caller has switched to
    it) and, for the leader, the person asking; it links to the team's page."""
    from lifelong.community.models import Team  # community's services import this app

    team = Team.objects.get(pk=params["team_id"])
    text = str(TEMPLATES[kind]) % {"team": team.display_name, "name": params.get("name", "")}
    return text, reverse("community:team", args=[team.pk])


def _article_notice(kind: str, params: dict[str, Any]) -> tuple[str, str]:
    """An article notice names the article and links to its console page."""
    from lifelong.news.models import Article  # news' services import this app

    article = Article.objects.get(pk=params["article_id"])
    values = {
        "title": article.display_title,
        "comment": params.get("comment", ""),
        "released": when(article.published_at),
    }
    return str(TEMPLATES[kind]) % values, reverse("console:article", args=[article.pk])


def when(value) -> str:
    return format_date(timezone.localtime(value), "Y-m-d H:i") if value else "—"


def place(venue) -> str:
    return venue.display_name if venue is not None else _("venue to be announced")


def next_session(activity):
    """The activity's first session that has not started yet, or None. Reads the prefetched,
    start-ordered sessions, so naming it costs no query."""
    now = timezone.now()
    return next((s for s in activity.sessions.all() if s.starts_at > now), None)


def _coming(kind: str, activity, *, named) -> tuple[Any, Any]:
    """The session a notice names and its words: the `named` one (a reminder's) while it has not
    started, else the next that has not, else none and the words that say so."""
    if named is not None and named.starts_at > timezone.now():
        return named, TEMPLATES[kind]
    session = next_session(activity)
    if session is None:
        return None, NO_COMING_SESSION[kind]
    return session, (REMINDER_OF_NEXT if named is not None else TEMPLATES[kind])


def _organizer_message(activity, params: dict[str, Any], *, for_name: str) -> tuple[str, str]:
    """An organizer's message to the activity's learners (`params`: `text`, `sender`), naming
    the activity and the institution in the recipient's language."""
    values = {
        "sender": params.get("sender", ""),
        "institution": activity.institution.display_name,
        "title": activity.display_title,
        "text": params.get("text", ""),
    }
    text = str(TEMPLATES[NoticeKind.ORGANIZER_MESSAGE]) % values
    if for_name:
        text = _("For %(name)s: %(text)s") % {"name": for_name, "text": text}
    # Only a published activity has a public page; otherwise the learner's own list has it.
    link = reverse("activities:detail", args=[activity.pk]) if activity.status == "published" else reverse("me")
    return text, link


def _activity_changed(activity, params: dict[str, Any], *, for_name: str) -> tuple[str, str]:
    """An edit of an activity, told once: what changed, then the next session as it is now."""
    # Chinese sentences end in a full-width stop and run on without a space; English ones do not.
    separator = "" if (get_language() or "").startswith("zh") else " "
    changes = separator.join(str(ACTIVITY_CHANGES[c]) for c in params.get("changes", []) if c in ACTIVITY_CHANGES)
    session = next_session(activity)
    template = TEMPLATES[NoticeKind.ACTIVITY_CHANGED] if session else ACTIVITY_CHANGED_NO_COMING
    values = {
        "title": activity.display_title,
        "changes": changes,
        "start": when(session.starts_at if session else None),
        "place": place(session.venue if session else activity.venue),
    }
    text = str(template) % values
    if for_name:
        text = _("For %(name)s: %(text)s") % {"name": for_name, "text": text}
    return text, reverse("activities:detail", args=[activity.pk])


def _residence_notice(kind: str, params: dict[str, Any], *, for_name: str) -> tuple[str, str]:
    """Village staff's decision on a relative's home, named in the recipient's language; it
    links to the family page, where the relative's state shows."""
    region = Region.objects.filter(pk=params.get("region_id")).first()
    values = {"name": for_name, "village": region.display_name if region else "—"}
    return str(TEMPLATES[kind]) % values, reverse("me")


def render(
    kind: str, *, activity, params: dict[str, Any], for_name: str = "", relative_id: int | None = None
) -> tuple[str, str]:
    """The notice text and its link. `for_name` names the relative a family member is told
    about, `relative_id` is theirs (their passport has its own page)."""
    if kind in TEAM_KINDS:
        return _team_notice(kind, params)
    if kind in ARTICLE_KINDS:
        return _article_notice(kind, params)
    if kind in HONOUR_KINDS:
        from lifelong.honours.notices import honour_notice  # honours' services import this app

        return honour_notice(kind, params, for_name=for_name, relative_id=relative_id)
    if kind in RESIDENCE_KINDS:
        return _residence_notice(kind, params, for_name=for_name)
    if kind == NoticeKind.ORGANIZER_MESSAGE:
        return _organizer_message(activity, params, for_name=for_name)
    if kind == NoticeKind.ACTIVITY_CHANGED:
        return _activity_changed(activity, params, for_name=for_name)
    template = TEMPLATES[kind]
    session = None
    if params.get("session_id"):
        session = next((s for s in activity.sessions.all() if s.pk == params["session_id"]), None)
    if kind in NEXT_SESSION_KINDS:
        session, template = _coming(kind, activity, named=session)
    elif session is None:
        session = next(iter(activity.sessions.all()), None)
    if kind == NoticeKind.REGISTRATION_CANCELLED and params.get("by") == "learner":
        template = LEFT_WAITLIST if params.get("was") == "waitlisted" else CANCELLED_BY_LEARNER
    values = {
        "title": activity.display_title,
        "start": when(session.starts_at if session else None),
        "end": when(session.ends_at if session else None),
        "place": place(session.venue if session else activity.venue),
        "position": params.get("position", ""),
        "deadline": params.get("deadline", ""),
        "reason": params.get("reason", ""),
        "serial": params.get("serial", ""),
        "taken": activity.seats_taken,
        "capacity": activity.capacity,
        "closes": when(activity.registration_closes),
    }
    text = str(template) % values
    if for_name:
        text = _("For %(name)s: %(text)s") % {"name": for_name, "text": text}
    if kind in ORGANIZER_KINDS:
        link = reverse("console:activity", args=[activity.pk])
    elif kind in (NoticeKind.CERTIFICATE_ISSUED, NoticeKind.CERTIFICATE_REVOKED):
        link = reverse("passport:family_mine", args=[relative_id]) if relative_id else reverse("passport:mine")
    elif kind in (NoticeKind.SEAT_OFFERED, NoticeKind.ACTIVITY_CANCELLED):
        link = reverse("me")  # a cancelled activity has no public page any more
    else:
        link = reverse("activities:detail", args=[activity.pk])
    return text, link
