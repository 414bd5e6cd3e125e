"""The console page for staff roles (/console/roles/): who holds which role where, granting a
role at a region or an institution, and revoking one.

It lives here, not in accounts, because a role at an institution is granted by choosing one
of the institutions in the actor's scope."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts import policy, selectors, services
from lifelong.accounts.decorators import staff_required
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error
from lifelong.common.paging import page_of

from .forms import RoleGrantForm
from .selectors import institution_staff_list


@staff_required
def role_list(request: HttpRequest) -> HttpResponse:
    form = RoleGrantForm(
        request.POST or None,
        regions=selectors.regions_in_scope(actor=request.user).order_by("path"),
        institutions=institution_staff_list(actor=request.user, action=policy.Action.CHANGE).order_by("region__path"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_grant_create(
                actor=request.user,
                phone=data["phone"],
                role=data["role"],
                region=data["region"],
                institution=data["institution"],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The role has been granted."))
            return redirect("console:roles")
    page = page_of(request, selectors.role_grant_list(actor=request.user))
    return render(
        request,
        "institutions/role_list.html",
        {
            "page": page,
            "form": form,
            "revocable": {g.pk for g in page.object_list if policy.may_revoke(request.user, g)},
        },
    )


@staff_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = selectors.role_grant_list(actor=request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    try:
        services.role_grant_revoke(actor=request.user, grant=grant, request=request)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The role has been removed."))
    return redirect("console:roles")
