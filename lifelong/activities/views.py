"""Public catalogue and activity pages, and the learner's own registration actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lifelong.accounts.selectors import managed_profiles
from lifelong.common.errors import DomainError
from lifelong.common.forms import posted_id
from lifelong.common.paging import page_of
from lifelong.common.views import safe_next

from . import calendar, checkin, public_state, selectors, services
from .forms import CatalogueFilterForm

CATALOGUE_PAGE_SIZE = 20


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.values()
    when = filters.get("when") or selectors.WHEN_COMING
    near = request.user.home_region if request.user.is_authenticated else None
    q = (filters.get("q") or "").strip()
    activities = selectors.activity_catalogue(
        q=q,
        region=filters.get("region"),
        category=filters.get("category") or None,
        audience=filters.get("audience") or None,
        available=bool(filters.get("available")),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        near=near,
        when=when,
    )
    context = {
        "form": form,
        "page": page_of(request, activities, CATALOGUE_PAGE_SIZE),
        "near": near if when == selectors.WHEN_COMING else None,
        "when": when,
        "q": q,
        "active_filters": form.active_filter_count(),
        "filter_errors": any(form[name].errors for name in form.FILTERS) if form.is_bound else False,
    }
    return render(request, "activities/catalogue.html", context)


def _venues_of(activity) -> list:
    """The places the activity is held at, in session order (most have one)."""
    venues = {}
    for session in activity.sessions.all():
        if session.venue is not None:
            venues.setdefault(session.venue.pk, session.venue)
    if not venues and activity.venue is not None:
        venues[activity.venue.pk] = activity.venue
    return list(venues.values())


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user if request.user.is_authenticated else None
    activity = selectors.activity_visible(actor=actor, activity_id=pk)
    if activity is None:
        raise Http404
    mine, family, place = None, [], None
    if actor is not None:
        mine = selectors.my_registrations(actor=actor).filter(activity=activity, learner=actor).first()
        if mine is not None:
            place = selectors.waitlist_place(mine)
        family = list(managed_profiles(actor=actor))
    now = timezone.now()
    sessions = list(activity.sessions.all())
    # The headline's date: the next session still to end, else (all over) the last one held.
    headline = next((s for s in sessions if s.ends_at > now), sessions[-1] if sessions else None)
    venues = _venues_of(activity)
    context = {
        "activity": activity,
        "headline_session": headline,
        "headline_place": venues[0].institution if venues else activity.institution,
        "state": public_state.activity_public_state(activity, now=now),
        "eligibility": public_state.activity_eligibility(activity, viewer=actor),
        "venues": venues,
        "contact_phone": activity.contact_phone or activity.institution.contact_phone,
        "now": now,
        "mine": mine if mine is not None and mine.status not in ("cancelled", "rejected") else None,
        "my_place": place,
        "family": family,
    }
    return render(request, "activities/detail.html", context)


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_visible(actor=request.user, activity_id=pk)
    if activity is None:
        raise Http404
    learner = request.user
    if "learner" in request.POST:  # a relative's managed profile, registered by their family
        learner = managed_profiles(actor=request.user).filter(pk=posted_id(request.POST["learner"])).first()
        if learner is None:
            raise Http404
    try:
        registration = services.registration_create(actor=request.user, activity=activity, learner=learner)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("activities:detail", pk=pk)
    if learner != request.user:
        messages.success(
            request,
            _("%(name)s: %(status)s.") % {"name": learner.name, "status": registration.get_status_display()},
        )
    elif registration.status == "waitlisted":
        messages.info(
            request,
            _("The activity is full: you are number %(n)d on the waitlist.")
            % {"n": selectors.waitlist_place(registration)},
        )
    elif registration.status == "pending":
        messages.info(request, _("Your registration waits for the organizer's approval."))
    else:
        messages.success(request, _("You are registered."))
    return redirect("activities:detail", pk=pk)


def _own_registration(request: HttpRequest, pk: int):
    registration = selectors.registration_for_actor(actor=request.user, registration_id=pk)
    if registration is None:
        raise Http404
    return registration


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Your registration has been cancelled."))
    # Back where the learner cancelled (the activity page sends `next`), else their own page.
    return redirect(safe_next(request, fallback=reverse("me")))


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    try:
        services.registration_offer_accept(actor=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The seat is yours."))
    return redirect("me")


def activity_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user if request.user.is_authenticated else None
    activity = selectors.activity_visible(actor=actor, activity_id=pk)
    if activity is None:
        raise Http404
    response = HttpResponse(calendar.activity_ics(activity), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed a phone calendar subscribes to; the token is the only credential."""
    owner = calendar.feed_owner(token)
    if owner is None:
        raise Http404
    response = HttpResponse(calendar.feed_ics(owner), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def calendar_feed_reset(request: HttpRequest) -> HttpResponse:
    calendar.feed_reset(user=request.user)
    messages.success(request, _("Your calendar address has been replaced; the old one no longer works."))
    return redirect("me")


def checkin_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the venue's QR code leads: the learner confirms, and is checked in. Someone
    signed out is sent to sign in with a code that lasts long enough for that."""
    session = selectors.session_public(session_id=pk)
    if session is None:
        raise Http404
    token = (request.POST.get("t") if request.method == "POST" else request.GET.get("t")) or ""
    if not request.user.is_authenticated:
        try:
            token = checkin.sign_in_grace_token(session=session, token=token)
        except DomainError as error:
            messages.error(request, error.detail)
            token = ""
        next_url = f"{reverse('activities:checkin', args=[pk])}?{urlencode({'t': token})}"
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
    done = False
    if request.method == "POST":
        try:
            checkin.checkin_record(actor=request.user, session=session, token=token)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            done = True
            messages.success(request, _("You are checked in. Enjoy the session!"))
    return render(request, "activities/checkin.html", {"session": session, "token": token, "done": done})
