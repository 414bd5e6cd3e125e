"""The public open-data page: the county's and each town's learning-city indicators for a year,
read from the rollups (totals only: no person appears), with a CSV download."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from lifelong.common.exports import CSV_TYPE, csv_bytes

from . import exports, selectors
from .charts import open_data_chart
from .forms import YearForm


def open_data(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET, today=timezone.localdate())
    context: dict = {"form": form}
    if form.is_valid():
        board = selectors.open_data(period=form.cleaned_data["period"])
        context |= {
            "dashboard": board,
            "year": board.period.label,
            "chart": open_data_chart(board),
        }
    return render(request, "dashboards/open_data.html", context)


def open_data_csv(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["period"]), content_type="text/plain; charset=utf-8")
    board = selectors.open_data(period=form.cleaned_data["period"])
    response = HttpResponse(csv_bytes(exports.open_data_table(board)), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="haiyan-learning-indicators-{board.period.label}.csv"'
    return response
