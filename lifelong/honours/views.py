"""The public honour roll.

Learners on the roll are named in full with their town, and nothing else: an honour roll
(光荣榜) exists to recognise people publicly, and Chinese counties publish the names of their
learning stars. What the roll leaves out is everything a name does not need: the village,
age, phone number and the learning record behind the nomination.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from lifelong.common.paging import page_of

from . import selectors
from .forms import RollFilterForm

ROLL_PAGE_SIZE = 30


def honour_roll(request: HttpRequest) -> HttpResponse:
    form = RollFilterForm(request.GET or None, years=selectors.honour_years())
    filters = form.cleaned_data if form.is_valid() else {}
    honours = selectors.honour_roll(
        level=filters.get("level") or None, year=filters.get("year"), kind=filters.get("kind") or None
    )
    chosen = {key: value for key, value in filters.items() if value}
    return render(
        request,
        "honours/roll.html",
        {"form": form, "page": page_of(request, honours, ROLL_PAGE_SIZE), "filters": urlencode(chosen)},
    )
