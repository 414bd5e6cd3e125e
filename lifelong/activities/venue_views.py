"""Public pages of the venue network: `/venues/` (the experience and culture halls, their
venues and what is coming up there) and `/venues/<id>/`. Staff who may book a venue also
see its bookings on its page. They live in activities, above institutions, because what is
coming up at a venue is activities' sessions (URL names stay in the `venues` namespace)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lifelong.common.paging import page_of
from lifelong.institutions.forms import HallFilterForm
from lifelong.institutions.selectors import venue_bookable_list, venue_bookings, venue_public_get

from .venues import hall_directory, upcoming_sessions

HALLS_PER_PAGE = 20
UPCOMING_ON_VENUE_PAGE = 20
BOOKINGS_ON_VENUE_PAGE = 50


def venue_directory(request: HttpRequest) -> HttpResponse:
    form = HallFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    halls = hall_directory(town=filters.get("town"), kind=filters.get("kind") or None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "institutions/venue_directory.html",
        {"form": form, "page": page_of(request, halls, HALLS_PER_PAGE), "filter_query": query.urlencode()},
    )


def venue_page(request: HttpRequest, pk: int) -> HttpResponse:
    venue = venue_public_get(venue_id=pk)
    if venue is None:
        raise Http404
    bookings = None
    if request.user.is_authenticated and venue_bookable_list(actor=request.user).filter(pk=venue.pk).exists():
        bookings = list(venue_bookings(actor=request.user, venue=venue)[:BOOKINGS_ON_VENUE_PAGE])
    return render(
        request,
        "institutions/venue_page.html",
        {
            "venue": venue,
            "sessions": list(upcoming_sessions().filter(venue=venue)[:UPCOMING_ON_VENUE_PAGE]),
            "bookings": bookings,
        },
    )
