"""Console pages for campaigns: create and edit them, decide on proposed activities, and
generate the post-week report. Admins of the host region only; anything else answers 404."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.accounts.selectors import regions_in_scope
from lifelong.activities.choices import CampaignStatus
from lifelong.activities.models import Activity
from lifelong.activities.selectors import activity_managed
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error, posted_id
from lifelong.common.paging import page_of

from . import reports, selectors, services
from .forms import CampaignForm, ProposalDecisionForm, ProposalForm


def _campaign_or_404(request: HttpRequest, pk: int):
    campaign = selectors.campaign_staff_get(actor=request.user, pk=pk)
    if campaign is None:
        raise Http404
    return campaign


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not policy.is_admin(request.user):
        raise Http404
    return render(
        request,
        "campaigns/console/list.html",
        {"page": page_of(request, selectors.campaign_staff_list(actor=request.user))},
    )


@staff_required
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not policy.is_admin(request.user):
        raise Http404
    campaign = _campaign_or_404(request, pk) if pk is not None else None
    regions = regions_in_scope(actor=request.user).filter(level__in=["county", "town"]).order_by("path")
    form = CampaignForm(request.POST or None, request.FILES or None, instance=campaign, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
            else:
                services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:campaign", pk=campaign.pk)
    return render(request, "campaigns/console/form.html", {"form": form, "campaign": campaign})


@staff_required
def campaign_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's proposals, waiting ones first, with the decisions already taken."""
    campaign = _campaign_or_404(request, pk)
    wanted = request.GET.get("status", CampaignStatus.PROPOSED)
    status = wanted if wanted in CampaignStatus.values else ""
    activities = selectors.campaign_activities(campaign=campaign, status=status or None)
    return render(
        request,
        "campaigns/console/manage.html",
        {
            "campaign": campaign,
            "page": page_of(request, activities),
            "status": status,
            "statuses": CampaignStatus.choices,
            "report": getattr(campaign, "report", None),
            "campaign_ended": reports.campaign_has_ended(campaign),
        },
    )


@staff_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    activity = Activity.objects.filter(pk=activity_pk, campaign=campaign).first()
    if activity is None:
        raise Http404
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline the proposal."))
        return redirect("console:campaign", pk=campaign.pk)
    try:
        services.campaign_proposal_decide(
            actor=request.user, activity=activity, accept=form.cleaned_data["decision"] == "accept"
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _decided_message(activity, form.cleaned_data["decision"]))
    return redirect("console:campaign", pk=campaign.pk)


def _decided_message(activity: Activity, decision: str) -> str:
    if decision == "accept":
        return _("“%(title)s” is in the campaign programme.") % {"title": activity.display_title}
    return _("“%(title)s” is not taken into the campaign.") % {"title": activity.display_title}


@staff_required
@require_POST
def proposal_create(request: HttpRequest) -> HttpResponse:
    """From an activity's console page: propose it for a campaign that is still open."""
    form = ProposalForm(request.POST)
    activity = activity_managed(actor=request.user, activity_id=posted_id(request.POST.get("activity")))
    if activity is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Choose a campaign."))
    else:
        try:
            placed = services.campaign_propose(
                actor=request.user, activity=activity, campaign=form.cleaned_data["campaign"]
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                _("The activity is in the campaign programme.")
                if placed.campaign_status == CampaignStatus.ACCEPTED
                else _("The activity is proposed; the campaign's admins will decide."),
            )
    return redirect("console:activity", pk=activity.pk)


@staff_required
@require_POST
def report_generate(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    try:
        reports.campaign_report_generate(campaign=campaign, actor=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("console:campaign", pk=campaign.pk)
    messages.success(request, _("The report has been generated from today's figures."))
    return redirect("campaigns:report", slug=campaign.slug)
