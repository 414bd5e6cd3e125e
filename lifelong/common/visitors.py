"""Who is reading, for counters that count a visitor once a day (articles, resources).

A signed-in user is themselves; anyone else is a first-party cookie, stored only as a hash.
Never the address: a village hall's readers all share one."""

import hashlib
import re
import secrets

from django.http import HttpRequest, HttpResponse

VISITOR_COOKIE = "lifelong_visitor"
VISITOR_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def visitor_of(request: HttpRequest) -> tuple[str, str | None]:
    """(who is viewing, a new cookie value to set or None)."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}", None
    token = request.COOKIES.get(VISITOR_COOKIE, "")
    fresh = None
    if not VISITOR_PATTERN.fullmatch(token):
        token = fresh = secrets.token_urlsafe(24)
    return "c" + hashlib.sha256(token.encode()).hexdigest()[:40], fresh


def remember_visitor(request: HttpRequest, response: HttpResponse, fresh: str | None) -> None:
    """Set the visitor cookie `visitor_of` made up for a first visit."""
    if fresh:
        response.set_cookie(
            VISITOR_COOKIE, fresh, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure(), httponly=True
        )
