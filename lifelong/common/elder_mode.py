"""Elder mode (larger text and targets): on the account when signed in, in a cookie for visitors."""

from django.http import HttpRequest

ELDER_COOKIE = "elder_mode"


def elder_mode_on(request: HttpRequest) -> bool:
    """Elder mode follows the account's preference when signed in, else a cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.elder_mode
    return request.COOKIES.get(ELDER_COOKIE) == "1"
