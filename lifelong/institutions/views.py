"""Console pages for institutions and venues, scoped to the actor's subtree."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.selectors import regions_in_scope
from lifelong.common.decorators import staff_required
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error
from lifelong.common.paging import page_of

from . import services
from .forms import InstitutionForm, VenueForm
from .selectors import institution_staff_list, venue_staff_list


@staff_required
def institution_list(request: HttpRequest) -> HttpResponse:
    institutions = institution_staff_list(actor=request.user).order_by("region__path", "kind", "name")
    return render(
        request,
        "institutions/institution_list.html",
        {
            "page": page_of(request, institutions),
            "can_create": policy.is_admin(request.user),
        },
    )


@staff_required
def institution_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not policy.is_admin(request.user):
        raise Http404
    institution = None
    if pk is not None:
        institution = institution_staff_list(actor=request.user, action=policy.Action.CHANGE).filter(pk=pk).first()
        if institution is None:
            raise Http404
    regions = regions_in_scope(actor=request.user).order_by("path")
    form = InstitutionForm(request.POST or None, instance=institution, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            if institution is None:
                services.institution_create(actor=request.user, request=request, **form.cleaned_data)
            else:
                services.institution_update(
                    actor=request.user, institution=institution, request=request, **form.cleaned_data
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:institutions")
    return render(request, "institutions/institution_form.html", {"form": form, "institution": institution})


@staff_required
def venue_list(request: HttpRequest) -> HttpResponse:
    venues = venue_staff_list(actor=request.user)
    return render(
        request,
        "institutions/venue_list.html",
        {
            "page": page_of(request, venues),
            "can_create": policy.is_admin(request.user),
        },
    )


@staff_required
def venue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not policy.is_admin(request.user):
        raise Http404
    venue = None
    if pk is not None:
        venue = venue_staff_list(actor=request.user, action=policy.Action.CHANGE).filter(pk=pk).first()
        if venue is None:
            raise Http404
    institutions = institution_staff_list(actor=request.user, action=policy.Action.CHANGE).order_by(
        "region__path", "name"
    )
    form = VenueForm(request.POST or None, instance=venue, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            if venue is None:
                services.venue_create(actor=request.user, request=request, **form.cleaned_data)
            else:
                services.venue_update(actor=request.user, venue=venue, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:venues")
    return render(request, "institutions/venue_form.html", {"form": form, "venue": venue})
