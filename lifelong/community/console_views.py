"""`/console/programmes/` and `/console/teams/`: admins run the brand programmes and learning
teams of their subtree. Objects come through scoped selectors (404 outside scope); every
change goes through `services`, which also refuses a move out of the editor's scope."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.accounts.selectors import regions_in_scope
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error
from lifelong.common.paging import page_of
from lifelong.common.picture_forms import COVER_FIELDS
from lifelong.institutions.selectors import institution_staff_list

from . import selectors, services
from .forms import ProgrammeForm, TeamForm


@staff_required
def programme_list(request: HttpRequest) -> HttpResponse:
    towns = regions_in_scope(actor=request.user).filter(level="town")
    return render(
        request,
        "community/console/programme_list.html",
        {
            "page": page_of(request, selectors.programme_staff_list(actor=request.user).order_by("town__path", "name")),
            "can_create": towns.exists(),
        },
    )


@staff_required
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    towns = regions_in_scope(actor=request.user).filter(level="town").order_by("path")
    programme = None
    if pk is not None:
        programme = selectors.programme_managed(actor=request.user, programme_id=pk)
        if programme is None:
            raise Http404
    elif not towns.exists():  # a village admin runs no town's programme
        raise Http404
    institutions = institution_staff_list(actor=request.user).order_by("region__path", "name")
    form = ProgrammeForm(
        request.POST or None, request.FILES or None, instance=programme, towns=towns, institutions=institutions
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PROGRAMME_FIELDS}
        fields.update({name: form.cleaned_data[name] for name in COVER_FIELDS if name in form.cleaned_data})
        try:
            if programme is None:
                services.programme_create(actor=request.user, **fields)
            else:
                services.programme_update(actor=request.user, programme=programme, **fields)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:programmes")
    return render(request, "community/console/programme_form.html", {"form": form, "programme": programme})


@staff_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/console/team_list.html",
        {
            "page": page_of(request, selectors.team_staff_list(actor=request.user)),
            "can_create": policy.is_admin(request.user),
        },
    )


@staff_required
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not policy.is_admin(request.user):
        raise Http404
    team = None
    if pk is not None:
        team = selectors.team_managed(actor=request.user, team_id=pk)
        if team is None:
            raise Http404
    regions = regions_in_scope(actor=request.user).exclude(level="county").order_by("path")
    institutions = institution_staff_list(actor=request.user).order_by("region__path", "name")
    form = TeamForm(request.POST or None, instance=team, regions=regions, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.TEAM_FIELDS if name != "leader"}
        fields["leader"] = form.cleaned_data["leader_phone"]
        try:
            if team is None:
                services.team_create(actor=request.user, **fields)
            else:
                services.team_update(actor=request.user, team=team, **fields)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:teams")
    return render(request, "community/console/team_form.html", {"form": form, "team": team})
