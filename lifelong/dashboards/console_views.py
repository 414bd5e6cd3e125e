"""The console dashboard: an admin's figures for their subtree and a period, drilled down
county → town → village, each table downloadable as CSV or XLSX.

Admins only (county, town, village); other staff and anything outside the actor's subtree
answer 404, as the selector raises NotFound there. The page reads rollups only; "refresh now"
asks the task worker to rebuild them.
"""

import re
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.common.errors import DomainError, NotFound
from lifelong.common.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes

from . import exports, refresh, selectors, unmet
from .charts import dashboard_charts
from .forms import PeriodForm, period_display

REGION_CODE = re.compile(r"\d{6,12}")


def _admin_or_404(request: HttpRequest) -> None:
    if not policy.is_admin(request.user):
        raise Http404


def _region_code(value: str | None) -> str | None:
    """The `region=` parameter: absent means the actor's own region; anything that is not a
    region code can match no region, so it answers 404 like an unknown one."""
    if not value:
        return None
    if not REGION_CODE.fullmatch(value):
        raise Http404
    return value


def _dashboard_or_404(request: HttpRequest, period: selectors.Period) -> selectors.Dashboard:
    try:
        return selectors.dashboard_for(
            actor=request.user, region_code=_region_code(request.GET.get("region")), period=period
        )
    except NotFound as error:
        raise Http404 from error


def _today() -> date:
    return timezone.localdate()


def dashboard_query(dashboard: selectors.Dashboard) -> str:
    """The query string naming this dashboard (region and period), for links and exports."""
    return urlencode({"region": dashboard.region.code, "period": dashboard.period.label})


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _admin_or_404(request)
    form = PeriodForm(request.GET, today=_today())
    context = {"form": form, "region_code": _region_code(request.GET.get("region")) or ""}
    if not form.is_valid():  # a period typed into the URL: say what is wrong, show no figures
        return render(request, "dashboards/console_dashboard.html", context)
    board = _dashboard_or_404(request, form.cleaned_data["period"])
    context |= {
        "dashboard": board,
        "figures": board.figures,
        "period_name": period_display(board.period),
        "query": dashboard_query(board),
        "period_label": board.period.label,
        "charts": dashboard_charts(board),
        "unmet_total": board.figures.waitlisted + board.figures.rejected,
    }
    return render(request, "dashboards/console_dashboard.html", context)


@staff_required
def unmet_demand(request: HttpRequest, region_code: str, category: str) -> HttpResponse:
    """The activities behind one row of the dashboard's unmet demand (region × category, in
    the period of `?period=`; `?own=1` for the row of the dashboard region's own institutions),
    each with a link to its page and, where the actor may copy it, "Copy as a new session"."""
    _admin_or_404(request)
    if not REGION_CODE.fullmatch(region_code):
        raise Http404
    own_level = request.GET.get("own") == "1"
    form = PeriodForm(request.GET, today=_today())
    context = {"form": form, "region_code": region_code, "category": category, "own_level": own_level}
    if not form.is_valid():  # a period typed into the URL: say what is wrong, list nothing
        try:  # but only for a row the actor may open at all
            unmet.unmet_scope(actor=request.user, region_code=region_code, category=category)
        except NotFound as error:
            raise Http404 from error
        return render(request, "dashboards/unmet_demand.html", context)
    try:
        demand = unmet.unmet_demand_activities(
            actor=request.user,
            region_code=region_code,
            category=category,
            period=form.cleaned_data["period"],
            own_level=own_level,
        )
    except NotFound as error:
        raise Http404 from error
    context |= {
        "demand": demand,
        "period_name": period_display(demand.period),
        "period_label": demand.period.label,
        "back_query": urlencode({"region": demand.dashboard_code, "period": demand.period.label}),
    }
    return render(request, "dashboards/unmet_demand.html", context)


@staff_required
def dashboard_export(request: HttpRequest, table: str, file_format: str) -> HttpResponse:
    _admin_or_404(request)
    if table not in exports.TABLES:
        raise Http404
    form = PeriodForm(request.GET, today=_today())
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["period"]), content_type="text/plain; charset=utf-8")
    board = _dashboard_or_404(request, form.cleaned_data["period"])
    sheet = exports.dashboard_table(board, table)
    filename = f"dashboard-{board.region.code}-{board.period.label}-{table}.{file_format}"
    if file_format == "xlsx":
        response = HttpResponse(xlsx_bytes(sheet), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(sheet), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
@require_POST
def dashboard_refresh(request: HttpRequest) -> HttpResponse:
    """Ask the task worker to rebuild the period on screen now (with its trend months never
    built), then come back to the same dashboard. A period that does not parse rebuilds the
    current ones, as before there was a choice."""
    _admin_or_404(request)
    form = PeriodForm({"period": request.POST.get("period", "")}, today=_today())
    chosen = form.cleaned_data["period"] if request.POST.get("period") and form.is_valid() else None
    try:
        queued = refresh.rollups_refresh_request(actor=request.user, period=chosen)
    except NotFound as error:
        raise Http404 from error
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        if queued:
            messages.success(request, _("The figures are being rebuilt. Reload the page in a minute to see them."))
        else:
            messages.info(request, _("A rebuild of the figures is already on its way. Reload the page in a minute."))
    back = {}
    region = request.POST.get("region", "")
    if REGION_CODE.fullmatch(region):
        back["region"] = region
    if chosen is not None:
        back["period"] = chosen.label
    url = reverse("console:dashboard")
    return redirect(f"{url}?{urlencode(back)}" if back else url)
