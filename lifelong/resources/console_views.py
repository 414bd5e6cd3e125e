"""`/console/resources/`: staff publish learning resources for the institutions they work for
(or, admins and editors, in their region). Every resource is looked up through a scoped
selector (404 outside scope); every change goes through `services`."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lifelong.accounts.decorators import staff_required
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error
from lifelong.common.paging import page_of

from . import selectors, services
from .forms import ResourceForm
from .models import Resource

FIELDS = ("title", "title_en", "summary", "category", "audiences", "hours", "visibility")


@staff_required
def resource_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("published")
    published = {"1": True, "0": False}.get(state or "")
    return render(
        request,
        "resources/console/list.html",
        {
            "page": page_of(request, selectors.resources_managed(actor=request.user, published=published), 30),
            "published": state if published is not None else "",
            "may_create": selectors.publishing_institutions(actor=request.user).exists(),
        },
    )


@staff_required
def resource_new(request: HttpRequest) -> HttpResponse:
    institutions = selectors.publishing_institutions(actor=request.user)
    if not institutions.exists():
        raise Http404
    form = ResourceForm(request.POST or None, request.FILES or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = services.resource_create(
                actor=request.user,
                institution=data["institution"],
                kind=data["kind"],
                upload=data.get("file") or None,
                url=data.get("url") or "",
                **{name: data[name] for name in FIELDS},
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The resource is saved as a draft. Publish it when it is ready."))
            return redirect("console:resource", pk=resource.pk)
    return render(
        request,
        "resources/console/form.html",
        {"form": form, "resource": None, "upload_max_mb": settings.RESOURCES_UPLOAD_MAX_BYTES // (1024 * 1024)},
    )


def _initial(resource: Resource) -> dict:
    return {
        "institution": resource.institution_id,
        "title": resource.title,
        "title_en": resource.title_en,
        "summary": resource.summary,
        "category": resource.category,
        "audiences": resource.audience_list,
        "hours": resource.hours,
        "visibility": resource.visibility,
        "url": resource.url,
    }


@staff_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the description (or the file), and publish or withdraw it (the `publish` button)."""
    resource = selectors.resource_managed(actor=request.user, resource_id=pk)
    if resource is None:
        raise Http404
    institutions = selectors.publishing_institutions(actor=request.user)
    if request.method == "POST" and "publish" in request.POST:
        try:
            services.resource_publish(actor=request.user, resource=resource, published=request.POST["publish"] == "1")
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            if request.POST["publish"] == "1":
                messages.success(request, _("The resource is published in the library."))
            else:
                messages.success(request, _("The resource is withdrawn from the library."))
        return redirect("console:resource", pk=pk)
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        institutions=institutions,
        resource=resource,
        initial=_initial(resource),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in FIELDS}
        if "url" in form.fields:
            fields["url"] = data["url"]
        try:
            services.resource_update(
                actor=request.user,
                resource=resource,
                institution=data["institution"],
                upload=data.get("file") or None,
                **fields,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:resource", pk=pk)
    return render(request, "resources/console/form.html", {"form": form, "resource": resource})
