"""Writes for corrections of published articles: four eyes on the words after publication too
(security issue 15, finding 2).

A reviewer who changes a published article's words (any field a revision keeps) does not
change what the public reads: `services.article_update` hands the words to `correction_save`,
which keeps them as the article's one pending `ArticleCorrection`. Then
- another reviewer of the article approves it (`correction_approve`): the words become the
  article's, as a new revision saved by the corrector, who is also who changed the text last;
  the release date stays (a correction is no new release; the feeds' "updated" moves);
- another reviewer rejects it with a reason (`correction_reject`), which the correctors are
  told;
- whoever changed it last withdraws it (`correction_withdraw`).
Whoever changed the correction last may not approve it (403 `own_article`, as for publishing
a submission) nor reject it (they withdraw it). Further edits, by anyone who may correct the
article, change the one correction and make their writer its last changer; an edit that
brings the words back to the published ones drops it. Archiving the article discards it
(`services.article_archive`): it was a correction of a text no longer public.

Every step locks the article's row first, so edits, approvals and rejections of one article
happen one after the other; the approver may name the version they read (409
`text_changed` if it changed since). Outside the actor's scope every step answers 404, to a
writer who does not review 403 `not_reviewer`; without a pending correction 409
`no_correction`."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifelong.accounts.models import User
from lifelong.common import richtext
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, Forbidden, InvalidInput
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.notifications.services import notify

from . import notices, selectors
from .models import Article, ArticleCorrection
from .policy import correction_approval_refusal
from .steps import CONTENT_FIELDS, keep_revision, locked, require_reviewer

REASON_MAX = 2000


def _words(source: Article | ArticleCorrection) -> dict[str, str]:
    return {name: getattr(source, name) for name in CONTENT_FIELDS}


def _changed(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    """The fields whose words differ, each cut for the audit trail as an article edit's are."""
    return {name: after[name][:80] for name in CONTENT_FIELDS if before[name] != after[name]}


def _check_as_the_articles(words: dict[str, str]) -> None:
    """The words must be good for the article they will become (its lengths and channels), so
    an approval never fails on what was accepted here."""
    for name, value in words.items():
        try:
            Article._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            raise InvalidInput(error.messages[0], code="invalid", field=name) from error


def _drop(article: Article, pending: ArticleCorrection) -> None:
    pending.delete()
    Article.correction.related.delete_cached_value(article)  # it has none any more


def correction_save(*, actor: User, article: Article, words: dict[str, Any], now: datetime | None = None) -> None:
    """Keep `words` (cleaned fields, `services._clean_content`) as the correction of `article`,
    a published article whose row the caller has locked and whose reviewer `actor` is. They
    change the pending correction if there is one (else the published words); the same words
    again change nothing, and words equal to the published ones drop the correction."""
    pending = selectors.pending_correction(article)
    published = _words(article)
    before = _words(pending) if pending is not None else published
    after = {**before, **words}
    if after == before:
        return
    _check_as_the_articles(after)
    now = now or timezone.now()
    if after == published:
        _drop(article, pending)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=article,
            summary="article correction undone",
            changes={"correction": "same as published"},
        )
        return
    if pending is None:
        pending = ArticleCorrection(article=article, proposed_by=actor, proposed_at=now, version=0)
    for name, value in after.items():
        setattr(pending, name, value)
    pending.version += 1
    pending.changed_by = actor
    pending.changed_at = now
    pending.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=article,
        summary="article correction proposed" if pending.version == 1 else "article correction changed",
        changes={**_changed(before, after), "version": pending.version},
    )


def _pending_of(actor: User, article: Article) -> tuple[Article, ArticleCorrection]:
    """The article (its row locked) and its pending correction, for a reviewer in scope."""
    current = locked(article)
    require_reviewer(actor, current)
    pending = selectors.pending_correction(current)
    if pending is None:
        raise Conflict(_("This article has no correction waiting for review."), code="no_correction")
    return current, pending


def _tell_correctors(kind: str, *, actor: User, current: Article, pending: ArticleCorrection, **params: Any) -> None:
    correctors = sorted({pending.proposed_by_id, pending.changed_by_id} - {actor.pk})
    notify(
        kind,
        activity_id=None,
        subject_ids=correctors,
        event=f"{kind}:{current.pk}:{pending.changed_at.isoformat()}",
        article_id=current.pk,
        **params,
    )


@transaction.atomic
@short_lock_wait()
def correction_approve(
    *, actor: User, article: Article, version: int | None = None, now: datetime | None = None
) -> Article:
    """Another reviewer approves the pending correction: its words become the article's (a
    new revision saved by whoever changed the correction last, who is then who changed the
    text last), the release date stays, the correction is gone and its correctors are told.
    `version` is the one the approver read (409 `text_changed` if it changed since)."""
    current, pending = _pending_of(actor, article)
    refusal = correction_approval_refusal(actor=actor, correction=pending)
    if refusal is not None:
        raise refusal
    if version is not None and version != pending.version:
        raise Conflict(
            _("The correction has changed since you opened it: read this version before you approve it."),
            code="text_changed",
        )
    before, after = _words(current), _words(pending)
    for name, value in after.items():
        setattr(current, name, value)
    current.body_text = richtext.plain_text(current.body)
    current.content_changed_by = pending.changed_by
    current.content_changed_at = pending.changed_at
    full_clean_or_raise(current)
    # Never the counter (it moves by relative UPDATEs beside this) nor the release date.
    current.save(update_fields=[*CONTENT_FIELDS, "body_text", "content_changed_by", "content_changed_at", "updated_at"])
    keep_revision(current, actor=pending.changed_by, now=pending.changed_at)
    _tell_correctors(notices.CORRECTION_APPROVED, actor=actor, current=current, pending=pending)
    _drop(current, pending)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="article correction approved",
        changes={**_changed(before, after), "corrected_by": pending.changed_by_id, "version": pending.version},
    )
    return current


@transaction.atomic
@short_lock_wait()
def correction_reject(*, actor: User, article: Article, reason: str) -> Article:
    """Another reviewer turns the pending correction down with a reason: the published words
    stay, the correction is gone, and its correctors are told why. Whoever changed it last
    withdraws it instead (403 `own_article`)."""
    current, pending = _pending_of(actor, article)
    refusal = correction_approval_refusal(actor=actor, correction=pending)
    if refusal is not None:
        raise Forbidden(_("You changed this correction last: withdraw it instead."), code=refusal.code)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the correction is not approved."), code="reason_required", field="reason")
    reason = reason[:REASON_MAX]
    _tell_correctors(notices.CORRECTION_REJECTED, actor=actor, current=current, pending=pending, comment=reason[:300])
    _drop(current, pending)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="article correction rejected",
        changes={"reason": reason, "corrected_by": pending.changed_by_id, "version": pending.version},
    )
    return current


@transaction.atomic
@short_lock_wait()
def correction_withdraw(*, actor: User, article: Article) -> Article:
    """Whoever changed the pending correction last takes it back; the published words stay.
    Anyone else rejects it with a reason instead (403 `not_corrector`)."""
    current, pending = _pending_of(actor, article)
    if pending.changed_by_id != actor.pk:
        raise Forbidden(
            _("Only whoever changed the correction last may withdraw it; you may reject it with a reason."),
            code="not_corrector",
        )
    _drop(current, pending)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="article correction withdrawn",
        changes={"version": pending.version},
    )
    return current
