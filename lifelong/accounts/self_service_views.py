"""Pages a citizen uses alone: sign-up, password reset, and a family profile becoming the
relative's own account (with removing the family link). Numbers being verified are kept in
the session between steps, never in URLs (DESIGN §4: no personal data in URLs)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from lifelong.common.elder_mode import elder_mode_on
from lifelong.common.errors import DomainError
from lifelong.common.forms import add_domain_error
from lifelong.common.masking import mask_phone
from lifelong.regions.models import Region

from . import selectors, self_service, services
from .choices import Language
from .forms import ClaimCompleteForm, OwnAccountForm, PasswordResetConfirmForm, PhoneForm, SignUpDetailsForm
from .models import User
from .phone import normalize_phone

SIGNUP_PHONE = "lifelong_signup_phone"
RESET_PHONE = "lifelong_reset_phone"
CLAIM = "lifelong_claim"
SECRET_FIELDS = ("code", "password", "new_password", "confirm_password")


# --- Sign-up -----------------------------------------------------------------------------------


@never_cache
def signup_view(request: HttpRequest) -> HttpResponse:
    """Step 1: the mobile number. The next page says the same whether or not the number is
    registered (a registered number gets an SMS saying so instead of a code)."""
    if request.user.is_authenticated:
        return redirect("me")
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request.session[SIGNUP_PHONE] = self_service.signup_code_send(
                phone=form.cleaned_data["phone"], request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("accounts:signup_details")
    return render(request, "accounts/signup.html", {"form": form})


def _town_posted(request: HttpRequest) -> Region | None:
    return Region.objects.filter(level="town", code=request.POST.get("town") or "").first()


@never_cache
@sensitive_post_parameters(*SECRET_FIELDS)
def signup_details_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the code, name, birth year, home village and password, in one form."""
    phone = request.session.get(SIGNUP_PHONE)
    if not phone or request.user.is_authenticated:
        return redirect("accounts:signup")
    intent = request.POST.get("intent") if request.method == "POST" else None
    if intent == "resend":
        try:
            self_service.signup_code_send(phone=phone, request=request)
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            # True either way: a registered number gets a new "you already have an account" SMS.
            messages.info(
                request, _("A new SMS has been sent. Use the code in the newest one: the old code no longer works.")
            )
        return redirect("accounts:signup_details")
    if intent == "town":  # without scripts: show the chosen town's villages, keep what was typed
        kept = {name: request.POST.get(name, "") for name in ("code", "name", "birth_year", "town")}
        form = SignUpDetailsForm(initial=kept, town=_town_posted(request))
    else:
        form = SignUpDetailsForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            citizen = self_service.citizen_sign_up(
                phone=phone,
                code=data["code"],
                name=data["name"],
                birth_year=data["birth_year"],
                home_region=data["home_region"],
                password=data["password"],
                # The page's language and elder mode go with the new account, or /me/ would
                # open in small print for someone who just signed up in elder mode.
                language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in Language.values else "",
                elder_mode=elder_mode_on(request),
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            request.session.pop(SIGNUP_PHONE, None)
            services.user_sign_in(request=request, user=citizen)
            messages.success(
                request, _("Welcome, %(name)s. Your account is ready and you are signed in.") % {"name": citizen.name}
            )
            return redirect("me")
    return render(request, "accounts/signup_details.html", {"form": form, "phone": phone})


def signup_villages_view(request: HttpRequest) -> HttpResponse:
    """The village select for a town (`?town=<code>`), swapped in by htmx. Regions are
    public, so this needs no sign-in."""
    town = Region.objects.filter(level="town", code=request.GET.get("town") or "").first()
    return render(request, "accounts/_village_field.html", {"field": SignUpDetailsForm(town=town)["home_region"]})


# --- Password reset ----------------------------------------------------------------------------


@never_cache
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """Step 1: the number. Every number goes on to the same next page."""
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            self_service.password_reset_request(phone=form.cleaned_data["phone"], request=request)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            request.session[RESET_PHONE] = normalize_phone(form.cleaned_data["phone"])
            return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form})


