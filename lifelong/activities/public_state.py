"""Where an activity stands for the public, in plain words: its status line
(`activity_public_state`: open, full, closed...) and who may register (`activity_eligibility`),
for activity pages and cards."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lifelong.accounts.models import User
from lifelong.regions.models import Region

from .choices import ActivityStatus, CampaignStatus
from .models import Activity
from .services.eligibility import eligibility_problem


@dataclass(frozen=True)
class PublicState:
    """Where an activity stands for someone who might join it, in plain words.

    `code`: open, not_open, closed, full, waitlist, past, cancelled or unpublished; `badge`:
    the `.ll-badge--<badge>` it wears; `text`: the sentence of an activity page; `short`: the
    words of a card's badge; `action`: "register" or "waitlist" when a register button belongs
    on the page (never for past, closed or full-without-waitlist ones)."""

    code: str
    badge: str
    text: str
    short: str
    action: str | None = None


def _not_ended(activity: Activity, now: datetime) -> bool:
    """Whether a session is still to end: the listing annotation when the activity came from
    with_card_data, else its (prefetched) sessions."""
    if hasattr(activity, "next_starts_at"):
        return activity.next_starts_at is not None
    return any(session.ends_at > now for session in activity.sessions.all())


def activity_public_state(activity: Activity, *, now: datetime | None = None) -> PublicState:
    """The status line of a card or an activity page. It follows registration_create's
    order of refusals (published, window, seats) so that a button is only shown where
    tapping it can work; an activity whose sessions have all ended says so whatever its
    window says. Seats are those open to online registration, what a learner can get."""
    now = now or timezone.now()
    if activity.status == ActivityStatus.CANCELLED:
        return PublicState("cancelled", "closed", _("This activity has been cancelled."), _("Cancelled"))
    if activity.status == ActivityStatus.COMPLETED or (
        activity.status == ActivityStatus.PUBLISHED and not _not_ended(activity, now)
    ):
        return PublicState("past", "past", _("This activity has ended."), _("Ended"))
    if activity.status != ActivityStatus.PUBLISHED:
        return PublicState(
            "unpublished", "pending", _("Not published yet: only its staff can see it."), _("Not published")
        )
    if now < activity.registration_opens:
        opens = timezone.localtime(activity.registration_opens)
        return PublicState(
            "not_open",
            "pending",
            _("Registration opens %(when)s.") % {"when": format_date(opens, "Y-m-d H:i")},
            _("Opens %(day)s") % {"day": format_date(opens, "m-d")},
        )
    if now >= activity.registration_closes:
        return PublicState("closed", "closed", _("Registration has closed."), _("Registration closed"))
    seats = activity.online_seats_left
    if seats <= 0:
        if activity.waitlist:
            return PublicState(
                "waitlist", "waitlist", _("Full: you can join the waitlist."), _("Full · waitlist"), "waitlist"
            )
        return PublicState("full", "full", _("Full: no seats left."), _("Full"))
    text = ngettext("Open for registration: %(n)d seat left.", "Open for registration: %(n)d seats left.", seats)
    short = ngettext("%(n)d seat left", "%(n)d seats left", seats)
    return PublicState("open", "open", text % {"n": seats}, short % {"n": seats}, "register")


@dataclass(frozen=True)
class Eligibility:
    """Who may register, said before anyone taps: `rules` in plain words (empty: everyone),
    and for a signed-in viewer whether they themselves may (`viewer_ok`, `viewer_text`)."""

    rules: list[str]
    viewer_ok: bool | None = None
    viewer_text: str = ""


def _region_words(region: Region) -> str:
    # Village names repeat across towns (丰义村 in two of them): a village carries its town.
    if region.level == "village" and region.parent_id:
        return _("%(village)s, %(town)s") % {"village": region.display_name, "town": region.parent.display_name}
    return region.display_name


def activity_eligibility(activity: Activity, *, viewer: User | None) -> Eligibility:
    """The activity's conditions, and the viewer's own verdict computed by the very rule
    registration applies (services.eligibility.eligibility_problem), worded for "you"."""
    rules = []
    if activity.min_age is not None and activity.max_age is not None:
        rules.append(_("Only for people aged %(min)d to %(max)d.") % {"min": activity.min_age, "max": activity.max_age})
    elif activity.min_age is not None:
        rules.append(_("Only for people aged %(min)d and over.") % {"min": activity.min_age})
    elif activity.max_age is not None:
        rules.append(_("Only for people aged %(max)d and under.") % {"max": activity.max_age})
    if activity.residents_of_id is not None:
        rules.append(_("Only for residents of %(region)s.") % {"region": _region_words(activity.residents_of)})
    if activity.requires_approval:
        rules.append(_("Staff review each registration before it is confirmed."))
    campaign = activity.campaign if activity.campaign_status == CampaignStatus.ACCEPTED else None
    if campaign is not None and campaign.registration_cap:
        rules.append(
            _("During %(campaign)s each person may hold at most %(n)d registrations.")
            % {"campaign": campaign.display_name, "n": campaign.registration_cap}
        )
    if viewer is None or not viewer.is_authenticated:
        return Eligibility(rules)
    problem = eligibility_problem(activity, viewer)
    if problem is None:
        return Eligibility(rules, True, _("You meet the conditions to register."))
    if problem.code == "ineligible_age":
        text = _("Your age is outside this activity's age range, so you cannot register.")
    elif problem.code == "birth_year_unknown":
        text = _("This activity has an age limit and your birth year is not on file: please call the contact below.")
    elif problem.code == "ineligible_residence":
        text = _("This activity is only for residents of %(region)s; your home is elsewhere.") % {
            "region": _region_words(activity.residents_of)
        }
    else:
        text = problem.detail
    return Eligibility(rules, False, text)
