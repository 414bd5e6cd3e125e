"""`/console/activities/`: organizers create and run activities, admins approve them, staff
take attendance at the venue. Every object is looked up through a scoped selector (404
outside scope); every change goes through `services` or `checkin`."""

import segno
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lifelong.accounts import policy
from lifelong.accounts.decorators import staff_required
from lifelong.accounts.models import User
from lifelong.accounts.selectors import learner_get
from lifelong.common.errors import DomainError, Throttled
from lifelong.common.forms import add_domain_error, posted_id
from lifelong.common.paging import page_of
from lifelong.community.selectors import programmes_for_activity_form, teams_for_activity_form
from lifelong.institutions.models import Institution, Venue

from . import checkin, desk, selectors, services
from .choices import ACTIVE_STATUSES, ActivityStatus, CheckinMethod, RegistrationChannel
from .forms import (
    ActivityContentForm,
    ActivityEditForm,
    ActivityForm,
    CatalogueFilterForm,
    LearnerLookupForm,
    RejectForm,
    SessionEditFormSet,
    SessionForm,
    SessionFormSet,
    session_initial,
    session_specs,
    sessions_shown,
)
from .models import Registration
from .services import editing


def _managed_or_404(request: HttpRequest, pk: int):
    """The activity, if the actor runs its institution or is an admin whose subtree covers it."""
    activity = selectors.activity_managed(actor=request.user, activity_id=pk)
    if activity is None:
        raise Http404
    return activity


@staff_required
def activity_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") if request.GET.get("status") in ActivityStatus.values else None
    page = page_of(request, selectors.activities_managed(actor=request.user, status=status), 30)
    # The unmet demand of the actor's own activities (the dashboard's page is for admins only).
    waiting = selectors.still_waiting(actor=request.user, activities=page)
    for activity in page:
        activity.still_waiting = waiting.get(activity.pk, 0)
    return render(
        request,
        "activities/console/list.html",
        {
            "page": page,
            "awaiting": selectors.awaiting_approval(actor=request.user)[:50],
            "statuses": ActivityStatus.choices,
            "status": status,
        },
    )


def _form_choices(actor: User):
    institutions = Institution.objects.filter(pk__in=selectors.manageable_institution_ids(actor)).select_related(
        "region"
    )
    venues = policy.restrict(actor, policy.Action.VIEW, Venue.objects.filter(is_active=True)).select_related(
        "institution"
    )
    return institutions.order_by("region__path", "name"), venues.order_by("institution__name", "name")


@staff_required
def activity_new(request: HttpRequest) -> HttpResponse:
    institutions, venues = _form_choices(request.user)
    if not institutions.exists():
        raise Http404
    data = request.POST or None
    form = ActivityForm(
        data,
        request.FILES or None,
        institutions=institutions,
        venues=venues,
        # As on the edit page: offered to an admin over one of the organizers they may choose.
        may_override=any(policy.covers(request.user, institution.region) for institution in institutions),
        programmes=programmes_for_activity_form(
            actor=request.user, managed_institutions=selectors.manageable_institution_ids(request.user)
        ),
        teams=teams_for_activity_form(actor=request.user),
    )
    sessions = SessionFormSet(data, prefix="sessions", form_kwargs={"venues": venues})
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        fields = dict(form.cleaned_data)
        institution = fields.pop("institution")
        specs = [s for s in sessions.cleaned_data if s.get("starts_at") and s.get("ends_at")]
        try:
            activity = services.activity_create(actor=request.user, institution=institution, sessions=specs, **fields)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The draft is saved. Submit it for approval when it is ready."))
            return redirect("console:activity", pk=activity.pk)
    return render(request, "activities/console/form.html", {"form": form, "sessions": sessions})


