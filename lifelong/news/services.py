"""Writes for publishing: writing and revising articles, the review workflow, article
pictures, and counting views (the task worker folds them into the counters, `view_counter.py`).

The workflow is draft → in review → published → archived, with "send back" (in review →
draft, with the reviewer's comment), "withdraw" (the writer takes a submission back) and
"reopen" (an archived article becomes a draft again). Who may do what:
- writers (editors of a region covering the article, and admins over it) create, edit
  drafts, submit, withdraw and reopen;
- reviewers (reviewers of a region covering it, and admins over it) send back, publish (now
  or at a later release time), correct published articles and archive them.
Four eyes on the words, not on authorship: whoever changed an article's words last
(`content_changed_by`) cannot publish that version (403 `own_article`), and its writer
publishes it only when that last change was a reviewer's. A reviewer who rewrites a
submission leaves it in review for another reviewer, or for its writer if the writer also
reviews; sending it back and submitting it again changes no words, so it does not
make the reviewer's words the writer's. A publisher may name the revision they read (409
`text_changed` if the words changed since).
After publication the same holds through corrections: a reviewer's change of a published
article's words waits for another reviewer (`corrections.py`).
Every step keeps a revision when the words change and writes an audit event. An article
outside the actor's scope answers 404, as if it did not exist; a step that is not theirs on an
article they see answers 403 (`not_writer`, `not_reviewer`).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.campaigns.models import Campaign
from lifelong.common import richtext, sniffing
from lifelong.common.choices import AuditAction
from lifelong.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from lifelong.common.locking import short_lock_wait
from lifelong.common.services import audit_record, full_clean_or_raise
from lifelong.notifications.services import notify
from lifelong.regions.models import Region

from . import notices, selectors
from .choices import ArticleStatus, Channel
from .corrections import correction_save
from .models import Article, ArticleCorrection, ArticleImage, ArticleView
from .policy import article_publish_refusal, may_write_articles_for
from .steps import CONTENT_FIELDS, keep_revision, locked, require_reviewer
from .tasks import article_views_fold

TEXT_FIELDS = {"title", "title_en", "summary", "summary_en", "source", "source_en"}
IMAGE_TYPES = {"image/png", "image/jpeg"}
IMAGE_MAX_BYTES = 5 * 1024 * 1024  # a news photo; larger ones are camera originals to resize first
# A release time a little in the past is "now" (the form took a while to send).
RELEASE_GRACE = timedelta(minutes=5)
# Fresh views are folded into the counter in batches: the first fresh view of an article, and
# every FOLD_EVERY-th after it, asks the task worker to fold a few seconds later.
FOLD_EVERY = 100
FOLD_DELAY = timedelta(seconds=10)


def _require_writer(actor: User, region: Region, *, field: str | None = None) -> None:
    if not may_write_articles_for(actor, region):
        raise NotFound(field=field)


def _require_writer_of(actor: User, article: Article) -> None:
    """Writers' steps on an existing article: 403 to someone who sees it but does not write
    there (its reviewer), 404 to anyone who does not see it."""
    if not may_write_articles_for(actor, article.region):
        if policy.can(actor, policy.Action.VIEW, article):
            raise Forbidden(_("Only a writer for this part of the county may do this."), code="not_writer")
        raise NotFound()


def _require_status(article: Article, *allowed: str) -> None:
    if article.status not in allowed:
        raise Conflict(
            _("This cannot be done while the article is “%(status)s”.") % {"status": article.get_status_display()},
            code="wrong_status",
        )


def _clean_content(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown field."), code="invalid", field=sorted(unknown)[0])
    cleaned = {}
    for name, value in fields.items():
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InvalidInput(_("Give text."), code="invalid", field=name)
        if name in ("body", "body_en"):
            value = richtext.clean(value)
        elif name in TEXT_FIELDS:
            value = " ".join(value.split()) if name in ("title", "title_en", "source", "source_en") else value.strip()
        cleaned[name] = value
    if "channel" in cleaned and cleaned["channel"] not in Channel.values:
        raise InvalidInput(_("Unknown channel."), code="invalid", field="channel")
    # A picture alone is a body; an <img> whose address the cleaner dropped is not.
    if "body" in cleaned and not richtext.plain_text(cleaned["body"]) and '<img src="' not in cleaned["body"]:
        raise InvalidInput(_("Write the article's text."), code="body_required", field="body")
    return cleaned


def _check_campaign(campaign: Campaign | None, region: Region) -> None:
    """An article may belong to a campaign hosted over or under its region (the county's week,
    or a town writing about its own part of it)."""
    if campaign is None:
        return
    host = campaign.host_region
    if not (host.contains(region) or region.contains(host)):
        raise InvalidInput(_("This campaign is not held in this part of the county."), code="invalid", field="campaign")


@transaction.atomic
def article_create(
    *,
    actor: User,
    region: Region,
    campaign: Campaign | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Article:
    """A new draft for `region` (one the actor writes for). `title`, `body`, `source` and
    `channel` are needed; the body is cleaned before anything is stored."""
    _require_writer(actor, region, field="region")
    cleaned = _clean_content({"channel": Channel.NEWS, **fields})
    _check_campaign(campaign, region)
    article = Article(
        region=region,
        campaign=campaign,
        author=actor,
        content_changed_by=actor,
        content_changed_at=now or timezone.now(),
        **cleaned,
    )
    article.body_text = richtext.plain_text(article.body)
    full_clean_or_raise(article)
    article.save()
    if now is not None:
        # created_at is automatic; only an article written at another time (the demo's of
        # 2019) pays a second write to say so.
        Article.objects.filter(pk=article.pk).update(created_at=now, updated_at=now)
    keep_revision(article, actor=actor, now=article.content_changed_at)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=article,
        summary="article created",
        changes={"region": region.code, "channel": article.channel},
    )
    return article


@transaction.atomic
@short_lock_wait()
def article_update(
    *,
    actor: User,
    article: Article,
    region: Region | None = None,
    campaign: Campaign | None | object = ...,
    now: datetime | None = None,
    **fields: Any,
) -> Article:
    """Change an article's words, region or campaign. Writers change drafts (and archived
    articles); in review and after publication only reviewers may, as a correction. Moving
    an article to another region needs the actor to write for both. A change of the words
    (not a save of the same ones) makes the actor the one who changed them last, who then
    cannot publish them. The words of a published article do not change here: they wait as
    its correction for another reviewer (`corrections.correction_save`); its region and
    campaign, which are not text, change at once."""
    current = locked(article)
    if current.status in (ArticleStatus.DRAFT, ArticleStatus.ARCHIVED):
        _require_writer_of(actor, current)
    else:
        require_reviewer(actor, current)
    cleaned = _clean_content(fields)
    changes: dict[str, Any] = {}
    if region is not None and region.pk != current.region_id:
        _require_writer(actor, region, field="region")
        current.region = region
        changes["region"] = region.code
    if campaign is not ... and getattr(campaign, "pk", None) != current.campaign_id:
        current.campaign = campaign
        changes["campaign"] = getattr(campaign, "slug", None)
    if "region" in changes or "campaign" in changes:
        _check_campaign(current.campaign, current.region)
    if current.status == ArticleStatus.PUBLISHED and cleaned:
        # The public reads the published words until another reviewer approves the change.
        correction_save(actor=actor, article=current, words=cleaned, now=now)
        cleaned = {}
    words_changed = False
    for name, value in cleaned.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changes[name] = value[:80]
            words_changed = True
    if not changes:
        return current
    columns = {*changes, "body_text", "updated_at"}
    if words_changed:
        current.content_changed_by = actor
        current.content_changed_at = now or timezone.now()
        columns |= {"content_changed_by", "content_changed_at"}
    current.body_text = richtext.plain_text(current.body)
    full_clean_or_raise(current)
    # Never the counter: it moves by relative UPDATEs beside this.
    current.save(update_fields=sorted(columns))
    if words_changed:
        keep_revision(current, actor=actor, now=current.content_changed_at)
    audit_record(actor=actor, action=AuditAction.UPDATED, target=current, summary="article edited", changes=changes)
    return current


def _transition(current: Article, *, actor: User, status: str, summary: str, **values: Any) -> Article:
    current.status = status
    for name, value in values.items():
        setattr(current, name, value)
    current.save(update_fields=sorted({"status", "updated_at", *values}))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary=summary,
        changes={"status": status, **{k: str(v)[:80] for k, v in values.items() if k != "reviewed_by"}},
    )
    return current


@transaction.atomic
@short_lock_wait()
def article_submit(*, actor: User, article: Article, now: datetime | None = None) -> Article:
    """A writer sends a draft for review."""
    current = locked(article)
    _require_writer_of(actor, current)
    _require_status(current, ArticleStatus.DRAFT)
    return _transition(
        current,
        actor=actor,
        status=ArticleStatus.IN_REVIEW,
        summary="article submitted",
        submitted_at=now or timezone.now(),
    )


@transaction.atomic
@short_lock_wait()
def article_withdraw(*, actor: User, article: Article) -> Article:
    """A writer takes a submission back to keep working on it."""
    current = locked(article)
    _require_writer_of(actor, current)
    _require_status(current, ArticleStatus.IN_REVIEW)
    return _transition(current, actor=actor, status=ArticleStatus.DRAFT, summary="article withdrawn")


@transaction.atomic
@short_lock_wait()
def article_return(*, actor: User, article: Article, comment: str) -> Article:
    """A reviewer sends a submission back to its writers with what to change; the author is
    told."""
    current = locked(article)
    require_reviewer(actor, current)
    _require_status(current, ArticleStatus.IN_REVIEW)
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(_("Say what should change."), code="comment_required", field="comment")
    returned = _transition(
        current,
        actor=actor,
        status=ArticleStatus.DRAFT,
        summary="article sent back",
        review_comment=comment[:2000],
        reviewed_by=actor,
    )
    notify(
        notices.ARTICLE_RETURNED,
        activity_id=None,
        subject_ids=[current.author_id],
        event=f"article_returned:{current.pk}:{timezone.now().isoformat()}",
        article_id=current.pk,
        comment=comment[:300],
    )
    return returned


@transaction.atomic
@short_lock_wait()
def article_publish(
    *,
    actor: User,
    article: Article,
    release_at: datetime | None = None,
    revision: int | None = None,
    now: datetime | None = None,
) -> Article:
    """A reviewer publishes a submission, released now or at `release_at` (until then it stays
    out of every public list). Not a version whose words they changed last: that answers 403
    `own_article` (see `article_publish_refusal`). `revision` is the number of the revision
    the publisher read: if the words have changed since, nothing is published (409
    `text_changed`). The article's row is locked, so no edit slips in between."""
    current = locked(article)
    require_reviewer(actor, current)
    _require_status(current, ArticleStatus.IN_REVIEW)
    refusal = article_publish_refusal(actor=actor, article=current)
    if refusal is not None:
        raise refusal
    if revision is not None and revision != selectors.article_revision_number(current):
        raise Conflict(
            _("The text has changed since you opened it: read this version before you publish it."),
            code="text_changed",
        )
    now = now or timezone.now()
    if release_at is not None and timezone.is_naive(release_at):
        raise InvalidInput(_("Give the release time with its time zone."), code="invalid", field="release_at")
    if release_at is not None and release_at < now - RELEASE_GRACE:
        raise InvalidInput(_("The release time has already passed."), code="release_in_past", field="release_at")
    released = max(release_at, now) if release_at is not None else now
    published = _transition(
        current,
        actor=actor,
        status=ArticleStatus.PUBLISHED,
        summary="article published",
        published_at=released,
        reviewed_by=actor,
        review_comment="",
    )
    notify(
        notices.ARTICLE_PUBLISHED,
        activity_id=None,
        subject_ids=[current.author_id],
        event=f"article_published:{current.pk}:{released.isoformat()}",
        article_id=current.pk,
    )
    return published


