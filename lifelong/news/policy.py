"""Who may see, write and review articles (the scope rule registered with
`lifelong.accounts.policy` from this app's `AppConfig.ready()`), and the single-article checks
that say the same: admins over an article's region see, write and review it; editors of a
region covering it write it and reviewers review it, and both see it."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lifelong.accounts import policy
from lifelong.accounts.choices import Role
from lifelong.accounts.models import User
from lifelong.accounts.policy import Action
from lifelong.common.errors import Forbidden
from lifelong.regions.models import Region

from .models import Article, ArticleCorrection


def article_scope(actor: User | None, action: Action) -> Q:
    """Admins over its region see, write and review it; editors write and reviewers review
    what their region covers, and both see it (a reviewer reads what they will judge)."""
    q = policy.subtree_q(actor, "region__path")
    if action in (Action.VIEW, Action.CHANGE):
        q |= policy.role_subtree_q(actor, Role.EDITOR, "region__path")
    if action in (Action.VIEW, Action.REVIEW):
        q |= policy.role_subtree_q(actor, Role.REVIEWER, "region__path")
    return q


def may_write_articles_for(actor: User | None, region: Region) -> bool:
    """Editors of a region covering `region` and admins over it write its articles."""
    return policy.covers(actor, region) or policy.holds_role_over(actor, Role.EDITOR, region)


def may_review_articles_for(actor: User | None, region: Region) -> bool:
    """Reviewers of a region covering `region` and admins over it publish its articles."""
    return policy.covers(actor, region) or policy.holds_role_over(actor, Role.REVIEWER, region)


def works_on_articles(actor: User | None) -> bool:
    """Writes or reviews articles somewhere (opens the console's news pages)."""
    return policy.is_admin(actor) or any(
        g.role in (Role.EDITOR, Role.REVIEWER) and g.region_id for g in policy.grants(actor)
    )


def article_regions(actor: User | None) -> QuerySet[Region]:
    """The regions `may_write_articles_for` allows, as a query (the form's choices)."""
    return Region.objects.filter(policy.subtree_q(actor, "path") | policy.role_subtree_q(actor, Role.EDITOR, "path"))


# --- Four eyes: who may publish a version or approve a correction -----------------------------


def article_publish_refusal(*, actor: User, article: Article) -> Forbidden | None:
    """Why the four-eyes rule keeps the actor from publishing this version, or None when it
    does not: the one who changed the words last may not publish them, and is told who may
    (another reviewer, or the article's writer when the writer also reviews here). Nor may the
    article's writer publish words last changed by someone who does not review the article (a
    co-editor's one-character change would otherwise let a writer who reviews publish their own
    text unread): only a reviewer's change is a second pair of eyes on it. Who may review at
    all is `steps.require_reviewer`'s to say."""
    if article.content_changed_by_id != actor.pk:
        if article.author_id != actor.pk or may_review_articles_for(article.content_changed_by, article.region):
            return None
        detail = _(
            "%(name)s, who does not review this article, changed its text last, so another reviewer must "
            "publish your article."
        ) % {"name": article.content_changed_by.name}
        return Forbidden(detail, code="own_article")
    if article.author_id == actor.pk:
        detail = _("Someone else must review and publish your own article.")
    elif may_review_articles_for(article.author, article.region):
        detail = _(
            "You changed the text last, so another reviewer or its writer, %(name)s, must publish this version."
        ) % {"name": article.author.name}
    else:
        detail = _("You changed the text last, so another reviewer must publish this version.")
    return Forbidden(detail, code="own_article")


def correction_approval_refusal(*, actor: User, correction: ArticleCorrection) -> Forbidden | None:
    """Why the four-eyes rule keeps the actor from approving (or rejecting) this correction, or
    None when it does not: whoever changed it last. Who reviews at all is
    `steps.require_reviewer`'s to say."""
    if correction.changed_by_id != actor.pk:
        return None
    return Forbidden(_("You changed this correction last, so another reviewer must approve it."), code="own_article")