@staff_required
def activity_content(request: HttpRequest, pk: int) -> HttpResponse:
    """The activity's edit page: everything set at creation, sessions included (the url keeps
    its old name). A cancelled or completed activity keeps only its words and picture editable."""
    activity = _managed_or_404(request, pk)
    if activity.status in editing.FINISHED:
        return _content_only(request, activity)
    _institutions, venues = _form_choices(request.user)
    # The places the activity is held at stay choosable, even if the actor would not be offered them.
    held_at = {activity.venue_id, *activity.sessions.values_list("venue_id", flat=True)} - {None}
    venues = (
        Venue.objects.filter(Q(pk__in=venues.values("pk")) | Q(pk__in=held_at))
        .select_related("institution")
        .order_by("institution__name", "name")
    )
    data = request.POST or None
    form = ActivityEditForm(
        data,
        request.FILES or None,
        activity=activity,
        venues=venues,
        may_override=policy.covers(request.user, activity.institution.region),
        programmes=programmes_for_activity_form(
            actor=request.user, managed_institutions=selectors.manageable_institution_ids(request.user)
        ),
        teams=teams_for_activity_form(actor=request.user),
    )
    sessions = SessionEditFormSet(
        data, prefix="sessions", initial=None if data else session_initial(activity), form_kwargs={"venues": venues}
    )
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name in services.ACTIVITY_FIELDS}
        try:
            change = services.activity_update(
                actor=request.user,
                activity=activity,
                sessions=session_specs(sessions, activity=activity, activity_venue=form.cleaned_data.get("venue")),
                sessions_shown=sessions_shown(sessions),
                over_venue_capacity=form.cleaned_data.get("over_venue_capacity", False),
                cover_upload=form.cleaned_data.get("cover_upload"),
                cover_alt=form.cleaned_data.get("cover_alt"),
                cover_clear=form.cleaned_data.get("cover_clear", False),
                **fields,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _edit_result(change))
            return redirect("console:activity", pk=pk)
    return render(
        request, "activities/console/edit_form.html", {"form": form, "sessions": sessions, "activity": activity}
    )


def _edit_result(change: editing.ActivityChange) -> str:
    """What an edit did, in words: saved or not, who was told, who got a seat."""
    if not change.anything:
        return _("Nothing was changed.")
    said = [_("Saved.")]
    if change.told:
        said.append(
            ngettext(
                "%(n)d learner was told about the change.", "%(n)d learners were told about the change.", change.told
            )
            % {"n": change.told}
        )
    if change.promoted:
        said.append(
            ngettext(
                "%(n)d learner moved up from the waitlist.",
                "%(n)d learners moved up from the waitlist.",
                change.promoted,
            )
            % {"n": change.promoted}
        )
    if change.activity.status == ActivityStatus.REJECTED:
        said.append(_("Submit it again when it is ready."))
    return " ".join(said)


