"""Session rules that apply to every request of a signed-in user."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .services import SESSION_SIGNED_IN_AT, needs_two_factor

SESSION_LAST_SEEN = "lifelong_last_seen"
# Refresh the idle clock at most once a minute, so reading pages does not write the session
# row on every request.
LAST_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Idle and absolute session timeouts (ASVS 7.3.1, 7.3.2; MLPS "timeout logout")."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API authenticates each request with a bearer token; web sessions do not apply.
        if request.user.is_authenticated and not request.path_info.startswith("/api/"):
            now = timezone.now().timestamp()
            signed_in_at = request.session.setdefault(SESSION_SIGNED_IN_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if (
                now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
                or now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            ):
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_RESOLUTION or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class ApiWithoutSessionMiddleware:
    """The JSON API acts only for the owner of a bearer token (`lifelong.accounts.auth`), never
    for the browser's session: a session may be half signed in (staff before the two-factor
    code, someone who must still replace the password staff set), and a page's cookie must not
    authorise API calls made from another site. So under /api/ the request starts as a visitor,
    whatever cookie came with it, and only a valid token makes it someone.

    Runs right after Django's AuthenticationMiddleware, before anything reads `request.user`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            request.user = AnonymousUser()

            async def api_user() -> AbstractBaseUser | AnonymousUser:
                return request.user  # a visitor until a bearer token names its owner

            request.auser = api_user
        return self.get_response(request)


# What a signed-in user may open before passing two-factor. Static files and preferences hold
# nothing personal. The API is not listed because it never sees the session (above): its tokens
# carry whether two-factor was passed.
BEFORE_TWO_FACTOR = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/static/",
    "/preferences/",
)
# ... and before replacing a password that staff set.
BEFORE_PASSWORD_CHANGE = (*BEFORE_TWO_FACTOR, "/accounts/password/")


def _redirect_with_next(view_name: str, request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")


class SignInCompletionMiddleware:
    """Staff must pass two-factor, and learners whose password staff set must change it,
    before any other page opens."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if (
                needs_two_factor(user)
                and not user.is_verified()
                and not request.path_info.startswith(BEFORE_TWO_FACTOR)
            ):
                return _redirect_with_next("accounts:two_factor", request)
            if user.must_change_password and not request.path_info.startswith(BEFORE_PASSWORD_CHANGE):
                return _redirect_with_next("accounts:password_change", request)
        return self.get_response(request)
