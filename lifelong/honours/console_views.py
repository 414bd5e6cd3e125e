"""`/console/honours/`: calls for nominations, nominating (a learning star arrives with their
passport record), reviewing, awarding, and recording honours received before. Every object
comes through a scoped selector (404 outside scope); every change goes through `services`."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.common.errors import DomainError, NotFound
from lifelong.common.forms import add_domain_error, posted_id
from lifelong.common.paging import page_of
from lifelong.regions.models import Region

from . import rules, selectors, services
from .choices import CallStatus, NominationStatus, RecipientKind
from .forms import CallForm, HonourRecordForm, NominationForm, ReviewForm, recipient_choices, split_recipient

NON_LEARNER_KINDS = [RecipientKind.REGION, RecipientKind.INSTITUTION, RecipientKind.PROGRAMME, RecipientKind.TEAM]


def _or_404(call):
    """Run a scoped lookup; its NotFound becomes the page's 404."""
    try:
        return call()
    except NotFound:
        raise Http404 from None


def _call_regions(actor):
    """The county and towns where the actor may open a call."""
    regions = policy.restrict(actor, policy.Action.VIEW, Region.objects.filter(level__in=["county", "town"]))
    return regions.order_by("path")


@staff_required
def honour_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "honours/console/index.html",
        {
            "calls": selectors.calls_in_scope(actor=request.user)[:100],
            "page": page_of(request, selectors.honours_in_scope(actor=request.user), 50),
            "may_open": _call_regions(request.user).exists(),
            "is_admin": policy.is_admin(request.user),
        },
    )


