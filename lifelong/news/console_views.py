"""`/console/news/`: editors write articles, reviewers send them back or publish them (now or
at a release time), and both see every revision. Every article is looked up through a scoped
selector (404 outside scope); every change goes through `services`, which decide who may do
what in which status — the page only hides the buttons that would be refused.

The editor pages use Trix, which installs its default styles as a `<style>` element: those
views add a nonce to `style-src` (the site's policy allows no inline style otherwise) and
the page hands Trix the nonce in `<meta name="csp-nonce">`; they also let `img-src` show
`blob:` addresses, Trix's preview of a picture while it uploads."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts.decorators import staff_required
from lifelong.accounts.models import User
from lifelong.campaigns.models import Campaign
from lifelong.common.errors import DomainError, NotFound
from lifelong.common.forms import add_domain_error
from lifelong.common.paging import page_of
from lifelong.regions.models import Region
from lifelong.regions.selectors import region_get_by_code

from . import corrections, selectors, services
from .choices import ArticleStatus
from .forms import ArticleForm, CorrectionApproveForm, CorrectionRejectForm, PublishForm, ReturnForm
from .models import Article
from .policy import (
    article_publish_refusal,
    correction_approval_refusal,
    may_review_articles_for,
    may_write_articles_for,
    works_on_articles,
)

CONTENT = ("channel", "title", "title_en", "summary", "summary_en", "source", "source_en", "body", "body_en")
# Trix's own <style> (nonce), and its preview of a picture being uploaded (a blob: address).
EDITOR_CSP = {"style-src": [NONCE], "img-src": ["blob:"]}
ACTIONS = ("submit", "withdraw", "return", "publish", "archive", "reopen")
# The steps of a published article's pending correction (corrections.py).
CORRECTION_ACTIONS = ("correction-approve", "correction-reject", "correction-withdraw")


def trix_lang() -> dict[str, str]:
    """Trix's toolbar words in the page's language (Trix.config.lang keys)."""
    return {
        "attachFiles": _("Attach pictures"),
        "bold": _("Bold"),
        "bullets": _("Bullets"),
        "captionPlaceholder": _("Add a caption…"),
        "code": _("Code"),
        "heading1": _("Heading"),
        "indent": _("Increase level"),
        "italic": _("Italic"),
        "link": _("Link"),
        "numbers": _("Numbers"),
        "outdent": _("Decrease level"),
        "quote": _("Quote"),
        "redo": _("Redo"),
        "remove": _("Remove"),
        "strike": _("Strikethrough"),
        "undo": _("Undo"),
        "unlink": _("Unlink"),
        "url": _("Address"),
        "urlPlaceholder": _("Enter an address…"),
    }


def _article_or_404(request: HttpRequest, pk: int) -> Article:
    article = selectors.article_managed(actor=request.user, article_id=pk)
    if article is None:
        raise Http404
    return article


def _may_edit(actor: User, article: Article) -> bool:
    """Writers change drafts and archived articles; reviewers correct the others (as the
    service rules: this only decides whether the page shows a form)."""
    if article.status in (ArticleStatus.DRAFT, ArticleStatus.ARCHIVED):
        return may_write_articles_for(actor, article.region)
    return may_review_articles_for(actor, article.region)


def _actions(actor: User, article: Article) -> set[str]:
    """The workflow buttons the actor may use in the article's status."""
    writes = may_write_articles_for(actor, article.region)
    reviews = may_review_articles_for(actor, article.region)
    status = article.status
    offered = set()
    if writes and status == ArticleStatus.DRAFT:
        offered.add("submit")
    if writes and status == ArticleStatus.IN_REVIEW:
        offered.add("withdraw")
    if reviews and status == ArticleStatus.IN_REVIEW:
        offered.add("return")
        # Nobody publishes words they changed last (four eyes on the words).
        if article_publish_refusal(actor=actor, article=article) is None:
            offered.add("publish")
    if reviews and status == ArticleStatus.PUBLISHED:
        offered.add("archive")
        correction = selectors.pending_correction(article)
        if correction is not None:
            # Another reviewer approves or rejects it; whoever changed it last may withdraw it.
            if correction_approval_refusal(actor=actor, correction=correction) is None:
                offered |= {"correction-approve", "correction-reject"}
            else:
                offered.add("correction-withdraw")
    if writes and status == ArticleStatus.ARCHIVED:
        offered.add("reopen")
    return offered


def _form_regions(actor: User, article: Article | None = None) -> QuerySet[Region]:
    """Regions the actor writes for, plus the article's own (a reviewer correcting a
    published article keeps it where it is)."""
    regions = selectors.article_regions(actor=actor)
    if article is not None:
        regions = regions | Region.objects.filter(pk=article.region_id)
    return regions.select_related("parent").order_by("path")


