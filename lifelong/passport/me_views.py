"""The learner's own page (/me/, "My learning"): their next session and registrations, their
passport, their family profiles, their calendar address and their profile.

It lives here, in the highest app whose data it shows (the passport), so the apps below it
(accounts, activities) need not know about it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lifelong.accounts import policy
from lifelong.accounts.forms import ContactEmailForm, ManagedProfileForm
from lifelong.accounts.selectors import managed_profiles
from lifelong.accounts.services import managed_profile_create
from lifelong.activities import calendar
from lifelong.activities.selectors import my_registrations_with_times, next_session_for
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error

from .selectors import passport_summary


@never_cache
@login_required
def me_view(request: HttpRequest) -> HttpResponse:
    form = ManagedProfileForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            managed_profile_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status  # one relative too many: 422 too_many_relatives
        else:
            messages.success(request, _("The family profile has been added."))
            return redirect("me")
    coming, past = my_registrations_with_times(actor=request.user)
    return render(
        request,
        "passport/me.html",
        {
            "profiles": managed_profiles(actor=request.user),
            "registrations": coming,
            "past_registrations": past,
            "next_session": next_session_for(learner=request.user),
            "now": timezone.now(),
            "grants": policy.grants(request.user),
            "form": form,
            "email_form": ContactEmailForm(initial={"email": request.user.email}),
            "calendar_feed": calendar.feed_for(request.user),
            "passport": passport_summary(learner=request.user),
            "relatives_max": settings.MANAGED_PROFILES_MAX,
        },
        status=status,
    )
