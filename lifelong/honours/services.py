"""Writes for honours: calls for nominations, nominations, reviews, awarding, and honours
recorded directly. Every service checks who may act (404 outside scope, as if unseen),
writes in one transaction and leaves an audit event; notices go out after the commit.

A call's row is locked (`SELECT … FOR UPDATE`) by every change that depends on its status,
so a nomination cannot slip in while the call is being closed or awarded, and two admins
cannot award it twice.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifelong.accounts.models import User
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.community.choices import Level
from lifelong.notifications.services import notify
from lifelong.regions.models import Region

from . import notices, rules, selectors
from .choices import CallStatus, NominationStatus, RecipientKind
from .models import Honor, HonorCall, Nomination, Review

# A call's honours are at its region's level: the county awards county honours, a town town ones.
CALL_LEVELS = {"county": Level.COUNTY, "town": Level.TOWN}


def _locked_call(call: HonorCall) -> HonorCall:
    return HonorCall.objects.select_for_update(of=("self",)).select_related("region").get(pk=call.pk)


def _set_status(row: HonorCall | Nomination, status: str, *, dated: str, at: datetime) -> None:
    """`row` takes `status`, dated `at` in its field `dated`; only those two columns are written."""
    row.status = status
    setattr(row, dated, at)
    row.save(update_fields=["status", dated])


def _require_kind(kind: str) -> None:
    if kind not in RecipientKind.values:
        raise InvalidInput(_("Unknown kind of recipient."), code="invalid", field="kind")


@transaction.atomic
def honour_call_open(
    *,
    actor: User,
    region: Region,
    title: str,
    year: int,
    awarding_body: str,
    opens_on: date,
    closes_on: date,
    accepts: list[str],
    title_en: str = "",
    description: str = "",
    description_en: str = "",
    awarding_body_en: str = "",
) -> HonorCall:
    """Open a call in a county or town the actor administers (county calls: the county's
    admins). Its honours are at the region's level."""
    if not rules.may_run_call(actor, region):
        raise NotFound(field="region")
    if region.level not in CALL_LEVELS:
        raise InvalidInput(_("Calls are opened for the county or for a town."), code="wrong_level", field="region")
    if not accepts or not set(accepts) <= set(RecipientKind.values):
        raise InvalidInput(_("Choose the kinds of recipient the call accepts."), code="invalid", field="accepts")
    call = HonorCall(
        region=region,
        level=CALL_LEVELS[region.level],
        title=title.strip(),
        title_en=title_en.strip(),
        year=year,
        description=description.strip(),
        description_en=description_en.strip(),
        awarding_body=awarding_body.strip(),
        awarding_body_en=awarding_body_en.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        accepts=HonorCall.accepts_value(accepts),
        opened_by=actor,
    )
    full_clean_or_raise(call)
    call.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=call,
        summary="honour call opened",
        changes={"title": call.title, "region": region.code, "year": year, "accepts": call.accepted_kinds},
    )
    return call


@transaction.atomic
@short_lock_wait()
def honour_call_close(*, actor: User, call: HonorCall) -> HonorCall:
    """Close the call for nominations (early, or once its last day has passed): review starts."""
    if not rules.may_run_call(actor, call.region):
        raise NotFound()
    current = _locked_call(call)
    if current.status != CallStatus.OPEN:
        raise Conflict(_("The call is already closed for nominations."), code="call_closed")
    _set_status(current, CallStatus.CLOSED, dated="closed_at", at=timezone.now())
    audit_record(actor=actor, action=AuditAction.UPDATED, target=current, summary="honour call closed")
    return current


