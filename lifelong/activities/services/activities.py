"""Creating an activity and changing what it says about itself (its content), and the checks
both share: venues, programme and team (a campaign placement is the campaigns app's rule:
lifelong.activities.campaign_rules)."""

from datetime import datetime
from typing import Any

import nh3
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.accounts.phone import normalize_contact_phone
from lifelong.common import richtext
from lifelong.common.choices import AuditAction
from lifelong.common.errors import InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.pictures import cover_from_upload
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.common.updates import CoverEdit, apply_changes
from lifelong.community.models import Programme, Team
from lifelong.community.services import programme_refusal, team_refusal
from lifelong.institutions.models import Institution, Venue

from ..campaign_rules import campaign_placement
from ..choices import Audience, Category
from ..models import Activity, Session
from ..policy import may_manage_activities_of
from ..session_times import session_times_check
from .access import _require_manager

ACTIVITY_FIELDS = (
    "title",
    "title_en",
    "summary",
    "description",
    "description_en",
    "contact_phone",
    "cover",
    "category",
    "audiences",
    "venue",
    "capacity",
    "reserved_offline",
    "registration_opens",
    "registration_closes",
    "requires_approval",
    "waitlist",
    "offer_hours",
    "hours",
    "certificate",
    "completion_share",
    "min_age",
    "max_age",
    "residents_of",
    "campaign",
    "programme",
    "team",
)
# session_update's default: leave the venue as it is.
KEEP_VENUE = object()


# --- What an activity says about itself ------------------------------------------------------


# Descriptions may hold what a news article may (lifelong.common.richtext) except pictures: the
# cover is the activity's picture, and an article image's address means nothing here.
_description_cleaner = nh3.Cleaner(
    tags=richtext.TAGS - {"img", "figure", "figcaption"},
    clean_content_tags=richtext.DROPPED_WITH_CONTENT,
    attributes={tag: names for tag, names in richtext.ATTRIBUTES.items() if tag != "img"},
    url_schemes=richtext.URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def _content_values(fields: dict[str, Any]) -> dict[str, Any]:
    """The description (both languages) as it may be shown (no script, no event handlers, no
    pictures), and the contact phone in its one stored form."""
    values = {}
    for name in ("description", "description_en"):
        if name in fields:
            values[name] = _description_cleaner.clean(fields[name] or "").strip()
    if "contact_phone" in fields:
        values["contact_phone"] = normalize_contact_phone(fields["contact_phone"])
    return values


# --- Creating an activity and changing its content ----------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: User,
    institution: Institution,
    sessions: list[dict[str, Any]],
    cover_upload: UploadedFile | None = None,
    cover_alt: str = "",
    over_venue_capacity: bool = False,
    now: datetime | None = None,
    **fields: Any,
) -> Activity:
    """A draft activity with its sessions, each meeting the session time rules (see
    session_times; `now` is the clock they are read against, set back for demo history).
    Venues must belong to institutions the actor may see; the capacity fits the venues' seats
    unless an admin over the organizer allows more (`over_venue_capacity`, else 422
    `over_venue_capacity`); every value is validated before anything is written. The
    description is sanitised rich text; a `cover` Picture may be given, or an uploaded file
    (`cover_upload`) that becomes one (lifelong.common.pictures) in the same transaction. A
    draft books no rooms: submitting (or publishing) it does."""
    audiences = _checked_for_creation(actor, institution, sessions, fields, now=now or timezone.now())
    values = {name: fields[name] for name in ACTIVITY_FIELDS if name in fields}
    values.update(_content_values(values))
    activity = Activity(
        institution=institution, created_by=actor, **{**values, "audiences": Activity.audiences_value(audiences)}
    )
    if activity.campaign_id:
        activity.campaign_status = campaign_placement(actor, activity.campaign)
    full_clean_or_raise(activity)
    held_at = [activity.venue, *(s.get("venue") or activity.venue for s in sessions)]
    overridden = venue_capacity_check(
        actor=actor, activity=activity, venues=held_at, over_venue_capacity=over_venue_capacity
    )
    # The picture is made once everything else checked out; if a session is then refused, its
    # files go again with the rolled-back rows.
    with cover_from_upload(actor=actor, upload=cover_upload, alt=cover_alt) as cover:
        if cover is not None:
            activity.cover = cover
        activity.save()
        for spec in sessions:
            session = Session(
                activity=activity,
                starts_at=spec["starts_at"],
                ends_at=spec["ends_at"],
                venue=spec.get("venue") or activity.venue,
            )
            full_clean_or_raise(session)
            session.save()
    changes = {"title": activity.title, **({"over_venue_capacity": True} if overridden else {})}
    audit_record(actor=actor, action=AuditAction.CREATED, target=activity, changes=changes)
    return activity


