"""Writes for brand programmes and learning teams.

Programmes are run by town admins (and the county) inside their subtree; an edit may not
move one out of the editor's scope. Teams are created and edited by staff in scope; the
leader, who need not be staff, lets people in or declines them. One active request or
membership per person and team is a database constraint: a second request, even a
parallel one, answers 409 `already_member`.
"""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.pictures import cover_from_upload
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.common.updates import CoverEdit, apply_changes, cover_key
from lifelong.institutions.models import Institution
from lifelong.notifications.services import notify
from lifelong.regions.models import Region

from . import notices
from .choices import ACTIVE_MEMBERSHIP_STATUSES, MembershipStatus
from .models import Programme, Team, TeamMembership

PROGRAMME_FIELDS = (
    "slug",
    "name",
    "name_en",
    "town",
    "institution",
    "story",
    "story_en",
    "started_year",
    "ended_year",
    "level",
)
TEAM_FIELDS = (
    "kind",
    "name",
    "name_en",
    "region",
    "institution",
    "leader",
    "description",
    "description_en",
    "founded_year",
    "is_active",
)


def _audited(name: str, value: Any) -> Any:
    if name == "cover":
        return cover_key(value)
    return value.pk if hasattr(value, "pk") else value


# --- Brand programmes -------------------------------------------------------------------------


def _check_programme_place(actor: User, town: Region, institution: Institution | None) -> None:
    if town is None or not policy.covers(actor, town):
        raise NotFound(field="town")
    if town.level != "town":
        raise InvalidInput(_("A brand programme belongs to a town or subdistrict."), code="not_a_town", field="town")
    if institution is not None and not policy.can(actor, policy.Action.VIEW, institution):
        raise NotFound(field="institution")


@transaction.atomic
def programme_create(
    *, actor: User, town: Region, cover_upload: UploadedFile | None = None, cover_alt: str = "", **fields: Any
) -> Programme:
    """A new brand programme of a town in the actor's admin subtree; its cover may be uploaded
    with it (`cover_upload`, made into a Picture in the same transaction)."""
    _check_programme_place(actor, town, fields.get("institution"))
    programme = Programme(town=town, **{k: v for k, v in fields.items() if k in PROGRAMME_FIELDS})
    full_clean_or_raise(programme)
    with cover_from_upload(actor=actor, upload=cover_upload, alt=cover_alt) as cover:
        programme.cover = cover
        programme.save()
    audit_record(actor=actor, action=AuditAction.CREATED, target=programme, changes={"slug": programme.slug})
    return programme


@transaction.atomic
@short_lock_wait()
def programme_update(
    *,
    actor: User,
    programme: Programme,
    cover_upload: UploadedFile | None = None,
    cover_alt: str | None = None,
    cover_clear: bool = False,
    **fields: Any,
) -> Programme:
    """Change a programme in the actor's scope; its new town must be in that scope too. A new
    cover upload replaces the cover (the old picture stays stored), `cover_clear` removes it."""
    current = (
        Programme.objects.select_for_update(of=("self",))
        .select_related("town", "cover")
        .filter(pk=programme.pk)
        .first()
    )
    if current is None or not policy.covers(actor, current.town):
        raise NotFound()
    apply_changes(
        current,
        {name: value for name, value in fields.items() if name in PROGRAMME_FIELDS},
        actor=actor,
        prepare=lambda changed: _check_programme_place(actor, current.town, current.institution),
        cover=CoverEdit(cover_upload, cover_alt, cover_clear),
        recorded=_audited,
    )
    return current


def programme_refusal(*, programme: Programme, institution: Institution) -> InvalidInput | None:
    """Why an activity of `institution` may not belong to `programme`, or None when it may.

    The rule: a programme belongs to its town, so its activities are run by institutions in
    that town's subtree (its community school, teaching points, culture halls…), or by the
    institution named as running the programme (a county-level body such as the library
    running a town's reading brand)."""
    if programme.institution_id == institution.pk or programme.town.contains(institution.region):
        return None
    return InvalidInput(
        _("This brand programme belongs to another town: its activities are run there or by its own institution."),
        code="programme_elsewhere",
        field="programme",
    )


def team_refusal(*, actor: User, team: Team, institution: Institution) -> InvalidInput | None:
    """Why an activity of `institution` may not be run with `team`, or None when it may: the
    team is active and lies in the institution's region subtree, or the actor leads it."""
    if not team.is_active:
        return InvalidInput(_("This team is no longer active."), code="team_inactive", field="team")
    if team.leader_id == actor.pk or institution.region.contains(team.region):
        return None
    return InvalidInput(
        _("This team is outside the organizer's area and not led by you."), code="team_elsewhere", field="team"
    )


# --- Teams ------------------------------------------------------------------------------------


def _check_team_place(actor: User, region: Region, institution: Institution | None) -> None:
    if region is None or not policy.covers(actor, region):
        raise NotFound(field="region")
    if institution is not None and not policy.can(actor, policy.Action.VIEW, institution):
        raise NotFound(field="institution")