@transaction.atomic
@short_lock_wait()
def nomination_create(
    *, actor: User, call: HonorCall, kind: str, recipient, statement: str, today: date | None = None
) -> Nomination:
    """Nominate a recipient in an open call. The recipient must lie inside the call's region
    and inside the actor's own admin subtree (404 otherwise). A learner's nomination stores
    their passport record as it stands (computed here, never taken from the caller)."""
    today = today or timezone.localdate()
    if not rules.takes_part_in(actor, call.region):
        raise NotFound()
    _require_kind(kind)
    current = _locked_call(call)
    if not current.takes_nominations(today):
        raise Conflict(_("The call is not open for nominations."), code="call_closed")
    if kind not in current.accepted_kinds:
        raise InvalidInput(
            _("This call does not accept nominations of this kind."), code="kind_not_accepted", field="kind"
        )
    nomination = Nomination(call=current, nominated_by=actor, statement=(statement or "").strip())
    nomination.set_recipient(kind, recipient)
    if not rules.may_nominate(actor, call_region=current.region, place=nomination.recipient_place):
        raise NotFound(field="recipient")
    active = Nomination.objects.filter(call=current, **{kind: recipient}).exclude(status=NominationStatus.WITHDRAWN)
    if active.exists():
        raise Conflict(_("This recipient has already been nominated in this call."), code="already_nominated")
    if kind == RecipientKind.LEARNER:
        nomination.record = selectors.learner_record(learner=recipient, today=today).as_json()
    full_clean_or_raise(nomination)
    nomination.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=nomination,
        summary="nominated",
        changes={"call": current.pk, "kind": kind, "recipient": recipient.pk},
    )
    return nomination


@transaction.atomic
@short_lock_wait()
def nomination_withdraw(*, actor: User, nomination: Nomination, today: date | None = None) -> Nomination:
    """The nominator (or an admin running the call) withdraws a nomination while the call
    still takes nominations; the recipient may then be nominated again."""
    today = today or timezone.localdate()
    call = nomination.call
    if nomination.nominated_by_id != actor.pk and not rules.may_run_call(actor, call.region):
        raise NotFound()
    current = _locked_call(call)
    if not current.takes_nominations(today):
        raise Conflict(_("The call is not open for nominations."), code="call_closed")
    found = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if found.status != NominationStatus.SUBMITTED:
        raise Conflict(_("Only a submitted nomination can be withdrawn."), code="not_submitted")
    _set_status(found, NominationStatus.WITHDRAWN, dated="decided_at", at=timezone.now())
    audit_record(actor=actor, action=AuditAction.UPDATED, target=found, summary="nomination withdrawn")
    return found


@transaction.atomic
@short_lock_wait()
def review_submit(
    *, actor: User, nomination: Nomination, score: int, comment: str = "", today: date | None = None
) -> Review:
    """Score a nomination while its call is closed for nominations and not yet awarded.
    Reviewers covering the call's region and the call's admins review; nobody reviews their
    own nomination, and each reviewer reviews a nomination once."""
    today = today or timezone.localdate()
    call = nomination.call
    if not rules.may_review(actor, call.region):
        raise NotFound()
    current = _locked_call(call)
    if not current.in_review(today):
        if current.status == CallStatus.AWARDED:
            raise Conflict(_("The call has already been awarded."), code="already_awarded")
        raise Conflict(_("Reviews start when the call closes for nominations."), code="call_open")
    if nomination.status != NominationStatus.SUBMITTED:
        raise Conflict(_("Only a submitted nomination can be reviewed."), code="not_submitted")
    if nomination.nominated_by_id == actor.pk:
        raise Forbidden(_("You cannot review your own nomination."), code="own_nomination")
    if Review.objects.filter(nomination=nomination, reviewer=actor).exists():
        raise Conflict(_("You have already reviewed this nomination."), code="already_reviewed")
    review = Review(nomination=nomination, reviewer=actor, score=score, comment=(comment or "").strip())
    full_clean_or_raise(review)
    review.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=review,
        summary="nomination reviewed",
        changes={"nomination": nomination.pk, "score": score},
    )
    return review


