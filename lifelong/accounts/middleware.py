"""Session rules that apply to every request of a signed-in user."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
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
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in_at = request.session.setdefault(SESSION_SIGNED_IN_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if (
                now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
                or now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            ):
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if now - last_seen >= LAST_SEEN_RESOLUTION or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


# Paths a signed-in user may open before finishing sign-in (two-factor, forced password change).
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/preferences/", "/api/")


class SignInCompletionMiddleware:
    """Staff must pass two-factor, and learners whose password staff set must change it,
    before any other page opens. (The API checks two-factor when issuing tokens.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            if needs_two_factor(user) and not user.is_verified():
                return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
            if user.must_change_password:
                return redirect(f"{reverse('accounts:password_change')}?next={request.path}")
        return self.get_response(request)
