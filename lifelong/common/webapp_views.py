"""`/favicon.ico` and `/manifest.webmanifest`: what browsers ask for at the site's root.

Browsers fetch /favicon.ico whatever the page says, so it answers at the root rather than
under /static/; the manifest lets a learner add Lifelong to the home screen (name, colours and
icons). Both are small and change only with a release, so they are cached for a long time;
the manifest names the site in the reader's language, hence `Vary`.
"""

import json
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

FAVICON = "lifelong/icons/favicon.ico"
THEME_COLOUR = "#0b5d3b"
ICONS = [
    {"src": "lifelong/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "lifelong/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {"src": "lifelong/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
]


@cache
def favicon_bytes() -> bytes:
    found = finders.find(FAVICON)
    if not found:  # the file ships with the code: missing means a broken checkout
        raise Http404
    return Path(found).read_bytes()


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(favicon_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24 * 30)
    return response


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    document = {
        "name": _("Haiyan lifelong learning"),
        "short_name": _("Lifelong"),
        "description": _("Activities, courses and news of Haiyan County's community schools."),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [{**icon, "src": static(icon["src"])} for icon in ICONS],
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/manifest+json; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response
