"""Absolute addresses for what leaves the site: QR codes, calendar files, emails, certificates.

They all use the one configured public address, `settings.SITE_URL` (production requires its
https address; `make run` derives it from `BIND`), never the host a request happened to arrive
on: a calendar feed, a printed certificate or a QR code on a venue screen must keep working for
whoever opens it later, from wherever they are.
"""

from django.conf import settings
from django.urls import reverse


def public_url(path: str) -> str:
    """`path` (site-absolute, such as "/verify/") on the site's public address."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def public_reverse(viewname: str, *, args: list | tuple | None = None) -> str:
    """The public address of a named URL."""
    return public_url(reverse(viewname, args=args))