def _form_campaigns(regions: QuerySet[Region], article: Article | None = None) -> QuerySet[Campaign]:
    campaigns = selectors.article_campaigns(regions=regions)
    if article is not None and article.campaign_id:
        campaigns = campaigns | Campaign.objects.filter(pk=article.campaign_id)
    return campaigns.select_related("host_region").order_by("-starts_on", "id")


def _initial(article: Article) -> dict:
    """The article's words, or its pending correction's: a further edit builds on that."""
    words = selectors.pending_correction(article) or article
    return {
        "region": article.region.code,
        "campaign": article.campaign_id,
        **{name: getattr(words, name) for name in CONTENT},
    }


def _article_form(request: HttpRequest, article: Article | None, *, bound: bool) -> ArticleForm:
    regions = _form_regions(request.user, article)
    return ArticleForm(
        request.POST if bound else None,
        regions=regions,
        campaigns=_form_campaigns(regions, article),
        initial=_initial(article) if article is not None else None,
    )


def _content(data: dict) -> dict:
    return {name: data[name] for name in CONTENT}


@staff_required
def article_list(request: HttpRequest) -> HttpResponse:
    if not works_on_articles(request.user):
        raise Http404
    status = request.GET.get("status") if request.GET.get("status") in ArticleStatus.values else None
    q = (request.GET.get("q") or "").strip()[:50]
    return render(
        request,
        "news/console_list.html",
        {
            "page": page_of(request, selectors.articles_managed(actor=request.user, status=status, q=q), 30),
            "queue": selectors.review_queue(actor=request.user)[:50],
            "statuses": ArticleStatus.choices,
            "status": status or "",
            "q": q,
            "may_create": selectors.article_regions(actor=request.user).exists(),
            "now": timezone.now(),
        },
    )


@csp_update(EDITOR_CSP)
@staff_required
def article_new(request: HttpRequest) -> HttpResponse:
    if not selectors.article_regions(actor=request.user).exists():
        raise Http404
    form = _article_form(request, None, bound=request.method == "POST")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                actor=request.user, region=data["region"], campaign=data["campaign"], **_content(data)
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The draft is saved. Submit it for review when it is ready."))
            return redirect("console:article", pk=article.pk)
    return render(request, "news/console_new.html", {"form": form, "trix_lang": trix_lang()})


