"""`/console/`: a learner's passport for staff in scope, certificates to revoke, record imports
and the learning-star list. Every object comes through a scoped selector (404 outside scope)."""

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.common.errors import DomainError, NotFound
from lifelong.common.forms import add_domain_error
from lifelong.common.masking import mask_phone
from lifelong.common.paging import page_of
from lifelong.common.spreadsheets import safe_cell
from lifelong.common.views import download
from lifelong.regions.models import Region

from . import import_jobs, pdf, selectors, services
from .forms import AdjustmentForm, ImportForm, ReasonForm, StarsForm


def _or_404(call):
    """Run a scoped lookup; its NotFound becomes the page's 404."""
    try:
        return call()
    except NotFound:
        raise Http404 from None


@staff_required
def learner_passport(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _or_404(lambda: selectors.learner_in_scope(actor=request.user, learner_id=pk))
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_adjust(actor=request.user, learner=learner, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The adjustment has been recorded."))
            return redirect("console:learner_passport", pk=learner.pk)
    return render(
        request,
        "passport/console/learner.html",
        {
            "learner": learner,
            "summary": selectors.passport_summary(learner=learner),
            "page": page_of(request, selectors.passport_entries(learner=learner), 50),
            "certificates": _with_pdf_links(learner),
            "form": form,
            "reason_form": ReasonForm(),
        },
    )


def _with_pdf_links(learner):
    certificates = list(selectors.learner_certificates(learner=learner))
    for certificate in certificates:
        certificate.pdf_url = reverse("console:learner_certificate_pdf", args=[learner.pk, certificate.serial])
    return certificates


@staff_required
def learner_certificate_pdf(request: HttpRequest, pk: int, serial: str) -> HttpResponse:
    """Village staff print the certificate of a villager who has no phone."""
    learner = _or_404(lambda: selectors.learner_in_scope(actor=request.user, learner_id=pk))
    certificate = selectors.learner_certificates(learner=learner).filter(serial=serial.upper()).first()
    if certificate is None:
        raise Http404
    return download(pdf.certificate_pdf(certificate), f"certificate-{certificate.serial}.pdf", "application/pdf")


@staff_required
def learner_archive_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Village staff print the archive for a villager who has no phone."""
    learner = _or_404(lambda: selectors.learner_in_scope(actor=request.user, learner_id=pk))
    return download(pdf.archive_pdf(learner), f"learning-archive-{learner.pk}.pdf", "application/pdf")


@staff_required
@require_POST
def record_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    record = _or_404(lambda: selectors.record_correctable(actor=request.user, pk=pk))
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the correction."))
    else:
        try:
            services.record_reverse(actor=request.user, record=record, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("The entry has been reversed."))
    if policy.covers(request.user, record.learner.home_region):
        return redirect("console:learner_passport", pk=record.learner_id)
    return redirect("console:activity", pk=record.activity_id)  # the activity's staff


@staff_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:60]
    return render(
        request,
        "passport/console/certificates.html",
        {
            "page": page_of(request, selectors.certificates_in_scope(actor=request.user, q=q), 50),
            "q": q,
            "reason_form": ReasonForm(),
        },
    )


@staff_required
@require_POST
def certificate_revoke(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = _or_404(lambda: selectors.certificate_in_scope(actor=request.user, serial=serial))
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking the certificate."))
        return redirect("console:certificates")
    try:
        services.certificate_revoke(actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Certificate %(serial)s has been revoked.") % {"serial": certificate.serial})
    return redirect(f"{reverse('console:certificates')}?q={certificate.serial}")


@staff_required
def import_list(request: HttpRequest) -> HttpResponse:
    if not policy.is_admin(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            started = import_jobs.record_import_start(
                actor=request.user,
                upload=form.cleaned_data["file"],
                issuer=form.cleaned_data["issuer"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("console:record_import", pk=started.pk)
    return render(
        request,
        "passport/console/imports.html",
        {"form": form, "page": page_of(request, selectors.record_imports(actor=request.user), 30)},
    )


@staff_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record_import = _or_404(lambda: selectors.record_import(actor=request.user, pk=pk))
    template = (
        "passport/console/import_progress.html" if request.headers.get("HX-Request") else "passport/console/import.html"
    )
    return render(
        request,
        template,
        {"record_import": record_import, "may_run_again": record_import.may_run_again(timezone.now())},
    )


@staff_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    record_import = _or_404(lambda: selectors.record_import(actor=request.user, pk=pk))
    try:
        import_jobs.record_import_retry(actor=request.user, record_import=record_import)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The import runs again; rows already imported are skipped."))
    return redirect("console:record_import", pk=record_import.pk)


@staff_required
def learning_stars(request: HttpRequest) -> HttpResponse:
    # Every region the actor administers, villages too: a village admin picks their own stars.
    regions = policy.restrict(request.user, policy.Action.VIEW, Region.objects.all()).order_by("path")
    form = StarsForm(request.GET or None, regions=regions)
    stars = None
    if form.is_bound and form.is_valid():
        stars = selectors.learning_stars(actor=request.user, **form.cleaned_data)
        if request.GET.get("format") == "csv":
            return _stars_csv(stars, form.cleaned_data)
    # The template asks honours (its calls_taking_learners tag) for the open calls the actor may
    # nominate learners in: each star gets a "nominate" link per call.
    return render(request, "passport/console/stars.html", {"form": form, "stars": stars})


def _stars_csv(stars, criteria) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="learning-stars-{criteria["region"].code}-{timezone.localdate():%Y%m%d}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Rank"),
            _("Name"),
            _("Mobile number"),
            _("Home village or community"),
            _("Hours"),
            _("Points"),
            _("Entries"),
        ]
    )
    for rank, star in enumerate(stars, start=1):
        home = star.learner.home_region
        writer.writerow(
            [
                rank,
                safe_cell(star.learner.name),
                mask_phone(star.learner.phone),
                safe_cell(home.display_name) if home else "",
                star.hours,
                star.points,
                star.entries,
            ]
        )
    return response
