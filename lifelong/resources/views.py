"""The public library: `/resources/`, one resource's page, its file, and "I have studied this".

A resource for signed-in learners only sends a signed-out visitor to sign in (page and file
alike, then back); the API answers 404 for it instead. Files are streamed through `resource_file`
with the type detected at upload, never from a media URL.
"""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lifelong.common.errors import DomainError
from lifelong.common.paging import page_of
from lifelong.common.visitors import remember_visitor, visitor_of

from . import selectors, services
from .choices import ResourceKind
from .forms import LibraryFilterForm
from .models import Resource

PAGE_SIZE = 20
# Types a browser shows or plays by itself; anything else is only ever a download.
INLINE_TYPES = {
    "application/pdf",
    "video/mp4",
    "video/webm",
    "audio/mpeg",
    "audio/mp4",
    "audio/ogg",
    "image/png",
    "image/jpeg",
}
# The file is shown as a document of its own: it may run nothing, load nothing, and is never
# taken for a page of this site (as raw user content is served elsewhere).
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
CHUNK = 64 * 1024
RANGE_PATTERN = re.compile(r"bytes=(\d*)-(\d*)")


def library(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    resources = selectors.resource_library(
        actor=request.user,
        q=(filters.get("q") or "").strip(),
        category=filters.get("category") or None,
        audience=filters.get("audience") or None,
        kind=filters.get("kind") or None,
        region=filters.get("region"),
    )
    page = page_of(request, resources, PAGE_SIZE)
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "resources/library.html", {"form": form, "page": page, "filters_query": kept.urlencode()})


def _sign_in_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")


def _visible_or_redirect(request: HttpRequest, pk: int) -> Resource | HttpResponse:
    actor = request.user if request.user.is_authenticated else None
    resource = selectors.resource_visible(actor=actor, resource_id=pk)
    if resource is not None:
        return resource
    if actor is None and selectors.resource_needs_sign_in(resource_id=pk):
        return _sign_in_redirect(request)
    raise Http404


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    resource = found
    visitor, fresh_cookie = visitor_of(request)
    if resource.is_published and services.resource_view_count(
        resource=resource, visitor=visitor, day=timezone.localdate()
    ):
        resource.view_count += 1  # shown at once; the row moved by a relative UPDATE
    if resource.is_published and resource.kind == ResourceKind.IMAGE:
        # The page shows the picture itself: seeing the page is opening it.
        services.resource_open_record(learner=request.user, resource=resource)
    response = render(
        request,
        "resources/detail.html",
        {
            "resource": resource,
            "study": selectors.resource_studied(learner=request.user, resource=resource),
            "opened": selectors.resource_opened(learner=request.user, resource=resource),
            "file_url": reverse("resources:file", args=[resource.pk]) if resource.is_file else "",
        },
    )
    remember_visitor(request, response, fresh_cookie)
    return response


def _download_name(resource: Resource, extension: str) -> str:
    title = re.sub(r"[\x00-\x1f\x7f/\\\"]+", " ", resource.title).strip()[:60] or f"resource-{resource.pk}"
    return f"{title}.{extension}"


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single `Range: bytes=…` request, or None to send the whole
    file (no header, or several ranges). Raises ValueError for a range outside the file."""
    match = RANGE_PATTERN.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        raise ValueError(header)
    if not first:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError(header)
    return start, end


def _chunks(handle, start: int, length: int):
    try:
        handle.seek(start)
        left = length
        while left > 0:
            block = handle.read(min(CHUNK, left))
            if not block:
                break
            left -= len(block)
            yield block
    finally:
        handle.close()


@require_GET
def resource_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream the file as the type detected when it was uploaded, with `nosniff` and a sandbox
    CSP; PDFs and media inline (unless `?download=1`), anything else as an attachment. Media
    players ask for byte ranges (206). A request for the whole file counts as a download; the
    player's range requests do not (they are playing, and one play makes many of them)."""
    found = _visible_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    resource = found
    if not resource.is_file or not resource.file:
        raise Http404
    storage = resource.file.storage
    try:
        size = storage.size(resource.file.name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    try:
        byte_range = _byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    # Any request for the file opens it, a player's range request too: a learner who played a
    # video, read the PDF or downloaded it may then mark it studied.
    if resource.is_published:
        services.resource_open_record(learner=request.user, resource=resource)
    handle = storage.open(resource.file.name, "rb")
    start, end = byte_range or (0, size - 1)
    response = StreamingHttpResponse(
        _chunks(handle, start, end - start + 1),
        status=206 if byte_range else 200,
        content_type=resource.content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(end - start + 1)
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        services.resource_download_count(resource=resource)
    inline = resource.content_type in INLINE_TYPES and request.GET.get("download") != "1"
    extension = resource.file.name.rsplit(".", 1)[-1]
    response["Content-Disposition"] = content_disposition_header(not inline, _download_name(resource, extension))
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def resource_link_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a link resource through this site, so a signed-in learner's opening is recorded
    (the address is the resource's own, never one from the request: no open redirect). The
    outside site is told nothing about where the reader came from."""
    found = _visible_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    resource = found
    if resource.is_file or not resource.url:
        raise Http404
    if resource.is_published:
        services.resource_open_record(learner=request.user, resource=resource)
    response = redirect(resource.url)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"  # each following is recorded, not answered by a cache
    return response


@login_required
@require_POST
def resource_study(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource_visible(actor=request.user, resource_id=pk)
    if resource is None:
        raise Http404
    try:
        study = services.resource_study(learner=request.user, resource=resource)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request,
            _("Well done: %(hours)s learning hours are in your passport.") % {"hours": study.hours},
        )
    return redirect("resources:detail", pk=pk)
