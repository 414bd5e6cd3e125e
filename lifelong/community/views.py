"""Public pages of brand programmes and learning teams, and a person's team actions: asking
to join, leaving, and (the leader) letting people in or declining them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.common.errors import DomainError
from lifelong.common.paging import page_of

from . import policy, records, selectors, services
from .choices import MembershipStatus
from .forms import ProgrammeFilterForm, TeamFilterForm


def programme_list(request: HttpRequest) -> HttpResponse:
    form = ProgrammeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    programmes = selectors.programme_public_list(region=filters.get("region"), level=filters.get("level") or None)
    return render(request, "community/programme_list.html", {"form": form, "page": page_of(request, programmes, 30)})


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.programme_get(slug=slug)
    if programme is None:
        raise Http404
    figures = records.programme_figures(programme=programme)
    upcoming, past = records.programme_activities(programme=programme)
    labels = [
        ("activities", _("Activities"), figures.activities),
        ("people_served", _("People served"), figures.people_served),
        ("attendance", _("Attendances"), figures.attendance),
        ("hours", _("Learning hours"), figures.hours),
    ]
    return render(
        request,
        "community/programme_detail.html",
        {"programme": programme, "figures": labels, "upcoming": upcoming, "past": past},
    )


def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    teams = selectors.team_public_list(region=filters.get("region"), kind=filters.get("kind") or None)
    return render(request, "community/team_list.html", {"form": form, "page": page_of(request, teams, 30)})


def _visible_team(request: HttpRequest, pk: int):
    actor = request.user if request.user.is_authenticated else None
    team = selectors.team_visible(actor=actor, team_id=pk)
    if team is None:
        raise Http404
    return actor, team


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor, team = _visible_team(request, pk)
    memberships = list(selectors.team_members(actor=actor, team=team))
    upcoming, past = records.team_activities(team=team)
    return render(
        request,
        "community/team_detail.html",
        {
            "team": team,
            "may_see_members": policy.may_see_members(actor, team),
            "members": [m for m in memberships if m.status == MembershipStatus.MEMBER],
            "requests": [m for m in memberships if m.status == MembershipStatus.REQUESTED],
            "mine": selectors.membership_of(actor=actor, team=team),
            "upcoming": upcoming,
            "past": past,
        },
    )


@login_required
@require_POST
def team_join(request: HttpRequest, pk: int) -> HttpResponse:
    _actor, team = _visible_team(request, pk)
    try:
        services.team_join_request(actor=request.user, team=team)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Your request has been sent to the team's leader."))
    return redirect("community:team", pk=pk)


@login_required
@require_POST
def team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    actor, team = _visible_team(request, pk)
    mine = selectors.membership_of(actor=actor, team=team)
    try:
        services.team_leave(actor=actor, team=team)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        was_member = mine is not None and mine.status == MembershipStatus.MEMBER
        messages.success(request, _("You have left the team.") if was_member else _("Your request is withdrawn."))
    return redirect("community:team", pk=pk)


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """The leader (or staff in scope) answers a request, from the team's page."""
    membership = selectors.membership_for_decision(actor=request.user, membership_id=pk)
    if membership is None or decision not in ("approve", "decline"):
        raise Http404
    try:
        decided = services.team_membership_decide(
            actor=request.user, membership=membership, approve=decision == "approve"
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        if decided.status == MembershipStatus.MEMBER:
            messages.success(request, _("%(name)s is now a member.") % {"name": decided.user.name})
        else:
            messages.success(request, _("The request of %(name)s is declined.") % {"name": decided.user.name})
    return redirect("community:team", pk=membership.team_id)