def _content_only(request: HttpRequest, activity) -> HttpResponse:
    form = ActivityContentForm(request.POST or None, request.FILES or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_content_update(actor=request.user, activity=activity, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:activity", pk=activity.pk)
    return render(request, "activities/console/content_form.html", {"form": form, "activity": activity})


@staff_required
@require_POST
def activity_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy as a new draft (same content and rules, sessions the week after the original's
    last one, no registrations) and open it for editing."""
    activity = _managed_or_404(request, pk)
    try:
        copy = services.activity_copy(actor=request.user, activity=activity)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("console:activity", pk=pk)
    first = copy.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
    messages.success(
        request,
        _(
            "A copy is saved as a draft, starting %(start)s. Check the dates and the details, save, and submit it "
            "for approval."
        )
        % {"start": format_date(timezone.localtime(first), "Y-m-d H:i")},
    )
    return redirect("console:activity_content", pk=copy.pk)


@staff_required
def activity_manage(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed_or_404(request, pk)
    _institutions, venues = _form_choices(request.user)
    # The lookup is POSTed: names and phone numbers stay out of URLs and logs.
    lookup = LearnerLookupForm(request.POST if request.method == "POST" else None)
    found, desk_phone = [], None
    if lookup.is_valid():
        try:
            found, desk_phone = desk.desk_learner_lookup(
                actor=request.user, activity=activity, query=lookup.cleaned_data["q"]
            )
        except Throttled as error:
            lookup.add_error("q", error.detail)
    return render(
        request,
        "activities/console/manage.html",
        {
            "activity": activity,
            # People still waiting for it: a new session would seat them (copy offered beside).
            "still_waiting": selectors.still_waiting(actor=request.user, activities=[activity]).get(activity.pk, 0),
            "sessions": activity.sessions.select_related("venue").order_by("starts_at"),
            # One form for every session (the session is chosen in it): a fixed number of queries.
            "session_form": SessionForm(venues=venues),
            "may_approve": policy.covers(request.user, activity.institution.region),
            "roster": page_of(request, selectors.roster(actor=request.user, activity=activity), 100),
            # The overview's tiles and the approval queue: two queries whatever the roster's size.
            "counts": selectors.roster_counts(activity=activity),
            "approval_queue": selectors.approval_queue(activity=activity),
            "lookup": lookup,
            "found": found,
            "desk_phone": desk_phone,
            "reject_form": RejectForm(),
            "active_statuses": ACTIVE_STATUSES,
        },
    )


_TRANSITIONS = {
    "submit": services.activity_submit,
    "publish": services.activity_publish,
    "cancel": services.activity_cancel,
}


@staff_required
@require_POST
def activity_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    activity = _managed_or_404(request, pk)
    try:
        if action == "reject":
            form = RejectForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            changed = services.activity_reject(actor=request.user, activity=activity, reason=reason)
        elif action in _TRANSITIONS:
            changed = _TRANSITIONS[action](actor=request.user, activity=activity)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, _("Done: the activity is now “%(status)s”.") % {"status": changed.get_status_display()}
        )
    return redirect("console:activity", pk=pk)


@staff_required
@require_POST
def roster_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a learner at the desk (a walk-in, channel onsite) or on their behalf (proxy):
    someone from the actor's admin scope by id, anyone else by the full mobile number they give."""
    activity = _managed_or_404(request, pk)
    desk_phone = None
    if request.POST.get("phone"):
        try:
            _activity, learner, desk_phone = desk.desk_learner_find(
                actor=request.user, activity_id=activity.pk, phone=request.POST["phone"]
            )
        except Throttled as error:
            messages.error(request, error.detail)
            return redirect("console:activity", pk=pk)
        except DomainError:  # a number nobody holds, or not a number: as before, no such person
            raise Http404 from None
    else:
        learner = learner_get(actor=request.user, learner_id=posted_id(request.POST.get("learner")))
    if learner is None:
        raise Http404
    channel = (
        RegistrationChannel.ONSITE
        if desk_phone or request.POST.get("channel") == RegistrationChannel.ONSITE
        else RegistrationChannel.PROXY
    )
    try:
        registration = services.registration_create(
            actor=request.user, activity=activity, learner=learner, channel=channel, desk_phone=desk_phone
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Registered: %(status)s.") % {"status": registration.get_status_display()})
    return redirect("console:activity", pk=pk)


_REGISTRATION_ACTIONS = {
    "approve": services.registration_approve,
    "reject": services.registration_reject,
    "cancel": services.registration_cancel,
}


@staff_required
@require_POST
def registration_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    registration = selectors.registration_for_actor(actor=request.user, registration_id=pk)
    if registration is None or action not in _REGISTRATION_ACTIONS:
        raise Http404
    try:
        _REGISTRATION_ACTIONS[action](actor=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Saved."))
    return redirect("console:activity", pk=registration.activity_id)


def _session_or_404(request: HttpRequest, pk: int):
    session = selectors.session_managed(actor=request.user, session_id=pk)
    if session is None:
        raise Http404
    return session


@staff_required
def session_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The venue screen: a full-screen QR code that rotates, plus check-in by name or phone."""
    session = _session_or_404(request, pk)
    sheet = selectors.sign_in_sheet(session=session)
    return render(
        request,
        "activities/console/checkin.html",
        {
            "session": session,
            "activity": session.activity,
            "sheet": sheet,
            "checked_in": selectors.checked_in_learner_ids(session=session),
            "rotation_seconds": checkin.QR_ROTATION_SECONDS,
            **_qr_context(session),
        },
    )


def _qr_context(session) -> dict:
    token = checkin.checkin_token(session=session)
    link = checkin.checkin_url(session=session, token=token)
    # omitsize: a viewBox without a fixed size, so the venue screen scales the code to the room.
    return {"qr_svg": segno.make(link, error="m").svg_inline(scale=8, border=2, omitsize=True), "qr_link": link}


@staff_required
def session_checkin_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR fragment the venue screen reloads every rotation (htmx)."""
    session = _session_or_404(request, pk)
    return render(
        request,
        "activities/console/checkin_qr.html",
        {"session": session, "count": session.attendances.count(), **_qr_context(session)},
    )


@staff_required
@require_POST
def session_checkin_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff check a learner in from the list, or enter a paper sheet afterwards."""
    session = _session_or_404(request, pk)
    registration = (
        selectors.sign_in_sheet(session=session).filter(learner_id=posted_id(request.POST.get("learner"))).first()
    )
    method = CheckinMethod.PAPER if request.POST.get("method") == CheckinMethod.PAPER else CheckinMethod.STAFF
    if registration is None:
        messages.error(request, _("This learner is not registered for the activity."))
    else:
        try:
            checkin.checkin_record(actor=request.user, session=session, learner=registration.learner, method=method)
        except DomainError as error:
            messages.error(request, f"{registration.learner.name}: {error.detail}")
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.learner.name})
    target = "console:session_sheet" if method == CheckinMethod.PAPER else "console:session_checkin"
    return redirect(target, pk=pk)


@staff_required
def session_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable sign-in sheet; the same page takes the ticks back in after the session."""
    session = _session_or_404(request, pk)
    return render(
        request,
        "activities/console/sheet.html",
        {
            "session": session,
            "activity": session.activity,
            "sheet": selectors.sign_in_sheet(session=session),
            "checked_in": selectors.checked_in_learner_ids(session=session),
        },
    )


@staff_required
def learner_activities(request: HttpRequest, pk: int) -> HttpResponse:
    """Village and town staff register a learner of their area (often one without a phone)
    for any open activity, and see what the learner already holds."""
    learner = learner_get(actor=request.user, learner_id=pk)
    if learner is None:
        raise Http404
    if request.method == "POST":
        activity = selectors.activity_visible(actor=request.user, activity_id=posted_id(request.POST.get("activity")))
        if activity is None:
            raise Http404
        try:
            registration = services.registration_create(
                actor=request.user, activity=activity, learner=learner, channel=RegistrationChannel.PROXY
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.") % {"name": learner.name, "status": registration.get_status_display()},
            )
        return redirect("console:learner_activities", pk=pk)
    form = CatalogueFilterForm(request.GET or None)
    query = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    held = Registration.objects.filter(learner=learner, status__in=ACTIVE_STATUSES).select_related("activity")
    return render(
        request,
        "activities/console/learner_activities.html",
        {
            "learner": learner,
            "held": held,
            "held_ids": {r.activity_id for r in held},
            "form": form,
            "page": page_of(request, selectors.activity_catalogue(q=query, near=learner.home_region), 20),
        },
    )


@staff_required
@require_POST
def session_change(request: HttpRequest) -> HttpResponse:
    """Move a session or change its venue; everyone registered is told."""
    session = _session_or_404(request, posted_id(request.POST.get("session")))
    _institutions, venues = _form_choices(request.user)
    form = SessionForm(request.POST, venues=venues)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        fields = dict(form.cleaned_data)
        if fields["venue"] is None:  # left empty: the venue stays as it is
            fields.pop("venue")
        try:
            services.session_update(actor=request.user, session=session, **fields)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("The session has been changed; registered learners are told."))
    return redirect("console:activity", pk=session.activity_id)
