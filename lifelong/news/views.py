"""The public news: `/news/` by channel and search, one article's page (its print view is
`?print=1`, without the site's navigation), the pictures in article bodies, and the feeds
(`feeds.py`).

Only released articles are public. Staff who may see an unreleased one in the console get its
page marked as a preview, which counts no view; to anyone else it does not exist (404).
"""

from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from lifelong.common.i18n import english_wanted
from lifelong.common.paging import page_of
from lifelong.common.visitors import remember_visitor, visitor_of

from . import selectors, services
from .choices import Channel

PAGE_SIZE = 20
# A picture is shown as a document of its own when opened directly: it may run nothing and
# load nothing, and is never taken for a page of this site.
IMAGE_CSP = "default-src 'none'; sandbox"
# A picture's address carries a random key and its bytes never change.
IMAGE_CACHE = "public, max-age=31536000, immutable"


class NewsFilterForm(forms.Form):
    """The list's channel tab and search box; anything unreadable is ignored (no error page).
    Kept here rather than in forms.py, which holds the console's forms."""

    q = forms.CharField(label=_("Search the news"), max_length=50, required=False)
    channel = forms.ChoiceField(choices=[("", _("All")), *Channel.choices], required=False, widget=forms.HiddenInput)


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    form = NewsFilterForm(request.GET)
    form.is_valid()  # the fields that parse are used, the rest ignored
    q = (form.cleaned_data.get("q") or "").strip()
    channel = form.cleaned_data.get("channel") or ""
    page = page_of(request, selectors.articles_public(q=q, channel=channel or None), PAGE_SIZE)
    searched = {"q": q} if q else {}
    # Each tab keeps the search; the pager keeps both.
    tabs = [
        (label, urlencode({**({"channel": value} if value else {}), **searched}), value == channel)
        for value, label in [("", _("All")), *Channel.choices]
    ]
    return render(
        request,
        "news/list.html",
        {
            "form": form,
            "page": page,
            "q": q,
            "channel": channel,
            "tabs": tabs,
            "filters_query": urlencode({**({"channel": channel} if channel else {}), **searched}),
        },
    )


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_public(article_id=pk)
    preview = False
    if article is None:
        article = selectors.article_preview(actor=request.user, article_id=pk)
        if article is None:
            raise Http404
        preview = True
    fresh_cookie = None
    if not preview and request.method == "GET":  # a HEAD (a link checker) reads nothing
        visitor, fresh_cookie = visitor_of(request)
        if services.article_view_count(article=article, visitor=visitor, day=timezone.localdate()):
            article.views += 1  # the reader sees their own view at once
    response = render(
        request,
        "news/detail.html",
        {
            "article": article,
            "preview": preview,
            "print_view": request.GET.get("print") == "1",
            # The voice reads the words shown: the English text only when there is one.
            "speech_lang": "en" if english_wanted() and article.body_en else "zh-CN",
        },
    )
    remember_visitor(request, response, fresh_cookie)
    return response


@require_safe
def article_image(request: HttpRequest, key: UUID) -> HttpResponse:
    """A picture from an article body, as the type detected from its bytes at upload."""
    image = selectors.article_image(key=key)
    if image is None:
        raise Http404
    try:
        handle = image.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = IMAGE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = IMAGE_CACHE
    return response
