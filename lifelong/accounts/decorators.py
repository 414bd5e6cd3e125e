from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from . import policy


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Console pages: sign-in first; a signed-in citizen without a staff role gets 404.
    Console pages show personal data, so browsers must not keep them (ASVS 14.3.2)."""

    @never_cache
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not policy.is_staff_member(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
