from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of a list page; a bad or too-large page number shows the last page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
