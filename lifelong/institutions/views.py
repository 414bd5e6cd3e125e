"""Console pages for institutions and venues, scoped to the actor's subtree."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.accounts.selectors import regions_in_scope
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error
from lifelong.common.paging import page_of

from . import services
from .forms import BookingForm, InstitutionForm, VenueForm
from .selectors import (
    booking_for_actor,
    institution_staff_list,
    venue_bookable_list,
    venue_bookings,
    venue_staff_list,
)


def _to_edit(request: HttpRequest, staff_list: Callable[..., QuerySet], pk: int | None) -> Any:
    """Admins only: the row `pk` of `staff_list` the actor may change, None for a new one;
    404 for anyone else and any other row."""
    if not policy.is_admin(request.user):
        raise Http404
    if pk is None:
        return None
    found = staff_list(actor=request.user, action=policy.Action.CHANGE).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@staff_required
def institution_list(request: HttpRequest) -> HttpResponse:
    institutions = institution_staff_list(actor=request.user).order_by("region__path", "kind", "name")
    return render(
        request,
        "institutions/institution_list.html",
        {
            "page": page_of(request, institutions),
            "can_create": policy.is_admin(request.user),
        },
    )


@staff_required
def institution_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    institution = _to_edit(request, institution_staff_list, pk)
    regions = regions_in_scope(actor=request.user).order_by("path")
    form = InstitutionForm(request.POST or None, instance=institution, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            if institution is None:
                services.institution_create(actor=request.user, request=request, **form.cleaned_data)
            else:
                services.institution_update(
                    actor=request.user, institution=institution, request=request, **form.cleaned_data
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:institutions")
    return render(request, "institutions/institution_form.html", {"form": form, "institution": institution})


@staff_required
def venue_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, venue_staff_list(actor=request.user))
    bookable = venue_bookable_list(actor=request.user).filter(pk__in=[venue.pk for venue in page])
    return render(
        request,
        "institutions/venue_list.html",
        {
            "page": page,
            "can_create": policy.is_admin(request.user),
            "bookable_ids": set(bookable.values_list("pk", flat=True)),
        },
    )


@staff_required
def venue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    venue = _to_edit(request, venue_staff_list, pk)
    institutions = institution_staff_list(actor=request.user, action=policy.Action.CHANGE).order_by(
        "region__path", "name"
    )
    form = VenueForm(request.POST or None, request.FILES or None, instance=venue, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            if venue is None:
                services.venue_create(actor=request.user, request=request, **form.cleaned_data)
            else:
                services.venue_update(actor=request.user, venue=venue, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:venues")
    return render(request, "institutions/venue_form.html", {"form": form, "venue": venue})


# Upcoming bookings shown on a venue's booking page.
BOOKINGS_PER_PAGE = 50


@staff_required
def venue_booking_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A venue's upcoming bookings and the form to book it (admins over it, its organizers)."""
    venue = venue_bookable_list(actor=request.user).filter(pk=pk).first()
    if venue is None:
        raise Http404
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_booking_create(actor=request.user, venue=venue, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The venue is booked."))
            return redirect("console:venue_bookings", pk=venue.pk)
    return render(
        request,
        "institutions/booking_list.html",
        {
            "venue": venue,
            "form": form,
            "bookings": page_of(request, venue_bookings(actor=request.user, venue=venue), BOOKINGS_PER_PAGE),
        },
    )


@staff_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = booking_for_actor(actor=request.user, booking_id=pk)
    if booking is None:
        raise Http404
    try:
        services.venue_booking_cancel(actor=request.user, booking=booking, request=request)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The booking is cancelled; the venue is free at that time."))
    return redirect("console:venue_bookings", pk=booking.venue_id)
