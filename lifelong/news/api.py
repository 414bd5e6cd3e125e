"""The publishing API (DESIGN §5): the public news list and article, and the newsroom's
workflow for staff (write a draft, change it, submit, withdraw, send back, publish, archive,
reopen).

The public endpoints show released articles only, to everybody alike: a draft, a submission,
a scheduled or archived article answers 404 even for its own reviewers (staff read those
through `/articles/manage`). Reading an article here does not count a view: views count
when its page is served to a reader (DESIGN §5, "Views")."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.accounts.auth import BearerToken
from lifelong.campaigns.models import Campaign
from lifelong.common.api import ErrorOut, InputSchema, IsoDateTime, PageQuery, paginate
from lifelong.common.errors import NotFound
from lifelong.regions.models import Region
from lifelong.regions.schemas import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import corrections, selectors, services
from .choices import ArticleStatus, Channel
from .models import Article

router = Router(tags=["news"])
bearer = BearerToken()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
BODY_MAX = 200_000  # characters of HTML: a long report with tables, far below a request's size limit


class ArticleOut(Schema):
    id: int
    title: str
    title_en: str
    channel: str
    region: RegionRef
    source: str
    source_en: str
    published_at: datetime | None
    view_count: int = Field(description="Views counted so far, the newest a few seconds late at most")

    @staticmethod
    def resolve_view_count(article: Article) -> int:
        return article.views  # the folded counter plus fresh views (selectors.with_views)


class ArticleDetailOut(ArticleOut):
    summary: str
    summary_en: str
    body: str = Field(description="Sanitised HTML")
    body_en: str = Field(description="Sanitised HTML")
    campaign: str | None = Field(description="Slug of the campaign the article belongs to")
    url: str = Field(description="The article's public page")

    @staticmethod
    def resolve_campaign(article: Article) -> str | None:
        return article.campaign.slug if article.campaign_id else None

    @staticmethod
    def resolve_url(article: Article) -> str:
        return f"/news/{article.pk}/"  # the public page's fixed address (DESIGN §5)


class ArticlePage(Schema):
    items: list[ArticleOut]
    count: int


class NewsQuery(PageQuery):
    q: str = Field("", max_length=50)
    channel: Channel | None = None
    campaign: str | None = Field(None, max_length=80, description="Slug of a campaign")
    region: str | None = Field(None, description="Region code; the whole subtree is included")


def _region(code: str) -> Region:
    region = region_get_by_code(code)
    if region is None:
        raise NotFound(field="region")
    return region


def _campaign(slug: str) -> Campaign:
    campaign = Campaign.objects.select_related("host_region").filter(slug=slug).first()
    if campaign is None:
        raise NotFound(field="campaign")
    return campaign


@router.get("/articles", response={200: ArticlePage, 404: ErrorOut, 422: ErrorOut}, summary="The released news")
def article_list(request, query: Query[NewsQuery]):
    articles = selectors.articles_public(
        q=query.q.strip(),
        channel=query.channel,
        campaign_id=_campaign(query.campaign).pk if query.campaign else None,
        region=_region(query.region) if query.region else None,
    )
    return paginate(articles, query)


# --- The newsroom (staff, bearer token) -------------------------------------------------------


class AuthorRef(Schema):
    id: int
    name: str


class ManagedArticleOut(ArticleOut):
    """What a writer or reviewer sees of an article in their scope, released or not."""

    status: str
    submitted_at: datetime | None
    review_comment: str
    author: AuthorRef
    content_changed_by: AuthorRef = Field(description="Who changed the words last: they may not publish this version")
    content_changed_at: datetime
    updated_at: datetime
    correction_pending: bool = Field(description="A correction of the published words waits for another reviewer")

    @staticmethod
    def resolve_correction_pending(article: Article) -> bool:
        return selectors.pending_correction(article) is not None


class CorrectionOut(Schema):
    """A correction of a published article's words, waiting for another reviewer: the words as
    they would be (all of them), who proposed it and who changed it last (who may not approve
    it)."""

    title: str
    title_en: str
    summary: str
    summary_en: str
    body: str = Field(description="Sanitised HTML")
    body_en: str = Field(description="Sanitised HTML")
    source: str
    source_en: str
    channel: str
    version: int = Field(description="Counts the changes of the correction: name it when approving what you read")
    proposed_by: AuthorRef
    proposed_at: datetime
    changed_by: AuthorRef = Field(description="Who changed the correction last: they may not approve it")
    changed_at: datetime


class ManagedArticleDetailOut(ManagedArticleOut, ArticleDetailOut):
    revision: int = Field(description="Number of the latest revision: name it when publishing what you read")
    correction: CorrectionOut | None = Field(
        description="The correction waiting for review (published articles only); the other fields are the "
        "published words"
    )

    @staticmethod
    def resolve_revision(article: Article) -> int:
        return selectors.article_revision_number(article)

    @staticmethod
    def resolve_correction(article: Article):
        return selectors.pending_correction(article)


class ManagedArticlePage(Schema):
    items: list[ManagedArticleOut]
    count: int


class ManageQuery(PageQuery):
    status: ArticleStatus | None = None
    q: str = Field("", max_length=50)


# Declared before `/articles/{article_id}` so that "manage" is never read as an article id.
@router.get(
    "/articles/manage",
    auth=bearer,
    response={200: ManagedArticlePage, **ERRORS},
    summary="Staff: the articles the caller writes or reviews, in any status, latest change first",
)
def article_manage_list(request, query: Query[ManageQuery]):
    return paginate(selectors.articles_managed(actor=request.user, status=query.status, q=query.q.strip()), query)


def _managed(request, article_id: int) -> Article:
    article = selectors.article_managed(actor=request.user, article_id=article_id)
    if article is None:
        raise NotFound()
    return article


@router.get(
    "/articles/manage/{article_id}",
    auth=bearer,
    response={200: ManagedArticleDetailOut, **ERRORS},
    summary="Staff: one article in the caller's scope, released or not",
)
def article_manage_detail(request, article_id: int):
    return _managed(request, article_id)


@router.get("/articles/{article_id}", response={200: ArticleDetailOut, 404: ErrorOut}, summary="One released article")
def article_detail(request, article_id: int):
    article = selectors.article_public(article_id=article_id)
    if article is None:
        raise NotFound()
    return article


class ArticleIn(InputSchema):
    region: str = Field(description="Code of the region the article is for (one the caller writes for)")
    channel: Channel = Channel.NEWS
    title: str = Field(min_length=1, max_length=160)
    title_en: str = Field("", max_length=200)
    summary: str = Field("", max_length=500)
    summary_en: str = Field("", max_length=700)
    body: str = Field(min_length=1, max_length=BODY_MAX, description="HTML; cleaned to the allowed tags")
    body_en: str = Field("", max_length=BODY_MAX, description="HTML; cleaned to the allowed tags")
    source: str = Field(min_length=1, max_length=120)
    source_en: str = Field("", max_length=160)
    campaign: str | None = Field(None, max_length=80, description="Slug of a campaign")


class ArticlePatch(InputSchema):
    """Fields left out stay as they are; null is no value for the words and the channel, only for
    `region` (kept as it is) and `campaign` (taken out)."""

    region: str | None = None
    channel: Channel = None
    title: str = Field(None, min_length=1, max_length=160)
    title_en: str = Field(None, max_length=200)
    summary: str = Field(None, max_length=500)
    summary_en: str = Field(None, max_length=700)
    body: str = Field(None, min_length=1, max_length=BODY_MAX)
    body_en: str = Field(None, max_length=BODY_MAX)
    source: str = Field(None, min_length=1, max_length=120)
    source_en: str = Field(None, max_length=160)
    campaign: str | None = Field(None, max_length=80, description="Slug of a campaign; null takes it out")


class CreatedOut(Schema):
    id: int
    status: str


class ArticleStatusOut(Schema):
    id: int
    status: str
    published_at: datetime | None
    submitted_at: datetime | None
    review_comment: str


@router.post("/articles", auth=bearer, response={201: CreatedOut, **ERRORS}, summary="Staff: write a draft")
def article_create(request, body: ArticleIn):
    fields = body.model_dump(exclude={"region", "campaign"})
    article = services.article_create(
        actor=request.user,
        region=_region(body.region),
        campaign=_campaign(body.campaign) if body.campaign else None,
        **fields,
    )
    return Status(201, {"id": article.pk, "status": article.status})


@router.patch(
    "/articles/{article_id}",
    auth=bearer,
    response={200: ManagedArticleDetailOut, **ERRORS},
    summary="Staff: change a draft (writers) or correct a submission or published article (reviewers)",
    description="The words of a published article are not changed here: they are kept as its `correction`, "
    "waiting for another reviewer (POST .../correction/approve), and the answer shows the published words "
    "with it; a further change updates that correction. Its region and campaign change at once.",
)
def article_update(request, article_id: int, body: ArticlePatch):
    article = _managed(request, article_id)
    given = body.model_dump(exclude_unset=True)
    region = given.pop("region", None)
    changes = {}
    if "campaign" in given:
        slug = given.pop("campaign")
        changes["campaign"] = _campaign(slug) if slug else None
    services.article_update(
        actor=request.user,
        article=article,
        region=_region(region) if region else None,
        **changes,
        **given,
    )
    return _managed(request, article_id)  # as it stands now, with its view count


@router.post("/articles/{article_id}/submit", auth=bearer, response={200: ArticleStatusOut, **ERRORS})
def article_submit(request, article_id: int):
    return services.article_submit(actor=request.user, article=_managed(request, article_id))


@router.post("/articles/{article_id}/withdraw", auth=bearer, response={200: ArticleStatusOut, **ERRORS})
def article_withdraw(request, article_id: int):
    return services.article_withdraw(actor=request.user, article=_managed(request, article_id))


class ReturnIn(InputSchema):
    comment: str = Field(max_length=2000, description="What the writers should change")


@router.post(
    "/articles/{article_id}/return",
    auth=bearer,
    response={200: ArticleStatusOut, **ERRORS},
    summary="Reviewers: send a submission back to its writers with a comment",
)
def article_return(request, article_id: int, body: ReturnIn):
    return services.article_return(actor=request.user, article=_managed(request, article_id), comment=body.comment)


class PublishIn(InputSchema):
    release_at: IsoDateTime | None = Field(
        None, description="ISO 8601 with offset; later than now schedules the release (default: now)"
    )
    revision: int = Field(
        ge=1,
        description="Required: the revision read (`revision` of GET /articles/manage/{id}); if the words changed "
        "since, 409 text_changed and nothing is published. Missing: 422",
    )


@router.post(
    "/articles/{article_id}/publish",
    auth=bearer,
    response={200: ArticleStatusOut, **ERRORS},
    summary="Reviewers: publish a submission, now or at a later release time (not if the caller changed its words "
    "last: 403 own_article)",
    description="The body names the `revision` read (required: 422 without it; 409 `text_changed` when the words "
    "changed since). 403 `own_article` for whoever changed the words last, and for the article's writer when "
    "the last change was not made by someone who reviews it; 403 `not_reviewer` for a writer who does not review.",
)
def article_publish(request, article_id: int, body: PublishIn):
    return services.article_publish(
        actor=request.user,
        article=_managed(request, article_id),
        release_at=body.release_at,
        revision=body.revision,
    )


@router.post("/articles/{article_id}/archive", auth=bearer, response={200: ArticleStatusOut, **ERRORS})
def article_archive(request, article_id: int):
    return services.article_archive(actor=request.user, article=_managed(request, article_id))


@router.post("/articles/{article_id}/reopen", auth=bearer, response={200: ArticleStatusOut, **ERRORS})
def article_reopen(request, article_id: int):
    return services.article_reopen(actor=request.user, article=_managed(request, article_id))


# --- Corrections of published articles (corrections.py) ---------------------------------------


class CorrectionApproveIn(InputSchema):
    version: int = Field(
        ge=1,
        description="Required: the correction's version read; if it changed since, 409 text_changed and nothing "
        "is approved. Missing: 422",
    )


@router.post(
    "/articles/{article_id}/correction/approve",
    auth=bearer,
    response={200: ManagedArticleDetailOut, **ERRORS},
    summary="Reviewers: approve a published article's correction, putting its words on the public site",
    description="Not by whoever changed the correction last: 403 `own_article`. 403 `not_reviewer` for a "
    "writer who does not review; 409 `no_correction` when none waits; 409 `text_changed` when the "
    "correction changed since the `version` named (required: 422 without it). The release date stays; the "
    "correctors are told.",
)
def article_correction_approve(request, article_id: int, body: CorrectionApproveIn):
    corrections.correction_approve(actor=request.user, article=_managed(request, article_id), version=body.version)
    return _managed(request, article_id)


class CorrectionRejectIn(InputSchema):
    reason: str = Field(max_length=2000, description="Why not: the correctors are told")


@router.post(
    "/articles/{article_id}/correction/reject",
    auth=bearer,
    response={200: ManagedArticleDetailOut, **ERRORS},
    summary="Reviewers: turn down a published article's correction with a reason",
    description="Whoever changed the correction last withdraws it instead: 403 `own_article`. 403 "
    "`not_reviewer` for a writer who does not review; 409 `no_correction` when none waits; 422 "
    "`reason_required` for an empty reason. The published words stay.",
)
def article_correction_reject(request, article_id: int, body: CorrectionRejectIn):
    corrections.correction_reject(actor=request.user, article=_managed(request, article_id), reason=body.reason)
    return _managed(request, article_id)


@router.post(
    "/articles/{article_id}/correction/withdraw",
    auth=bearer,
    response={200: ManagedArticleDetailOut, **ERRORS},
    summary="Reviewers: withdraw the correction one changed last",
    description="Only by whoever changed the correction last: anyone else 403 `not_corrector` (another "
    "reviewer rejects it with a reason); 403 `not_reviewer` for a writer who does not review; 409 "
    "`no_correction` when none waits. The published words stay.",
)
def article_correction_withdraw(request, article_id: int):
    corrections.correction_withdraw(actor=request.user, article=_managed(request, article_id))
    return _managed(request, article_id)