@transaction.atomic
@short_lock_wait()
def article_archive(*, actor: User, article: Article) -> Article:
    """A reviewer takes a published article off the public site (it keeps its views). A
    correction waiting for review is discarded with it: it corrected a text no longer public,
    and a writer reworks an archived article as a draft, reviewed again before it returns."""
    current = locked(article)
    require_reviewer(actor, current)
    _require_status(current, ArticleStatus.PUBLISHED)
    discarded = ArticleCorrection.objects.filter(article=current).delete()[0] > 0
    current.status = ArticleStatus.ARCHIVED
    current.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        summary="article archived",
        changes={"status": ArticleStatus.ARCHIVED, **({"correction": "discarded"} if discarded else {})},
    )
    return current


@transaction.atomic
@short_lock_wait()
def article_reopen(*, actor: User, article: Article) -> Article:
    """A writer turns an archived article back into a draft, to rework and submit again."""
    current = locked(article)
    _require_writer_of(actor, current)
    _require_status(current, ArticleStatus.ARCHIVED)
    return _transition(current, actor=actor, status=ArticleStatus.DRAFT, summary="article reopened")


@dataclass(frozen=True)
class ArticleImageUpload:
    image: ArticleImage

    @property
    def url(self) -> str:
        return f"{richtext.IMAGE_PATH}{self.image.key}/"


