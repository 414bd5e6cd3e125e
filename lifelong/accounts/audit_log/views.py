"""`/console/audit/`: the audit log of the admin's subtree, filtered, paged and exportable."""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from lifelong.common.models import AuditEvent
from lifelong.common.paging import page_of
from lifelong.common.views import download

from ..decorators import staff_required
from . import exports
from .forms import ActorSearchForm, AuditFilterForm
from .selectors import audit_actor, audit_actor_matches, audit_event_list, may_view_audit

PAGE_SIZE = 30
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class AuditRow:
    """One event as the list shows it."""

    event: AuditEvent
    time: str
    actor: str
    action: str
    object_type: str
    object_url: str
    changes: str
    user_agent: str


def _row(event: AuditEvent) -> AuditRow:
    return AuditRow(
        event=event,
        time=exports.local_time(event),
        actor=exports.actor_label(event.actor),
        action=exports.action_label(event.action),
        object_type=exports.object_type_label(event.object_type),
        object_url=exports.object_url(event),
        changes=exports.changes_text(event.changes),
        user_agent=exports.short_user_agent(event.user_agent),
    )


def _admin_or_404(request: HttpRequest) -> None:
    # Staff who administer nothing (organizers, editors) get the same answer as strangers.
    if not may_view_audit(request.user):
        raise Http404


@staff_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The events, newest first. Filters travel in the URL (ids and dates only); finding a
    person by name or phone is a POST that answers with links carrying their id."""
    _admin_or_404(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else AuditFilterForm({}).filters()
    search = ActorSearchForm(request.POST if request.method == "POST" else None)
    matches = None
    if search.is_bound and search.is_valid():
        matches = audit_actor_matches(actor=request.user, query=search.cleaned_data["q"])
    chosen_actor = audit_actor(actor=request.user, actor_id=filters.actor_id) if filters.actor_id else None
    page = page_of(request, audit_event_list(actor=request.user, filters=filters), PAGE_SIZE)
    without_actor = request.GET.copy()
    for key in ("actor", "page"):
        without_actor.pop(key, None)
    return render(
        request,
        "accounts/console/audit.html",
        {
            "form": form,
            "search": search,
            "matches": matches,
            "chosen_actor": chosen_actor,
            "chosen_actor_label": exports.actor_label(chosen_actor),
            "actor_filtered": filters.actor_id is not None,
            "query_without_actor": without_actor.urlencode(),
            "page": page,
            "rows": [_row(event) for event in page.object_list],
            "export_limit": exports.EXPORT_LIMIT,
            "export_query": request.GET.urlencode() if request.GET else "",
        },
    )


@staff_required
def audit_export(request: HttpRequest, file_format: str) -> HttpResponse:
    _admin_or_404(request)
    form = AuditFilterForm(request.GET or {})
    if not form.is_valid():
        problems = " ".join(str(message) for errors in form.errors.values() for message in errors)
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    content, _rows = exports.audit_export(
        actor=request.user, filters=form.filters(), file_format=file_format, request=request
    )
    content_type = XLSX_TYPE if file_format == "xlsx" else CSV_TYPE
    return download(content, f"audit.{file_format}", content_type)