def _checked_for_creation(
    actor: User, institution: Institution, sessions: list[dict[str, Any]], fields: dict[str, Any], *, now: datetime
) -> list[str]:
    """Refuse a new activity the actor may not create or whose values are wrong (see
    activity_create); its audiences."""
    if not may_manage_activities_of(actor, institution):
        raise NotFound(field="institution")
    if not sessions:
        raise InvalidInput(_("An activity needs at least one session."), code="no_sessions", field="sessions")
    for spec in sessions:
        session_times_check(starts_at=spec["starts_at"], ends_at=spec["ends_at"], now=now)
    audiences = fields.get("audiences") or [Audience.ALL]
    if not set(audiences) <= set(Audience.values):
        raise InvalidInput(_("Unknown audience."), code="invalid", field="audiences")
    if fields.get("category") not in Category.values:
        raise InvalidInput(_("Unknown category."), code="invalid", field="category")
    for venue in [fields.get("venue"), *(s.get("venue") for s in sessions)]:
        _check_venue(actor, venue)
    _check_programme_and_team(actor, institution, fields.get("programme"), fields.get("team"))
    return audiences


CONTENT_FIELDS = ("summary", "description", "description_en", "contact_phone")


@transaction.atomic
@short_lock_wait()
def activity_content_update(
    *,
    actor: User,
    activity: Activity,
    cover_upload: UploadedFile | None = None,
    cover_alt: str | None = None,
    cover_clear: bool = False,
    **fields: Any,
) -> Activity:
    """Change what an activity says about itself (summary, description, contact phone, cover)
    in any status: none of it changes a seat, a session or an approval. Only the fields given
    are changed; a new cover upload replaces the cover (the old picture stays stored, as it
    may be another's), `cover_clear` removes it."""
    current = (
        Activity.objects.select_for_update(of=("self",), no_key=True)
        .select_related("institution__region", "cover")
        .get(pk=activity.pk)
    )
    _require_manager(actor, current)
    values = {name: fields[name] for name in CONTENT_FIELDS if name in fields}
    values.update(_content_values(values))
    apply_changes(
        current,
        values,
        actor=actor,
        summary="activity content changed",
        cover=CoverEdit(cover_upload, cover_alt, cover_clear),
        recorded=lambda name, value: str(value or "")[:80],
        unrecorded=("contact_phone",),
    )
    return current


def _check_programme_and_team(
    actor: User, institution: Institution, programme: Programme | None, team: Team | None
) -> None:
    """A programme's activities are run in its town (or by its own institution); a team's by
    an institution whose region covers it, or by its leader (lifelong.community.services)."""
    problem = (programme and programme_refusal(programme=programme, institution=institution)) or (
        team and team_refusal(actor=actor, team=team, institution=institution)
    )
    if problem:
        raise problem


def _check_venue(actor: User, venue: Venue | None) -> None:
    if venue is not None and not policy.restrict(actor, policy.Action.VIEW, Venue.objects.filter(pk=venue.pk)):
        raise NotFound(field="venue")


def venue_capacity_check(
    *, actor: User, activity: Activity, venues: list[Venue | None], over_venue_capacity: bool
) -> bool:
    """Refuse a capacity above the seats of any venue the activity is held at (422
    `over_venue_capacity`), unless `over_venue_capacity` is asked by an admin whose scope covers
    the organizer (then True: the audit records the override)."""
    too_small = sorted(
        (v for v in venues if v is not None and v.capacity < activity.capacity), key=lambda v: v.capacity
    )
    if not too_small:
        return False
    if over_venue_capacity and policy.covers(actor, activity.institution.region):
        return True
    venue = too_small[0]
    raise InvalidInput(
        _("%(venue)s has %(seats)d seats: the activity cannot take more people than that. An admin may allow it.")
        % {"venue": venue.display_name, "seats": venue.capacity},
        code="over_venue_capacity",
        field="capacity",
    )
