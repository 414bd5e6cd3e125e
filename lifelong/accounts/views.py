"""Sign-in, two-factor, password change, the contact email, and the console page for learners
(the learner's own page is `lifelong.passport.me_views`; staff roles are
`lifelong.institutions.role_views`)."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error
from lifelong.common.paging import page_of
from lifelong.common.views import safe_next, set_language_cookie

from . import selectors, services
from .decorators import staff_required
from .forms import (
    ContactEmailForm,
    LearnerRegisterForm,
    LearnerSearchForm,
    OneTimeCodeForm,
    PasswordChangeForm,
    SignInForm,
    TwoFactorEnrolForm,
)


@never_cache
@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.credentials_check(request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            services.user_sign_in(request=request, user=user)
            response = redirect(safe_next(request, "/me/"))
            if user.preferred_language:
                set_language_cookie(response, user.preferred_language)
            return response
    return render(request, "accounts/login.html", {"form": form, "next": safe_next(request, "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.user_sign_out(request=request)
    return redirect("home")


@never_cache
@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Verify a staff member's TOTP code, or, on first sign-in, enrol an authenticator app
    with the help of an SMS code sent to their phone."""
    user = request.user
    if not services.needs_two_factor(user) or user.is_verified():
        return redirect(safe_next(request, "/console/"))
    enrolling = not services.has_two_factor_device(user)
    resending = request.method == "POST" and request.POST.get("intent") == "resend"
    form_class = TwoFactorEnrolForm if enrolling else OneTimeCodeForm
    form = form_class(request.POST if request.method == "POST" and not resending else None)
    if enrolling and not form.is_bound:
        try:
            if services.enrolment_code_send(user=user, resend=resending) and resending:
                messages.info(request, _("A new SMS code has been sent."))
        except DomainError as error:
            messages.error(request, error.detail)
    if form.is_bound and form.is_valid():
        try:
            if enrolling:
                services.two_factor_enrol(
                    request=request, user=user, sms_code=form.cleaned_data["sms_code"], code=form.cleaned_data["otp"]
                )
            else:
                services.two_factor_verify(request=request, user=user, code=form.cleaned_data["otp"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(safe_next(request, "/console/"))
    context = {"form": form, "enrolling": enrolling, "next": safe_next(request, ""), "phone": user.phone}
    if enrolling:
        device = services.pending_totp_device(request=request, user=user)
        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@never_cache
@login_required
@sensitive_post_parameters("new_password", "confirm_password")
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect(safe_next(request, "/me/"))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": request.user.must_change_password,
            "next": safe_next(request, ""),
        },
    )


@login_required
@require_POST
def contact_email_view(request: HttpRequest) -> HttpResponse:
    form = ContactEmailForm(request.POST)
    if form.is_valid():
        services.contact_email_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Your email for notices has been saved."))
    else:
        messages.error(request, " ".join(form.errors.get("email", [])))
    return redirect("me")


# --- Console ------------------------------------------------------------------------------------


SEARCH_RESULTS_SHOWN = 50


@staff_required
def learner_list(request: HttpRequest) -> HttpResponse:
    """The learners in scope, a name search, and the registration form. Searches are POSTed
    so that names never appear in URLs, browser history or access logs (DESIGN §4)."""
    villages = selectors.villages_in_scope(actor=request.user)
    registering = request.method == "POST" and request.POST.get("intent") == "register"
    form = LearnerRegisterForm(request.POST if registering else None, villages=villages)
    if registering and form.is_valid():
        try:
            services.learner_register(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The learner has been registered."))
            return redirect("console:learners")
    search = LearnerSearchForm(request.POST if request.POST.get("intent") == "search" else None)
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    learners = selectors.learner_list(actor=request.user, query=query)
    if query:
        matches = list(learners[: SEARCH_RESULTS_SHOWN + 1])
        page, more = matches[:SEARCH_RESULTS_SHOWN], len(matches) > SEARCH_RESULTS_SHOWN
    else:
        page, more = page_of(request, learners), False
    return render(
        request,
        "accounts/learner_list.html",
        {"page": page, "more_matches": more, "form": form, "query": query, "can_register": villages.exists()},
    )
