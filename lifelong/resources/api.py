"""The resource library API: the public list and detail, "I have studied this", and staff
creating link resources and publishing (file uploads go through the console)."""

from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lifelong.accounts.auth import BearerToken, OptionalBearerToken
from lifelong.activities.choices import Audience, Category
from lifelong.common.api import ErrorOut, Hours, HoursIn, InputSchema, PageQuery, paginate
from lifelong.common.errors import NotFound
from lifelong.institutions.models import Institution
from lifelong.passport.services import points_for
from lifelong.regions.schemas import RegionRef
from lifelong.regions.selectors import region_get_by_code

from . import selectors, services
from .choices import ResourceKind, Visibility
from .models import Resource
from .policy import may_share_resources_of

router = Router(tags=["resources"])
bearer = BearerToken()
optional_bearer = OptionalBearerToken()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PublisherRef(Schema):
    id: int
    name: str
    name_en: str
    kind: str


class ResourceOut(Schema):
    id: int
    kind: str
    title: str
    title_en: str
    category: str
    audiences: list[str]
    hours: Hours
    visibility: str
    institution: PublisherRef
    region: RegionRef
    is_published: bool
    published_at: datetime | None
    view_count: int
    download_count: int
    url: str | None = Field(description="A link's address")
    file_url: str | None = Field(description="Where a file resource is streamed from")
    content_type: str | None = Field(description="The file's type, as detected from its content")

    @staticmethod
    def resolve_audiences(resource: Resource) -> list[str]:
        return resource.audience_list

    @staticmethod
    def resolve_region(resource: Resource):
        return resource.institution.region

    @staticmethod
    def resolve_url(resource: Resource) -> str | None:
        return resource.url or None

    @staticmethod
    def resolve_file_url(resource: Resource) -> str | None:
        return reverse("resources:file", args=[resource.pk]) if resource.is_file else None

    @staticmethod
    def resolve_content_type(resource: Resource) -> str | None:
        return resource.content_type or None


class ResourceDetailOut(ResourceOut):
    summary: str
    file_size: int | None

    @staticmethod
    def resolve_file_size(resource: Resource) -> int | None:
        return resource.file_size if resource.is_file else None


class ResourcePage(Schema):
    items: list[ResourceOut]
    count: int


class LibraryQuery(PageQuery):
    q: str = Field("", max_length=50)
    category: Category | None = None
    audience: Audience | None = None
    kind: ResourceKind | None = None
    region: str | None = Field(None, description="Region code of the publisher's place; the whole subtree is included")


def _actor(request):
    return request.user if request.user.is_authenticated else None


@router.get(
    "/resources",
    auth=optional_bearer,
    response={200: ResourcePage, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The library: published resources the caller may see",
)
def resource_list(request, query: Query[LibraryQuery]):
    region = None
    if query.region:
        region = region_get_by_code(query.region)
        if region is None:
            raise NotFound(field="region")
    resources = selectors.resource_library(
        actor=_actor(request),
        q=query.q.strip(),
        category=query.category,
        audience=query.audience,
        kind=query.kind,
        region=region,
    )
    return paginate(resources, query)


@router.get("/resources/{resource_id}", auth=optional_bearer, response={200: ResourceDetailOut, **ERRORS})
def resource_detail(request, resource_id: int):
    resource = selectors.resource_visible(actor=_actor(request), resource_id=resource_id)
    if resource is None:
        raise NotFound()
    return resource


class StudyOut(Schema):
    resource: int
    hours: Hours
    points: int
    studied_at: datetime


@router.post(
    "/resources/{resource_id}/study",
    auth=bearer,
    response={201: StudyOut, **ERRORS},
    summary="I have studied this: the resource's hours go into the caller's passport, once",
    description="Only after the caller opened it (its file fetched while signed in, its link followed, or "
    "`POST /resources/{id}/open`): before that 409 `not_opened`. A repeat answers 409 `already_studied`; a "
    "resource without learning hours, 409 `no_hours`.",
)
def resource_study(request, resource_id: int):
    resource = selectors.resource_visible(actor=request.user, resource_id=resource_id)
    if resource is None:
        raise NotFound()
    study = services.resource_study(learner=request.user, resource=resource)
    return Status(
        201,
        {
            "resource": resource.pk,
            "hours": study.hours,
            "points": points_for(study.hours),
            "studied_at": study.studied_at,
        },
    )


@router.post(
    "/resources/{resource_id}/open",
    auth=bearer,
    response={204: None, **ERRORS},
    summary="The caller opened the resource (an app showed, played or downloaded it); studying needs this first",
)
def resource_open(request, resource_id: int):
    resource = selectors.resource_visible(actor=request.user, resource_id=resource_id)
    if resource is None or not resource.is_published:
        raise NotFound()
    services.resource_open_record(learner=request.user, resource=resource)
    return Status(204, None)


class LinkIn(InputSchema):
    institution: int
    title: str = Field(min_length=1, max_length=120)
    title_en: str = Field("", max_length=160)
    summary: str = Field("", max_length=5000)
    category: Category
    audiences: list[Audience] = Field(default_factory=lambda: [Audience.ALL], min_length=1, max_length=7)
    hours: HoursIn = Field(Decimal("0"))
    visibility: Visibility = Visibility.PUBLIC
    url: str = Field(min_length=1, max_length=500, description="http:// or https:// only")
    published: bool = False


class ResourcePatch(InputSchema):
    """Fields left out stay as they are; null is no value for any of them (it would empty a
    required column), only for `institution` and `published`, where it means the same."""

    institution: int | None = None
    title: str = Field(None, min_length=1, max_length=120)
    title_en: str = Field(None, max_length=160)
    summary: str = Field(None, max_length=5000)
    category: Category = None
    audiences: list[Audience] = Field(None, min_length=1, max_length=7)
    hours: HoursIn = Field(None)
    visibility: Visibility = None
    url: str = Field(None, min_length=1, max_length=500, description="Links only")
    published: bool | None = None


def _institution(request, institution_id: int) -> Institution:
    institution = Institution.objects.select_related("region").filter(pk=institution_id).first()
    if institution is None or not may_share_resources_of(request.user, institution):
        raise NotFound(field="institution")
    return institution


@router.post(
    "/resources",
    auth=bearer,
    response={201: ResourceDetailOut, **ERRORS},
    summary="Staff: share a link (upload files in the console)",
)
def resource_create(request, body: LinkIn):
    fields = body.model_dump(exclude={"institution", "published"})
    resource = services.resource_create(
        actor=request.user,
        institution=_institution(request, body.institution),
        kind=ResourceKind.LINK,
        publish=body.published,
        **fields,
    )
    return Status(201, selectors.resource_managed(actor=request.user, resource_id=resource.pk))


@router.patch(
    "/resources/{resource_id}",
    auth=bearer,
    response={200: ResourceDetailOut, **ERRORS},
    summary="Staff: change a resource, publish it (`published: true`) or withdraw it",
)
def resource_update(request, resource_id: int, body: ResourcePatch):
    resource = selectors.resource_managed(actor=request.user, resource_id=resource_id)
    if resource is None:
        raise NotFound()
    fields = body.model_dump(exclude_unset=True, exclude={"institution", "published"})
    if fields or body.institution is not None:
        institution = _institution(request, body.institution) if body.institution is not None else None
        resource = services.resource_update(actor=request.user, resource=resource, institution=institution, **fields)
    if body.published is not None:
        resource = services.resource_publish(actor=request.user, resource=resource, published=body.published)
    return selectors.resource_managed(actor=request.user, resource_id=resource.pk)
