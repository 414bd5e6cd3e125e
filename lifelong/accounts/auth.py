"""Sign-in plumbing: per-account lockout hooks for django-axes and the API's bearer tokens."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from ninja.security import HttpBearer

from lifelong.common.errors import InvalidInput, Locked

from . import policy
from .models import APIToken, RoleGrant, User, hash_token
from .phone import normalize_phone
from .services import needs_two_factor


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The key axes counts failures under: the normalised phone, so `+86 139…` and `139…`
    share one counter. Never the client address (a village hall shares one)."""
    credentials = credentials or {}
    raw = credentials.get("phone") or credentials.get("username") or request.POST.get("phone", "")
    try:
        return normalize_phone(raw)
    except InvalidInput:
        return str(raw)[:32]


def lockout_response(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """What a locked account gets, even with the right password: 429 `locked`."""
    error = Locked()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": error.detail, "code": error.code}, status=error.status)
    from .forms import SignInForm  # the page form; imported here to keep auth free of forms

    form = SignInForm(data=request.POST)
    return render(request, "accounts/login.html", {"form": form, "locked_message": error.detail}, status=error.status)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the request's user becomes the token's owner. A token
    counts only once its owner has finished signing in: staff who must pass two-factor need a
    token issued with the code, and nobody acts while they must still replace the password staff
    set (the web's `SignInCompletionMiddleware` asks for the same). The API never falls back to
    the browser's session (`ApiWithoutSessionMiddleware`)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        matches = (
            APIToken.objects.select_related("user")
            # Whether the owner holds any role, in the same query: most callers are learners,
            # and then the grants need no query of their own.
            .annotate(holds_role=Exists(RoleGrant.objects.filter(user=OuterRef("user"))))
            .filter(
                key_hash=hash_token(token),
                expires_at__gt=timezone.now(),
                user__is_active=True,
                user__must_change_password=False,
            )
            .order_by()[:1]  # unique key: no ORDER BY to build or run
        )
        found = next(iter(matches), None)
        if found is None:
            return None
        if not found.holds_role:
            policy.remember_no_grants(found.user)
        if needs_two_factor(found.user) and not found.two_factor_verified:
            return None
        request.user = found.user
        request.auth_token = token
        return found.user


class OptionalBearerToken(BearerToken):
    """For public endpoints that show more to a token's owner: no header means a visitor, never
    the session's user (the views read `request.user`); a header that is wrong, or a token still
    owed two-factor, answers 401."""

    # The document shows the same bearer scheme, and that calling without it is allowed.
    openapi_scheme_name = "BearerToken"
    openapi_optional = True

    def __call__(self, request: HttpRequest):
        if not request.headers.get("Authorization"):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)
