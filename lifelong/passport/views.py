"""The learner's passport pages and the public certificate check."""

import json
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from lifelong.accounts.selectors import managed_profiles
from lifelong.common.paging import page_of
from lifelong.common.views import download

from . import exports, pdf, selectors, signing
from .verification import certificate_check

SERIAL_PATTERN = re.compile(r"[A-Z0-9-]{4,32}")


def _stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"


def _owner(request: HttpRequest, family_pk: int | None):
    """Whose passport this is: the signed-in learner's own, or that of a relative without a
    phone whom they manage (`/me/family/<id>/…`). Anyone else's answers 404."""
    if family_pk is None:
        return request.user
    relative = managed_profiles(actor=request.user).filter(pk=family_pk).first()
    if relative is None:
        raise Http404
    return relative


def _url(name: str, family_pk: int | None, *args) -> str:
    if family_pk is None:
        return reverse(f"passport:{name}", args=args)
    return reverse(f"passport:family_{name}", args=[family_pk, *args])


@never_cache
@login_required
def my_passport(request: HttpRequest, family_pk: int | None = None) -> HttpResponse:
    learner = _owner(request, family_pk)
    certificates = list(selectors.learner_certificates(learner=learner))
    for certificate in certificates:
        certificate.pdf_url = _url("certificate_pdf", family_pk, certificate.serial)
        certificate.document_url = _url("certificate_document", family_pk, certificate.serial)
    return render(
        request,
        "passport/mine.html",
        {
            "learner": learner,
            "summary": selectors.passport_summary(learner=learner),
            "page": page_of(request, selectors.passport_entries(learner=learner), 50),
            "certificates": certificates,
            "links": {
                "archive_pdf": _url("archive_pdf", family_pk),
                **{kind: _url("export", family_pk, kind) for kind in ("json", "csv", "xapi")},
            },
        },
    )


@never_cache
@login_required
def my_archive_pdf(request: HttpRequest, family_pk: int | None = None) -> HttpResponse:
    learner = _owner(request, family_pk)
    return download(pdf.archive_pdf(learner), f"learning-archive-{_stamp()}.pdf", "application/pdf")


@never_cache
@login_required
def my_export(request: HttpRequest, kind: str, family_pk: int | None = None) -> HttpResponse:
    learner = _owner(request, family_pk)
    if kind == "json":
        body = json.dumps(exports.archive_json(learner), ensure_ascii=False, indent=2)
        return download(body, f"learning-archive-{_stamp()}.json", "application/json; charset=utf-8")
    if kind == "csv":
        return download(exports.archive_csv(learner), f"learning-records-{_stamp()}.csv", "text/csv; charset=utf-8")
    if kind == "xapi":
        body = json.dumps(exports.xapi_statements(learner), ensure_ascii=False, indent=2)
        return download(body, f"xapi-statements-{_stamp()}.json", "application/json; charset=utf-8")
    raise Http404


def _own_certificate(request: HttpRequest, serial: str, family_pk: int | None):
    learner = _owner(request, family_pk)
    certificate = selectors.learner_certificates(learner=learner).filter(serial=serial.upper()).first()
    if certificate is None:
        raise Http404
    return certificate


@never_cache
@login_required
def my_certificate_pdf(request: HttpRequest, serial: str, family_pk: int | None = None) -> HttpResponse:
    certificate = _own_certificate(request, serial, family_pk)
    return download(pdf.certificate_pdf(certificate), f"certificate-{certificate.serial}.pdf", "application/pdf")


@never_cache
@login_required
def my_certificate_document(request: HttpRequest, serial: str, family_pk: int | None = None) -> HttpResponse:
    certificate = _own_certificate(request, serial, family_pk)
    body = json.dumps(exports.certificate_document(certificate), ensure_ascii=False, indent=2)
    return download(body, f"certificate-{certificate.serial}.json", "application/json; charset=utf-8")


def verify_search(request: HttpRequest) -> HttpResponse:
    """The form on /verify/: a typed serial goes to its page (spaces and case forgiven)."""
    serial = "".join((request.GET.get("serial") or "").split()).upper()[:40]
    if serial and SERIAL_PATTERN.fullmatch(serial):
        return redirect("passport:verify", serial=serial)
    check = certificate_check(serial) if serial else None  # a malformed serial is simply unknown
    return render(request, "passport/verify.html", {"check": check}, status=404 if check else 200)


def verify(request: HttpRequest, serial: str) -> HttpResponse:
    check = certificate_check(serial)
    return render(request, "passport/verify.html", {"check": check}, status=200 if check.known else 404)


def published_keys(request: HttpRequest) -> JsonResponse:
    return JsonResponse(signing.published_keys())