def _ensure_member(team: Team, user: User, *, decided_by: User) -> None:
    """The leader is always a member: an open request of theirs is granted, else they join."""
    now = timezone.now()
    mine = TeamMembership.objects.select_for_update().filter(
        team=team, user=user, status__in=ACTIVE_MEMBERSHIP_STATUSES
    )
    if mine.filter(status=MembershipStatus.MEMBER).exists():
        return
    if not mine.update(status=MembershipStatus.MEMBER, decided_at=now, decided_by=decided_by):
        TeamMembership.objects.create(
            team=team, user=user, status=MembershipStatus.MEMBER, decided_at=now, decided_by=decided_by
        )


@transaction.atomic
@short_lock_wait()
def team_create(*, actor: User, region: Region, leader: User, **fields: Any) -> Team:
    """A new team in the actor's admin subtree, its leader its first member."""
    _check_team_place(actor, region, fields.get("institution"))
    team = Team(region=region, leader=leader, **{k: v for k, v in fields.items() if k in TEAM_FIELDS})
    full_clean_or_raise(team)
    team.save()
    _ensure_member(team, leader, decided_by=actor)
    audit_record(actor=actor, action=AuditAction.CREATED, target=team, changes={"name": team.name, "leader": leader.pk})
    return team


@transaction.atomic
@short_lock_wait()
def team_update(*, actor: User, team: Team, **fields: Any) -> Team:
    """Staff in scope change a team, its leader included (the new leader becomes a member,
    the old one stays a member). The team may not move out of the actor's scope."""
    current = Team.objects.select_for_update().select_related("region").filter(pk=team.pk).first()
    if current is None or not policy.covers(actor, current.region):
        raise NotFound()
    changed = apply_changes(
        current,
        {name: value for name, value in fields.items() if name in TEAM_FIELDS},
        actor=actor,
        prepare=lambda changed: _check_team_place(actor, current.region, current.institution),
        recorded=_audited,
    )
    if "leader" in changed:
        _ensure_member(current, current.leader, decided_by=actor)
    return current


@transaction.atomic
@short_lock_wait()
def team_join_request(*, actor: User, team: Team) -> TeamMembership:
    """The signed-in actor asks to join; the leader is told. A second request while one is
    open or the actor is a member (also two at once) is refused by the database constraint."""
    if not actor.is_authenticated or not actor.is_active:
        raise NotFound()
    current = Team.objects.filter(pk=team.pk, is_active=True).first()
    if current is None:
        raise NotFound()
    membership = TeamMembership(team=current, user=actor, status=MembershipStatus.REQUESTED)
    try:
        # No pre-check: the partial unique index decides, so parallel requests give one row.
        # The Conflict leaves this function's atomic block, which undoes the failed insert.
        membership.save()
    except IntegrityError as error:
        raise Conflict(
            _("You are already a member of this team or have already asked to join."), code="already_member"
        ) from error
    notify(
        notices.TEAM_JOIN_REQUESTED,
        activity_id=None,
        subject_ids=[current.leader_id],
        event=f"team_request:{membership.pk}",
        team_id=current.pk,
        name=actor.name,
    )
    return membership


@transaction.atomic
@short_lock_wait()
def team_membership_decide(*, actor: User, membership: TeamMembership, approve: bool) -> TeamMembership:
    """The leader, or staff whose scope covers the team, let a person in or decline them; the
    person is told. Staff deciding for a team they do not lead are on the audit record."""
    current = (
        TeamMembership.objects.select_for_update(of=("self",))
        .select_related("team__region")
        .filter(pk=membership.pk)
        .first()
    )
    if current is None:
        raise NotFound()
    team = current.team
    is_leader = team.leader_id == actor.pk
    if not is_leader and not policy.covers(actor, team.region):
        raise NotFound()
    if current.status != MembershipStatus.REQUESTED:
        raise Conflict(_("This request has already been answered."), code="not_requested")
    current.status = MembershipStatus.MEMBER if approve else MembershipStatus.DECLINED
    current.decided_at = timezone.now()
    current.decided_by = actor
    current.save(update_fields=["status", "decided_at", "decided_by"])
    if not is_leader:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=current,
            summary=f"team request {current.status} by staff",
            changes={"team": team.pk, "person": current.user_id},
        )
    kind = notices.TEAM_JOIN_APPROVED if approve else notices.TEAM_JOIN_DECLINED
    notify(kind, activity_id=None, subject_ids=[current.user_id], event=f"{kind}:{current.pk}", team_id=team.pk)
    return current


@transaction.atomic
@short_lock_wait()
def team_leave(*, actor: User, team: Team) -> TeamMembership:
    """The actor leaves the team, or withdraws their request. The leader cannot leave while
    leading: staff first hand the team to someone else."""
    current = (
        TeamMembership.objects.select_for_update(of=("self",))
        .select_related("team")
        .filter(team_id=team.pk, user=actor, status__in=ACTIVE_MEMBERSHIP_STATUSES)
        .first()
    )
    if current is None:
        raise Conflict(_("You are not a member of this team."), code="not_member")
    if current.team.leader_id == actor.pk:
        raise Conflict(
            _("The leader cannot leave the team; staff can hand it to a new leader first."), code="leader_cannot_leave"
        )
    current.status = MembershipStatus.LEFT
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decided_at"])
    return current
