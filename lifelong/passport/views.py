"""The learner's passport pages and the public certificate check."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from lifelong.common.paging import page_of

from . import exports, pdf, selectors, signing
from .verification import certificate_check


def _download(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"


@never_cache
@login_required
def my_passport(request: HttpRequest) -> HttpResponse:
    learner = request.user
    return render(
        request,
        "passport/mine.html",
        {
            "summary": selectors.passport_summary(learner=learner),
            "page": page_of(request, selectors.passport_entries(learner=learner), 50),
            "certificates": selectors.learner_certificates(learner=learner),
        },
    )


@never_cache
@login_required
def my_archive_pdf(request: HttpRequest) -> HttpResponse:
    return _download(pdf.archive_pdf(request.user), f"learning-archive-{_stamp()}.pdf", "application/pdf")


@never_cache
@login_required
def my_export(request: HttpRequest, kind: str) -> HttpResponse:
    learner = request.user
    if kind == "json":
        body = json.dumps(exports.archive_json(learner), ensure_ascii=False, indent=2)
        return _download(body, f"learning-archive-{_stamp()}.json", "application/json; charset=utf-8")
    if kind == "csv":
        return _download(exports.archive_csv(learner), f"learning-records-{_stamp()}.csv", "text/csv; charset=utf-8")
    if kind == "xapi":
        body = json.dumps(exports.xapi_statements(learner), ensure_ascii=False, indent=2)
        return _download(body, f"xapi-statements-{_stamp()}.json", "application/json; charset=utf-8")
    raise Http404


def _own_certificate(request: HttpRequest, serial: str):
    certificate = selectors.learner_certificates(learner=request.user).filter(serial=serial.upper()).first()
    if certificate is None:
        raise Http404
    return certificate


@never_cache
@login_required
def my_certificate_pdf(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = _own_certificate(request, serial)
    return _download(pdf.certificate_pdf(certificate), f"certificate-{certificate.serial}.pdf", "application/pdf")


@never_cache
@login_required
def my_certificate_document(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = _own_certificate(request, serial)
    body = json.dumps(exports.certificate_document(certificate), ensure_ascii=False, indent=2)
    return _download(body, f"certificate-{certificate.serial}.json", "application/json; charset=utf-8")


def verify_search(request: HttpRequest) -> HttpResponse:
    serial = (request.GET.get("serial") or "").strip().upper()
    if serial:
        return (
            redirect("passport:verify", serial=serial)
            if serial.replace("-", "").isalnum()
            else redirect(reverse("passport:verify_search"))
        )
    return render(request, "passport/verify.html", {"check": None})


def verify(request: HttpRequest, serial: str) -> HttpResponse:
    check = certificate_check(serial)
    return render(request, "passport/verify.html", {"check": check}, status=200 if check.known else 404)


def published_keys(request: HttpRequest) -> JsonResponse:
    return JsonResponse(signing.published_keys())