@transaction.atomic
def article_image_upload(*, actor: User, region: Region, upload: UploadedFile | None) -> ArticleImageUpload:
    """Store a picture for article bodies of `region`: a PNG or JPEG by its bytes (whatever its
    name says), at most IMAGE_MAX_BYTES."""
    _require_writer(actor, region, field="region")
    if upload is None:
        raise InvalidInput(_("Choose a picture."), code="file_required", field="file")
    if upload.size > IMAGE_MAX_BYTES:
        raise InvalidInput(
            _("The picture is larger than %(mb)s MB.") % {"mb": IMAGE_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    upload.seek(0)
    found = sniffing.sniff(upload.read(sniffing.HEAD_BYTES))
    upload.seek(0)
    if found is None or found.mime not in IMAGE_TYPES:
        raise InvalidInput(_("Upload a PNG or JPEG picture."), code="wrong_file_type", field="file")
    image = ArticleImage(region=region, content_type=found.mime, file_size=upload.size, uploaded_by=actor)
    image.file.save(f"{image.key.hex}.{found.extension}", upload, save=False)
    try:
        with transaction.atomic():
            image.save()
    except Exception:
        image.file.storage.delete(image.file.name)
        raise
    audit_record(actor=actor, action=AuditAction.CREATED, target=image, summary="article image uploaded")
    return ArticleImageUpload(image)


def article_view_count(*, article: Article, visitor: str, day: date) -> bool:
    """Count a view unless this visitor already read the article that day. It only inserts a
    row (unique per visitor and day, so a reader's concurrent requests count once); the
    article row is not locked or written, so readers never queue behind each other. The task
    worker folds fresh views into the counter. True when this view counted."""
    if ArticleView.objects.filter(article=article, visitor=visitor, day=day).exists():
        return False
    try:
        with transaction.atomic():
            ArticleView.objects.create(article=article, visitor=visitor, day=day)
    except IntegrityError:  # the same visitor's other request counted it a moment ago
        return False
    fresh = ArticleView.objects.filter(article=article, folded=False).count()
    if fresh % FOLD_EVERY == 1:
        run_after = timezone.now() + FOLD_DELAY
        transaction.on_commit(lambda: article_views_fold.using(run_after=run_after).enqueue())
    return True
