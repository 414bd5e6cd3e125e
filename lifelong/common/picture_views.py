"""`/pictures/<key>/<size>.jpg`: cover pictures, public by design.

A picture's address carries its random key and is only ever written into pages that show it,
so serving it without a sign-in reveals nothing a reader has not been shown (a draft's cover
cannot be guessed). The bytes behind a key never change (a new cover is a new key), so
browsers and proxies may keep them for a year.
"""

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from .pictures import SIZES, picture_by_key

PICTURE_CACHE = "public, max-age=31536000, immutable"
# Opened directly, the file may do nothing but be a picture.
PICTURE_CSP = "default-src 'none'; sandbox"


@require_safe
def picture(request: HttpRequest, key: UUID, size: str) -> HttpResponse:
    if size not in SIZES:
        raise Http404
    found = picture_by_key(key=key)
    if found is None:
        raise Http404
    file = getattr(found, size)
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PICTURE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = PICTURE_CACHE
    return response