def _render_article(
    request: HttpRequest,
    article: Article,
    *,
    form: ArticleForm | None = None,
    return_form: ReturnForm | None = None,
    publish_form: PublishForm | None = None,
    approve_form: CorrectionApproveForm | None = None,
    reject_form: CorrectionRejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    may_edit = _may_edit(actor, article)
    if form is None and may_edit:
        form = _article_form(request, article, bound=False)
    # Why the actor may not publish this version, and who must instead.
    refusal = (
        article_publish_refusal(actor=actor, article=article) if article.status == ArticleStatus.IN_REVIEW else None
    )
    correction = selectors.pending_correction(article) if article.status == ArticleStatus.PUBLISHED else None
    # Why a reviewer may not approve the correction (they changed it last).
    correction_refusal = (
        correction_approval_refusal(actor=actor, correction=correction)
        if correction is not None and may_review_articles_for(actor, article.region)
        else None
    )
    return render(
        request,
        "news/console_article.html",
        {
            "article": article,
            "may_edit": may_edit,
            "form": form if may_edit else None,
            "actions": _actions(actor, article),
            "four_eyes": refusal.detail if refusal is not None else "",
            "return_form": return_form or ReturnForm(),
            "publish_form": publish_form
            or PublishForm(initial={"revision": selectors.article_revision_number(article)}),
            "correction": correction,
            "correction_changes": selectors.correction_changes(article, correction) if correction else [],
            "correction_refusal": correction_refusal.detail if correction_refusal is not None else "",
            "approve_form": approve_form
            or CorrectionApproveForm(initial={"version": correction.version if correction else None}),
            "reject_form": reject_form or CorrectionRejectForm(),
            "revisions": selectors.article_revisions(article=article),
            "released": article.published_at is not None and article.published_at <= timezone.now(),
            "trix_lang": trix_lang(),
        },
        status=status,
    )


@csp_update(EDITOR_CSP)
@staff_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The edit form when the actor may change the article in its status (else its words,
    read-only), the workflow buttons they may use, and the revisions."""
    article = _article_or_404(request, pk)
    if request.method != "POST":
        return _render_article(request, article)
    if not _may_edit(request.user, article):
        messages.error(
            request,
            _("You cannot change this article while it is “%(status)s”.") % {"status": article.get_status_display()},
        )
        return _render_article(request, article, status=403)
    form = _article_form(request, article, bound=True)
    if form.is_valid():
        data = form.cleaned_data
        had_correction = selectors.pending_correction(article) is not None
        try:
            updated = services.article_update(
                actor=request.user,
                article=article,
                region=data["region"],
                campaign=data["campaign"],
                **_content(data),
            )
        except DomainError as error:
            if isinstance(error, NotFound) and error.field not in form.fields:
                raise Http404 from None
            add_domain_error(form, error)
        else:
            messages.success(request, _saved_message(request.user, updated, had_correction=had_correction))
            return redirect("console:article", pk=pk)
    return _render_article(request, article, form=form)


def _saved_message(actor: User, article: Article, *, had_correction: bool) -> str:
    """What a save did: a published article's words wait as a correction (or no longer do)."""
    if article.status != ArticleStatus.PUBLISHED:
        return _("Saved.")
    correction = selectors.pending_correction(article)
    if correction is not None and correction.changed_by_id == actor.pk:
        return _(
            "Your correction is saved. It waits for another reviewer: the public site shows the published text "
            "until then."
        )
    if correction is None and had_correction:
        return _("The correction is undone: the text is the published one again.")
    return _("Saved.")


def _success_message(action: str, article: Article) -> str:
    if action == "publish" and article.published_at > timezone.now():
        when = timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M")
        return _("Published: it appears on the public site at %(when)s.") % {"when": when}
    return {
        "submit": _("Submitted for review."),
        "withdraw": _("The submission is withdrawn: the article is a draft again."),
        "return": _("Sent back to its writers with your comment."),
        "publish": _("Published: it is on the public site now."),
        "archive": _("Archived: it is off the public site."),
        "reopen": _("Reopened as a draft."),
        "correction-approve": _("The correction is approved: it is on the public site now."),
        "correction-reject": _("The correction is rejected; whoever made it is told why."),
        "correction-withdraw": _("The correction is withdrawn: the published text stays as it is."),
    }[action]


@csp_update(EDITOR_CSP)
@staff_required
@require_POST
def article_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step, or a step of a published article's correction. A refusal shows the
    article page again with the reason and the refusal's status (403 not the actor's to do,
    409 not in this status, 422 bad input)."""
    if action not in ACTIONS and action not in CORRECTION_ACTIONS:
        raise Http404
    article = _article_or_404(request, pk)
    return_form = publish_form = approve_form = reject_form = None
    try:
        if action == "correction-approve":
            approve_form = CorrectionApproveForm(request.POST)
            if not approve_form.is_valid():
                return _render_article(request, article, approve_form=approve_form, status=422)
            changed = corrections.correction_approve(
                actor=request.user, article=article, version=approve_form.cleaned_data["version"]
            )
        elif action == "correction-reject":
            reject_form = CorrectionRejectForm(request.POST)
            reason = reject_form.cleaned_data["reason"] if reject_form.is_valid() else ""
            changed = corrections.correction_reject(actor=request.user, article=article, reason=reason)
        elif action == "correction-withdraw":
            changed = corrections.correction_withdraw(actor=request.user, article=article)
        elif action == "return":
            return_form = ReturnForm(request.POST)
            comment = return_form.cleaned_data["comment"] if return_form.is_valid() else ""
            changed = services.article_return(actor=request.user, article=article, comment=comment)
        elif action == "publish":
            publish_form = PublishForm(request.POST, now="now" in request.POST)
            if not publish_form.is_valid():
                return _render_article(request, article, publish_form=publish_form, status=422)
            changed = services.article_publish(
                actor=request.user,
                article=article,
                release_at=publish_form.cleaned_data["release_at"],
                revision=publish_form.cleaned_data["revision"],
            )
        else:
            step = getattr(services, f"article_{action}")
            changed = step(actor=request.user, article=article)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        target = {"return": return_form, "publish": publish_form, "correction-reject": reject_form}.get(action)
        if target is not None and error.field in target.fields:
            add_domain_error(target, error)
        else:
            messages.error(request, error.detail)
        if error.code == "text_changed":
            publish_form = approve_form = None  # a fresh form, for the version now shown
        return _render_article(
            request,
            article,
            return_form=return_form,
            publish_form=publish_form,
            approve_form=approve_form,
            reject_form=reject_form,
            status=error.status,
        )
    messages.success(request, _success_message(action, changed))
    return redirect("console:article", pk=pk)


@staff_required
def article_revision(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = _article_or_404(request, pk)
    revision = selectors.article_revisions(article=article).filter(number=number).first()
    if revision is None:
        raise Http404
    return render(request, "news/console_revision.html", {"article": article, "revision": revision})


@staff_required
@require_POST
def article_image_upload(request: HttpRequest) -> JsonResponse:
    """The editor's picture upload: `file` and the `region` code the article is for →
    201 `{"url", "key"}`; a refusal is `{"detail", "code"}` with its 4xx status."""
    code = request.POST.get("region") or ""
    region = region_get_by_code(code) if code.isdigit() else None
    try:
        if region is None:
            raise NotFound(field="region")
        upload = services.article_image_upload(actor=request.user, region=region, upload=request.FILES.get("file"))
    except DomainError as error:
        return JsonResponse({"detail": error.detail, "code": error.code}, status=error.status)
    return JsonResponse({"url": upload.url, "key": str(upload.image.key)}, status=201)