@never_cache
@sensitive_post_parameters(*SECRET_FIELDS)
def password_reset_confirm_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the code and the new password. Success signs out everywhere, this browser too."""
    phone = request.session.get(RESET_PHONE)
    if not phone:
        return redirect("accounts:password_reset")
    if request.method == "POST" and request.POST.get("intent") == "resend":
        self_service.password_reset_request(phone=phone, request=request)
        # The same words whatever happened: a different answer for a number past its
        # once-a-minute limit would tell that the number is registered.
        messages.info(
            request,
            _(
                "If this number has an account, a new code has been sent, unless one went out less than "
                "a minute ago: then wait a minute and ask again."
            ),
        )
        return redirect("accounts:password_reset_confirm")
    form = PasswordResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            self_service.password_reset_confirm(
                phone=phone,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            # The other sessions end with the old password; this one ends here, whoever it was.
            logout(request)
            messages.success(request, _("Your password has been changed; sign in with the new one."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "phone": phone})


# --- A family profile becomes the relative's own account -----------------------------------------


@never_cache
@login_required
@sensitive_post_parameters(*SECRET_FIELDS)
def family_claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The family member enters the relative's number; the relative then types the code they
    received and chooses a password, here on the family member's phone."""
    profile = selectors.managed_profiles(actor=request.user).filter(pk=pk).first()
    if profile is None:
        raise Http404
    if not profile.is_managed_profile:
        messages.info(request, _("%(name)s already has their own account.") % {"name": profile.name})
        return redirect("me")
    pending = request.session.get(CLAIM) or {}
    phone = pending.get("phone") if pending.get("profile") == profile.pk else None
    intent = request.POST.get("intent") if request.method == "POST" else None
    phone_form = PhoneForm(request.POST if intent == "send" else None)
    code_form = ClaimCompleteForm(request.POST if intent == "confirm" and phone else None, relative_name=profile.name)
    if intent == "restart":
        request.session.pop(CLAIM, None)
        return redirect("accounts:family_claim", pk=profile.pk)
    if intent in ("send", "resend"):
        sent = _family_claim_send(request, profile, resend=intent == "resend", phone=phone, phone_form=phone_form)
        if sent is not None:
            return sent
    if code_form.is_bound and code_form.is_valid():
        done = _family_claim_complete(request, profile, phone=phone, code_form=code_form)
        if done is not None:
            return done
    return render(
        request,
        "accounts/family_claim.html",
        {"profile": profile, "phone": phone, "phone_form": phone_form, "form": code_form},
    )


def _family_claim_send(
    request: HttpRequest, profile: User, *, resend: bool, phone: str | None, phone_form: PhoneForm
) -> HttpResponse | None:
    """Send (or send again) the code to the relative's number; None when the form has errors
    to show."""
    if resend and not phone:
        return redirect("accounts:family_claim", pk=profile.pk)
    if not resend and not phone_form.is_valid():
        return None
    number = phone if resend else phone_form.cleaned_data["phone"]
    try:
        number = self_service.family_claim_start(actor=request.user, profile=profile, phone=number, request=request)
    except DomainError as error:
        if resend:
            messages.error(request, error.detail)
            return redirect("accounts:family_claim", pk=profile.pk)
        add_domain_error(phone_form, error)
        return None
    request.session[CLAIM] = {"profile": profile.pk, "phone": number}
    messages.success(request, _("A code has been sent to %(phone)s.") % {"phone": mask_phone(number)})
    return redirect("accounts:family_claim", pk=profile.pk)


def _family_claim_complete(
    request: HttpRequest, profile: User, *, phone: str | None, code_form: ClaimCompleteForm
) -> HttpResponse | None:
    """The relative's code and password make the profile their own account; None when the form
    has errors to show."""
    try:
        self_service.family_claim_complete(
            phone=phone,
            code=code_form.cleaned_data["code"],
            password=code_form.cleaned_data["password"],
            profile=profile,
            request=request,
        )
    except DomainError as error:
        add_domain_error(code_form, error)
        return None
    request.session.pop(CLAIM, None)
    messages.success(
        request,
        _(
            "%(name)s now has their own account and signs in with %(phone)s. "
            "You can still register them for activities until one of you removes the family link."
        )
        % {"name": profile.name, "phone": mask_phone(phone)},
    )
    return redirect("me")


@never_cache
@sensitive_post_parameters(*SECRET_FIELDS)
def own_account_view(request: HttpRequest) -> HttpResponse:
    """The relative, on their own phone: the number, the code the family member asked for,
    and a password. Signs them in unless someone is signed in on this browser already."""
    form = OwnAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = self_service.family_claim_complete(
                phone=data["phone"], code=data["code"], password=data["password"], request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if request.user.is_authenticated:  # the family member's browser: their preferences stay
                messages.success(
                    request,
                    _("%(name)s now has their own account and signs in with their own number.") % {"name": person.name},
                )
            else:
                services.user_sign_in(request=request, user=person)
                messages.success(
                    request,
                    _("Welcome, %(name)s. Your own account is ready and you are signed in.") % {"name": person.name},
                )
            return redirect("me")
    return render(request, "accounts/own_account.html", {"form": form})


@login_required
@require_POST
def family_unlink_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Either side removes a family link: the family member for a relative, or the relative
    for themselves (`pk` is then their own id)."""
    try:
        self_service.family_link_remove(actor=request.user, person_id=pk, request=request)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.detail)
    else:
        messages.success(request, _("The family link has been removed."))
    return redirect("me")