@transaction.atomic
@short_lock_wait()
def honour_call_award(
    *, actor: User, call: HonorCall, nomination_ids: list[int], today: date | None = None
) -> list[Honor]:
    """Award the call: each chosen nomination becomes an honour, every other submitted one is
    not awarded, and the call is done. All in one transaction: a bad id changes nothing.
    Honoured learners and every nominator are told after the commit."""
    today = today or timezone.localdate()
    if not rules.may_run_call(actor, call.region):
        raise NotFound()
    current = _locked_call(call)
    if current.status == CallStatus.AWARDED:
        raise Conflict(_("The call has already been awarded."), code="already_awarded")
    if not current.in_review(today):
        raise Conflict(_("Close the call for nominations before awarding it."), code="call_open")
    chosen_ids = set(nomination_ids)
    if not chosen_ids:
        raise InvalidInput(_("Choose at least one nomination to award."), code="no_nominations", field="nominations")
    submitted = _submitted_nominations(current, chosen_ids)
    now = timezone.now()
    honours = []
    for nomination in submitted:
        won = nomination.pk in chosen_ids
        _set_status(
            nomination, NominationStatus.AWARDED if won else NominationStatus.NOT_AWARDED, dated="decided_at", at=now
        )
        if won:
            honours.append(_honour_award(actor=actor, call=current, nomination=nomination, now=now))
        notify(
            notices.NOMINATION_AWARDED if won else notices.NOMINATION_NOT_AWARDED,
            activity_id=None,
            subject_ids=[nomination.nominated_by_id],
            event=f"nomination-decided:{nomination.pk}",
            nomination_id=nomination.pk,
        )
    _set_status(current, CallStatus.AWARDED, dated="awarded_at", at=now)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="honour call awarded",
        changes={"awarded": sorted(chosen_ids), "not_awarded": sorted({n.pk for n in submitted} - chosen_ids)},
    )
    return honours


def _submitted_nominations(call: HonorCall, chosen_ids: set[int]) -> list[Nomination]:
    """The call's submitted nominations, locked; 422 `unknown_nomination` when a chosen id is
    not one of them."""
    submitted = list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(call=call, status=NominationStatus.SUBMITTED)
        .select_related(*selectors.RECIPIENT_JOINS)
        .order_by("id")
    )
    unknown = chosen_ids - {n.pk for n in submitted}
    if unknown:
        raise InvalidInput(
            _("These are not submitted nominations of this call: %(ids)s")
            % {"ids": ", ".join(str(pk) for pk in sorted(unknown))},
            code="unknown_nomination",
            field="nominations",
        )
    return submitted


def _honour_award(*, actor: User, call: HonorCall, nomination: Nomination, now: datetime) -> Honor:
    """The honour a chosen nomination becomes, audited; a learner honoured is told."""
    honour = Honor(
        title=call.title,
        title_en=call.title_en,
        level=call.level,
        year=call.year,
        awarding_body=call.awarding_body,
        awarding_body_en=call.awarding_body_en,
        nomination=nomination,
        awarded_at=now,
        recorded_by=actor,
    )
    honour.set_recipient(nomination.recipient_kind, nomination.recipient)
    full_clean_or_raise(honour)
    honour.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=honour,
        summary="honour awarded",
        changes={"call": call.pk, "nomination": nomination.pk},
    )
    if nomination.recipient_kind == RecipientKind.LEARNER:
        notify(
            notices.HONOUR_AWARDED,
            activity_id=None,
            subject_ids=[nomination.learner_id],
            event=f"honour:{honour.pk}",
            nomination_id=nomination.pk,
        )
    return honour


@transaction.atomic
def honour_record(
    *,
    actor: User,
    kind: str,
    recipient,
    title: str,
    level: str,
    year: int,
    awarding_body: str,
    title_en: str = "",
    awarding_body_en: str = "",
    citation: str = "",
    citation_en: str = "",
) -> Honor:
    """Record an honour received outside the platform (a provincial title, say) for a
    recipient in the actor's admin subtree."""
    _require_kind(kind)
    honour = Honor(
        title=title.strip(),
        title_en=title_en.strip(),
        level=level,
        year=year,
        awarding_body=awarding_body.strip(),
        awarding_body_en=awarding_body_en.strip(),
        citation=citation.strip(),
        citation_en=citation_en.strip(),
        recorded_by=actor,
    )
    honour.set_recipient(kind, recipient)
    place = honour.recipient_place
    if place is None or not rules.may_run_call(actor, place):
        raise NotFound(field="recipient")
    full_clean_or_raise(honour)
    honour.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=honour,
        summary="honour recorded",
        changes={"title": honour.title, "year": year, "kind": kind, "recipient": recipient.pk},
    )
    return honour
