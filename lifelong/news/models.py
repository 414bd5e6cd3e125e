"""Government-style publishing: articles (news, notices, policy, Learning Week) that editors
write and reviewers publish, their kept revisions, the images in their bodies, and the
once-per-visitor-per-day views behind each article's view counter."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lifelong.common.i18n import BilingualTitle, in_reader_language

from .choices import ArticleStatus, Channel


class Article(BilingualTitle, models.Model):
    """A news report or notice for one part of the network (`region`: the county for
    county-wide news, a town for its own). Editors whose region covers it write it; a reviewer
    (or admin) whose region covers it publishes it. Only a published article whose
    `published_at` has come is public: a later `published_at` is a scheduled release.

    `body` is HTML that has been through `lifelong.common.richtext.clean` (the services never store anything
    else); `body_text` is its plain text, for search and feeds.

    Four eyes on the words: whoever changed the words last (`content_changed_by`, the saver
    of the latest revision) cannot publish them, so a reviewer who rewrites a submission
    leaves its publishing to another reviewer or to its writer, if the writer also reviews.

    `view_count` is the folded part of the counter. Fresh views are `ArticleView` rows not yet
    folded; what a page shows is `view_count` plus those (see `selectors.with_views`), so a
    reader only ever inserts a row and never waits for a lock on the article.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("for"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("campaign"),
    )
    title = models.CharField(_("title"), max_length=160)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    summary_en = models.TextField(_("summary in English"), max_length=700, blank=True)
    body = models.TextField(_("text"))
    body_en = models.TextField(_("text in English"), blank=True)
    body_text = models.TextField(editable=False, blank=True)
    source = models.CharField(_("source"), max_length=120)
    source_en = models.CharField(_("source in English"), max_length=160, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    published_at = models.DateTimeField(_("release date"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who last changed the words (the fields a revision keeps) and when: the one person who may
    # not publish this version, whoever first wrote it (policy.article_publish_refusal).
    content_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("text last changed by")
    )
    content_changed_at = models.DateTimeField(_("text last changed"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "channel", "published_at"], name="article_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="article_status_known",
                violation_error_message=_("Unknown article status."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message=_("A published article has a release date."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_summary(self) -> str:
        return in_reader_language(self.summary, self.summary_en)

    @property
    def display_body(self) -> str:
        """Sanitised HTML (see the class docstring), safe to mark safe in templates."""
        return in_reader_language(self.body, self.body_en)

    @property
    def display_source(self) -> str:
        return in_reader_language(self.source, self.source_en)


class ArticleWords(models.Model):
    """An article's words (the fields a change of which is a change of the text), as kept
    apart from the article: in a revision, or in a correction waiting for review."""

    title = models.CharField(max_length=160)
    title_en = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    body = models.TextField()
    body_en = models.TextField(blank=True)
    source = models.CharField(max_length=120)
    source_en = models.CharField(max_length=160, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)

    class Meta:
        abstract = True


class ArticleRevision(ArticleWords):
    """The article's words as they stood after one save: kept for every change, so a reviewer
    sees what was submitted and anyone in scope can see who changed what."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleCorrection(ArticleWords):
    """A change of a published article's words, waiting for a second pair of eyes (security
    issue 15, finding 2). Until another reviewer approves it, the public reads the published
    words; approving copies these words onto the article as a new revision, rejecting or
    withdrawing deletes this row (the audit trail keeps who did which and why).

    One per article (the article is its key): whoever changes the words of a published article
    while a correction waits changes this one, and becomes `changed_by`, the one reviewer who
    may not approve it. `version` counts the changes of these words, so an approver names the
    version they read and an edit made meanwhile is not approved unread. The whole words are
    kept, not a difference: applying them is a copy, and the console compares them with the
    published ones to show what would change.

    Only the words wait; an article's region and campaign are not text and still change at
    once (`services.article_update`)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="correction")
    version = models.PositiveIntegerField(default=1)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("article correction")
        verbose_name_plural = _("article corrections")

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version}"


class ArticleImage(models.Model):
    """A picture uploaded for article bodies. Its address carries a random key (drafts'
    pictures cannot be found by counting) and it is served through a view with the type
    detected from its bytes; article bodies may only show pictures of this kind."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="news/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=60)
    file_size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("article image")
        verbose_name_plural = _("article images")

    def __str__(self) -> str:
        return str(self.key)


class ArticleView(models.Model):
    """One visitor read one article on one day (county time). `visitor` is "u<user id>" or a
    hash of the first-party visitor cookie, never an address (a village hall shares one).
    Unique per day, so a reader's second visit adds nothing; `folded` once the task worker
    has added it to `Article.view_count`. Folded rows of past days are deleted by the fold."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    visitor = models.CharField(max_length=64)
    day = models.DateField()
    folded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("article view")
        verbose_name_plural = _("article views")
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor", "day"], name="article_view_once_a_day"),
        ]
        indexes = [models.Index(fields=["article"], condition=Q(folded=False), name="article_view_pending_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} · {self.day}"