@staff_required
def call_new(request: HttpRequest) -> HttpResponse:
    regions = _call_regions(request.user)
    if not regions.exists():
        raise Http404
    form = CallForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.honour_call_open(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The call is open for nominations."))
            return redirect("console:honour_call", pk=call.pk)
    return render(request, "honours/console/call_form.html", {"form": form})


@staff_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = _or_404(lambda: selectors.call_in_scope(actor=request.user, call_id=pk))
    today = timezone.localdate()
    nominations = list(selectors.nominations_of_call(actor=request.user, call=call))
    may_review = rules.may_review(request.user, call.region) and call.in_review(today)
    for nomination in nominations:
        reviewed = any(review.reviewer_id == request.user.pk for review in nomination.reviews.all())
        nomination.may_review = (
            may_review
            and nomination.status == NominationStatus.SUBMITTED
            and nomination.nominated_by_id != request.user.pk
            and not reviewed
        )
        nomination.may_withdraw = (
            call.takes_nominations(today)
            and nomination.status == NominationStatus.SUBMITTED
            and (nomination.nominated_by_id == request.user.pk or rules.may_run_call(request.user, call.region))
        )
    may_run = rules.may_run_call(request.user, call.region)
    return render(
        request,
        "honours/console/call.html",
        {
            "call": call,
            "nominations": nominations,
            "may_nominate": rules.takes_part_in(request.user, call.region) and call.takes_nominations(today),
            "may_close": may_run and call.status == CallStatus.OPEN,
            "may_award": may_run and call.in_review(today) and any(n.status == "submitted" for n in nominations),
        },
    )


@staff_required
@require_POST
def call_close(request: HttpRequest, pk: int) -> HttpResponse:
    call = _or_404(lambda: selectors.call_in_scope(actor=request.user, call_id=pk))
    if not rules.may_run_call(request.user, call.region):
        raise Http404
    try:
        services.honour_call_close(actor=request.user, call=call)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The call is closed for nominations; reviewers may now score them."))
    return redirect("console:honour_call", pk=pk)


@staff_required
@require_POST
def call_award(request: HttpRequest, pk: int) -> HttpResponse:
    call = _or_404(lambda: selectors.call_in_scope(actor=request.user, call_id=pk))
    if not rules.may_run_call(request.user, call.region):
        raise Http404
    chosen = [posted_id(value) for value in request.POST.getlist("nominations")]
    try:
        honours = services.honour_call_award(actor=request.user, call=call, nomination_ids=chosen)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Awarded: %(n)s honours.") % {"n": len(honours)})
    return redirect("console:honour_call", pk=pk)


def _recipient_form_choices(request: HttpRequest, kinds, within: Region | None):
    """Grouped choices of the recipients in scope, plus the learner named in `?learner=` (or
    posted), who must lie in scope too (404 otherwise)."""
    groups = [
        (kind, list(selectors.candidates(actor=request.user, kind=kind, within=within)))
        for kind in kinds
        if kind != RecipientKind.LEARNER
    ]
    learner = None
    if RecipientKind.LEARNER in kinds:
        posted_kind, posted_key = split_recipient(request.POST.get("recipient", ""))
        learner_id = request.GET.get("learner") or (posted_key if posted_kind == RecipientKind.LEARNER else "")
        if learner_id:
            learner = _or_404(
                lambda: selectors.candidate_get(
                    actor=request.user, kind=RecipientKind.LEARNER, key=posted_id(learner_id), within=within
                )
            )
            groups.append((RecipientKind.LEARNER, [learner]))
    return recipient_choices(groups), learner


def _chosen_recipient(request: HttpRequest, value: str, within: Region | None):
    kind, key = split_recipient(value)
    recipient = selectors.candidate_get(actor=request.user, kind=kind, key=key, within=within)
    return kind, recipient


@staff_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    call = _or_404(lambda: selectors.call_in_scope(actor=request.user, call_id=pk))
    if not rules.takes_part_in(request.user, call.region):
        raise Http404
    choices, learner = _recipient_form_choices(request, call.accepted_kinds, call.region)
    record = selectors.learner_record(learner=learner) if learner is not None else None
    initial = {}
    if learner is not None:
        initial = {
            "recipient": f"{RecipientKind.LEARNER}:{learner.pk}",
            "statement": selectors.learner_statement(learner=learner, record=record),
        }
    form = NominationForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            kind, recipient = _chosen_recipient(request, form.cleaned_data["recipient"], call.region)
            services.nomination_create(
                actor=request.user, call=call, kind=kind, recipient=recipient, statement=form.cleaned_data["statement"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The nomination has been submitted."))
            return redirect("console:honour_call", pk=call.pk)
    return render(
        request,
        "honours/console/nominate.html",
        {
            "call": call,
            "form": form,
            "learner": learner,
            "record": record.as_json() if record is not None else None,
            "takes_nominations": call.takes_nominations(timezone.localdate()),
        },
    )


@staff_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _or_404(lambda: selectors.nomination_in_scope(actor=request.user, nomination_id=pk))
    if not rules.may_review(request.user, nomination.call.region):
        raise Http404
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit(actor=request.user, nomination=nomination, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your review has been saved."))
            return redirect("console:honour_call", pk=nomination.call_id)
    return render(request, "honours/console/review.html", {"nomination": nomination, "form": form})


@staff_required
@require_POST
def nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _or_404(lambda: selectors.nomination_in_scope(actor=request.user, nomination_id=pk))
    try:
        services.nomination_withdraw(actor=request.user, nomination=nomination)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The nomination has been withdrawn."))
    return redirect("console:honour_call", pk=nomination.call_id)


@staff_required
def honour_new(request: HttpRequest) -> HttpResponse:
    if not policy.is_admin(request.user):
        raise Http404
    choices, _learner = _recipient_form_choices(request, [*NON_LEARNER_KINDS, RecipientKind.LEARNER], None)
    form = HonourRecordForm(request.POST or None, choices=choices, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            kind, recipient = _chosen_recipient(request, fields.pop("recipient"), None)
            services.honour_record(actor=request.user, kind=kind, recipient=recipient, **fields)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The honour has been recorded."))
            return redirect("console:honours")
    return render(request, "honours/console/honour_form.html", {"form": form})
