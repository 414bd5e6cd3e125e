"""Reads for the resource library: the public library, one resource, and the console's lists.

Visibility: anonymous visitors see published `public` resources; signed-in users see every
published resource; staff also see the drafts of institutions they publish for (the same
scope as `policy.restrict(actor, ..., Resource)`)."""

from django.db.models import Q, QuerySet

from lifelong.accounts import policy
from lifelong.accounts.models import User
from lifelong.institutions.models import Institution
from lifelong.regions.models import Region

from .choices import Visibility
from .models import Resource, ResourceOpen, ResourceStudy
from .policy import resource_publishing_institutions


def _signed_in(actor: User | None) -> bool:
    return actor is not None and actor.is_authenticated


def _visible_q(actor: User | None) -> Q:
    published = Q(is_published=True)
    if not _signed_in(actor):
        published &= Q(visibility=Visibility.PUBLIC)
    return published


def resource_library(
    *,
    actor: User | None,
    q: str = "",
    category: str | None = None,
    audience: str | None = None,
    kind: str | None = None,
    region: Region | None = None,
) -> QuerySet[Resource]:
    """Published resources the actor may see, newest first. `q` matches titles and summaries as
    a substring, so short Chinese words such as 太极 or 读书 work; `region` keeps resources of
    institutions in that region's subtree."""
    resources = Resource.objects.filter(_visible_q(actor))
    if q:
        resources = resources.filter(Q(title__icontains=q) | Q(title_en__icontains=q) | Q(summary__icontains=q))
    if category:
        resources = resources.filter(category=category)
    if audience:
        resources = resources.filter(audiences__contains=f",{audience},")
    if kind:
        resources = resources.filter(kind=kind)
    if region is not None:
        resources = resources.filter(institution__region__path__startswith=region.path)
    return resources.select_related("institution__region").order_by("-published_at", "-id")


def resource_visible(*, actor: User | None, resource_id: int) -> Resource | None:
    """A resource the actor may open: published and visible to them, or one they publish for
    (so staff can look at a draft before publishing it)."""
    visible = _visible_q(actor)
    if _signed_in(actor) and policy.is_staff_member(actor):
        visible |= Q(pk__in=policy.restrict(actor, policy.Action.VIEW, Resource.objects.all()).values("pk"))
    return Resource.objects.filter(visible, pk=resource_id).select_related("institution__region").first()


def resource_needs_sign_in(*, resource_id: int) -> bool:
    """Is this a published resource for signed-in learners only (so a visitor is asked to sign
    in rather than told it does not exist)?"""
    return Resource.objects.filter(pk=resource_id, is_published=True, visibility=Visibility.SIGNED_IN).exists()


def resource_studied(*, learner: User | None, resource: Resource) -> ResourceStudy | None:
    if not _signed_in(learner):
        return None
    return ResourceStudy.objects.filter(learner=learner, resource=resource).first()


def resource_opened(*, learner: User | None, resource: Resource) -> bool:
    """Has the signed-in learner opened the resource (so they may mark it studied)?"""
    if not _signed_in(learner):
        return False
    return ResourceOpen.objects.filter(learner=learner, resource=resource).exists()


def resources_managed(*, actor: User, published: bool | None = None) -> QuerySet[Resource]:
    """The console list: resources of the institutions the actor publishes for."""
    resources = policy.restrict(actor, policy.Action.CHANGE, Resource.objects.all())
    if published is not None:
        resources = resources.filter(is_published=published)
    return resources.select_related("institution__region").order_by("-created_at", "-id")


def resource_managed(*, actor: User, resource_id: int) -> Resource | None:
    return (
        policy.restrict(actor, policy.Action.CHANGE, Resource.objects.filter(pk=resource_id))
        .select_related("institution__region")
        .first()
    )


def publishing_institutions(*, actor: User) -> QuerySet[Institution]:
    """Institutions the actor may publish resources for, for the form's choices."""
    return (
        resource_publishing_institutions(actor)
        .filter(is_active=True)
        .select_related("region")
        .order_by("region__path", "name")
    )
