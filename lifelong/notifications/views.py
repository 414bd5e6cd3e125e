"""The signed-in person's notices."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lifelong.common.paging import page_of

from . import selectors, services


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "notifications/list.html", {"page": page_of(request, selectors.notices_for(actor=request.user), 30)}
    )


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    services.notices_mark_read(actor=request.user)
    return redirect("notifications:list")
