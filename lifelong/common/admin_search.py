"""Django admin searches for people (a name, a mobile number) travel in a POST body, not the URL.

Django's admin puts the search in the query string (`?q=13900000005`), from where it reaches
access logs, proxies and browser history, and every paging, sorting and filter link repeats it.
DESIGN §4 keeps personal data out of URLs, so the admins that search people
(`PostedSearchAdmin`) post the search instead: it is kept in the session, and the list's URL
carries a random handle (`?s=…`) in its place. Paging, sorting, filters and the back button then
work as before, and the handle means nothing outside the session that made it. Only the latest
search is kept: an older handle lists everything again. A `q` typed into the URL is ignored.
"""

import secrets

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

SEARCH_VAR = "q"  # django.contrib.admin.views.main.SEARCH_VAR
HANDLE_VAR = "s"
SESSION_KEY = "admin_search"
MAX_LENGTH = 100


class PostedSearchChangeList(ChangeList):
    """A change list whose links carry the search handle and never the search itself."""

    def get_filters_params(self, params=None):
        lookup = super().get_filters_params(params)
        lookup.pop(HANDLE_VAR, None)
        return lookup

    def get_query_string(self, new_params=None, remove=None):
        # `remove` matches by prefix: only the exact search parameter is dropped here.
        query = super().get_query_string(new_params, remove)
        params = QueryDict(query.removeprefix("?"), mutable=True)
        params.pop(SEARCH_VAR, None)
        return "?" + params.urlencode()


class PostedSearchAdmin(admin.ModelAdmin):
    """A ModelAdmin whose search box posts (see the module docstring)."""

    change_list_template = "admin/posted_search_change_list.html"

    def get_changelist(self, request: HttpRequest, **kwargs):
        return PostedSearchChangeList

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method == "POST" and "_search" in request.POST:
            return self._search_posted(request)
        request.GET = self._with_search(request)
        return super().changelist_view(request, extra_context)

    def get_preserved_filters(self, request: HttpRequest) -> str:
        # The "back to the list" address a change page keeps: the handle, never the search.
        preserved = QueryDict(super().get_preserved_filters(request), mutable=True)
        filters = QueryDict(preserved.get("_changelist_filters", ""), mutable=True)
        if SEARCH_VAR in filters:
            filters.pop(SEARCH_VAR)
            preserved["_changelist_filters"] = filters.urlencode()
        return preserved.urlencode()

    def _search_posted(self, request: HttpRequest) -> HttpResponseRedirect:
        query = " ".join(request.POST.get(SEARCH_VAR, "").replace("\x00", "").split())[:MAX_LENGTH]
        kept = request.GET.copy()
        for name in (SEARCH_VAR, HANDLE_VAR, "p"):
            kept.pop(name, None)
        if query:
            handle = secrets.token_urlsafe(9)
            request.session[SESSION_KEY] = {"handle": handle, "model": self._label(), "q": query}
            kept[HANDLE_VAR] = handle
        return HttpResponseRedirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)

    def _with_search(self, request: HttpRequest) -> QueryDict:
        """The request's parameters with the search the handle stands for, and no other."""
        params = request.GET.copy()
        params.pop(SEARCH_VAR, None)
        saved = request.session.get(SESSION_KEY) or {}
        handle = params.get(HANDLE_VAR)
        if handle and saved.get("handle") == handle and saved.get("model") == self._label():
            params[SEARCH_VAR] = saved["q"]
        return params

    def _label(self) -> str:
        return self.model._meta.label_lower
